"""Re-execute a numeric template's chain exactly with new values for its variables."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from probes.numeric.solution.arithmetic import evaluate
from probes.numeric.solution.final import HUNDRED
from probes.numeric.template.sources import Source, apply_op

if TYPE_CHECKING:
    from probes.numeric.template.template import Template

TRANSFORMS: dict[str, Callable[[Fraction], Fraction]] = {
    "id": lambda v: v,
    "pct": lambda v: v / HUNDRED,
    "pct_up": lambda v: 1 + v / HUNDRED,
    "pct_down": lambda v: 1 - v / HUNDRED,
    "pct_rest": lambda v: HUNDRED - v,
}
PERCENT_TRANSFORMS = ("pct", "pct_up", "pct_down", "pct_rest")


def literal_value(source: Source, values: list[Fraction], results: list[Fraction]) -> Fraction:
    """The value a reading gives with these variable values and step results."""
    kind = source.kind
    if kind == "var":
        value = values[source.index]
        return value if source.transform == "id" else TRANSFORMS[source.transform](value)
    if kind == "result":
        return results[source.index]
    if kind == "op":
        first, second = (literal_value(operand, values, results) for operand in source.operands)
        return apply_op(source.op, first, second)
    return source.value


def execute(template: Template, values: list[Fraction], choice: dict[tuple[int, int], int] | None = None
            ) -> tuple[list[Fraction], list[list[Fraction]]]:
    """Re-execute the chain with variable values; returns step results and literal values.

    `choice` picks a non-primary reading for some literals (step, literal) -> reading index.
    Raises:
        ExpressionError: on division by zero.
    """
    results: list[Fraction] = []
    literal_values: list[list[Fraction]] = []
    for s, (step, row) in enumerate(zip(template.steps, template.sources, strict=True)):
        if choice:
            lits = [literal_value(readings[choice.get((s, k), 0)], values, results)
                    for k, readings in enumerate(row)]
        else:
            lits = [literal_value(readings[0], values, results) for readings in row]
        results.append(evaluate(step.tree, lits))
        literal_values.append(lits)
    return results, literal_values


def alternative_choices(template: Template) -> list[dict[tuple[int, int], int]]:
    """Every combination of non-primary readings of the ambiguous literals."""
    ambiguous = [((s, k), len(readings)) for s, row in enumerate(template.sources)
                 for k, readings in enumerate(row) if len(readings) > 1]
    combos: list[dict[tuple[int, int], int]] = [{}]
    for key, count in ambiguous:
        combos = [{**combo, key: r} for combo in combos for r in range(count)]
    return [combo for combo in combos if any(combo.values())]
