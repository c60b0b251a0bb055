"""`numeric`: resample the numbers of a GSM8K-style item and recompute its gold by re-executing
the solution's `<<expr=result>>` chain (GSM-Symbolic / GSM-Plus style, built automatically).

Constraints kept from the original: integer intermediates stay integers, signs stay the same,
decimals stay terminating and short, magnitudes stay within about x0.5-x2 and keep their
roundness, and the order between every two stated quantities (and the unit constants the chain
uses) is preserved. Items that cannot be re-derived safely raise ProbeSkip with a named reason.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant
from probes.numeric.drawing.sampler import sampler_for
from probes.numeric.rewriting.plan import plan_for
from probes.numeric.rewriting.question import rewrite_question
from probes.numeric.rewriting.solution import rewrite_solution
from probes.numeric.solution.arithmetic import format_number
from probes.numeric.solution.chain import ChainError
from probes.numeric.template.build import cached_template
from probes.numeric.template.execution import execute
from probes.numeric.template.template import Template


class NumericProbe:
    """Change the numbers, recompute the gold by re-executing the solution chain."""

    name: ClassVar[str] = "numeric"
    version: ClassVar[str] = "3"  # 3: prose orders, parts and day counts that stay, "24 hours or 1 day"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return not item.is_multiple_choice and bool(item.solution)

    def template(self, item: BenchmarkItem) -> Template:
        """The item's template. Raises: ProbeSkip naming why it cannot be re-derived."""
        built = cached_template(item.question, item.solution or "", item.answer)
        if isinstance(built, ChainError):
            raise ProbeSkip(built.reason, str(built))
        return built

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        template = self.template(item)
        drawn = sampler_for(template).sample(rng)
        if drawn is None:
            return None
        values, results, literal_values = drawn
        return self._variant(item, template, values, results, literal_values)

    def substitute(self, item: BenchmarkItem, changes: dict[str, str]) -> Variant:
        """The variant with chosen new values (`{"16": "20"}`), re-executed; constraints are not checked.

        Raises:
            ProbeSkip: the item cannot be re-derived. ValueError: a key is not a free question number,
            or the new answer has no finite decimal form.
        """
        template = self.template(item)
        values = [var.value for var in template.variables]
        for old, new in changes.items():
            index = next((i for i in template.free if template.variables[i].value == Fraction(old)), None)
            if index is None:
                raise ValueError(f"{old} is not a free number of {item.item_id}")
            values[index] = Fraction(new)
        results, literal_values = execute(template, values)
        return self._variant(item, template, values, results, literal_values)

    def _variant(self, item: BenchmarkItem, template: Template, values: list[Fraction],
                 results: list[Fraction], literal_values: list[list[Fraction]]) -> Variant:
        plan = plan_for(template)
        changes = "; ".join(
            f"{old_text}->{format_number(new)}"
            for new, old_key, old_text in zip(values, plan.value_keys, plan.value_texts, strict=True)
            if new.as_integer_ratio() != old_key
        )
        return build_variant(
            item, self.name, self.version, 0,
            question=rewrite_question(template, values),
            answer=format_number(template.final_answer(results[-1])),
            solution=rewrite_solution(template, values, results, literal_values),
            params={"changes": changes, "n_free": len(template.free)},
        )
