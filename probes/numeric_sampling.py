"""Draw new values for a numeric template that keep the item's character (see probes/numeric.py).

A draw is screened in floating point first (cheap), then checked exactly with fractions; only the
exact check decides. Values keep their roundness (multiples of 10, 5, ...) or, on alternate
attempts, a step that is a divisor of the original, which keeps divisions exact more often.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction

from probes.arithmetic import ExpressionError, decimal_places, evaluate_float
from probes.numeric_template import Source, Template, Var, alternative_choices, execute

ATTEMPTS = 80
_PERCENT_AFTER_RE = re.compile(r"(?:\d[\d,]*(?:\.\d+)?)?\s?%")
MAX_ABS = Fraction(10) ** 9
_PERCENT_FLOAT = {"id": lambda v: v, "pct": lambda v: v / 100, "pct_up": lambda v: 1 + v / 100,
                  "pct_down": lambda v: 1 - v / 100, "pct_rest": lambda v: 100 - v}


def _sign(value: float | Fraction) -> int:
    return (value > 0) - (value < 0)


def _roundness_step(original: int, low: int, high: int) -> int:
    zeros = len(str(original)) - len(str(original).rstrip("0"))
    for candidate in (10**zeros, 5 * 10 ** max(zeros - 1, 0), 10 ** max(zeros - 1, 0)):
        if (high // candidate) - ((low + candidate - 1) // candidate) + 1 >= 5:
            return candidate
    return 1


def _divisor_step(original: int, low: int, high: int) -> int:
    """The largest divisor of the original that still leaves at least 3 other multiples in range."""
    for divisor in sorted({d for k in range(1, int(original**0.5) + 1) if original % k == 0
                           for d in (k, original // k)}, reverse=True):
        if (high // divisor) - ((low + divisor - 1) // divisor) + 1 >= 4:
            return divisor
    return 1


@dataclass(frozen=True, slots=True)
class _Range:
    original: int
    scale: int
    low: int
    high: int
    steps: tuple[int, int]


def _value_range(var: Var) -> _Range:
    scale = 10**var.decimals
    original = int(var.value * scale)
    low = max(2, original // 2)
    high = max(original * 2, original + 8)
    if var.percent and original <= 100 * scale:
        high = min(high, 100 * scale - 1)
    return _Range(original, scale, low, high,
                  (_roundness_step(original, low, high), _divisor_step(original, low, high)))


class Sampler:
    """Precomputed data for drawing values of one template."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.free = template.free
        self.ranges = {i: _value_range(template.variables[i]) for i in self.free}
        self.alternatives = alternative_choices(template)
        originals = [var.value for var in template.variables] + list(template.constants)
        self.order = sorted(range(len(originals)), key=lambda i: originals[i])
        self.original_anchors = originals
        self.related = self._relations()
        self.float_readings = [[tuple(self._float_source(r) for r in readings) for readings in row]
                               for row in template.sources]
        self.results = [step.result for step in template.steps]
        self.integral = [r.denominator == 1 for r in self.results]
        self.signs = [_sign(r) for r in self.results]
        # Each step's result must stay a multiple of 10**-places (places 0 for integer results).
        self.scales = [1.0 if r.denominator == 1 else float(10 ** max(2, decimal_places(r) or 0))
                       for r in self.results]
        self.final = float(template.final_value)
        # Results the solution writes as percentages (`= 45%`) stay at most 100 when they were.
        self.at_most_100 = [
            r <= 100 and _PERCENT_AFTER_RE.match(template.solution, step.end) is not None
            for r, step in zip(self.results, template.steps, strict=True)
        ]

    @staticmethod
    def _float_source(source: Source) -> tuple[str, int, str, float]:
        return source.kind, source.index, source.transform, float(source.value)

    def draw(self, var_index: int, rng: random.Random, mode: int, lower: Fraction | None,
             upper: Fraction | None) -> Fraction | None:
        """A new value strictly between `lower` and `upper` (the neighbours in the original order)."""
        r = self.ranges[var_index]
        step = r.steps[mode]
        first, last = (r.low + step - 1) // step, r.high // step
        if lower is not None:
            first = max(first, math.floor(lower * r.scale / step) + 1)
        if upper is not None:
            last = min(last, math.ceil(upper * r.scale / step) - 1)
        if first > last:
            return None
        for _ in range(6):
            scaled = rng.randint(first, last) * step
            if scaled != r.original:
                return Fraction(scaled, r.scale)
        return self.template.variables[var_index].value

    def _relations(self) -> list[set[int]]:
        """For each anchor, the anchors it meets as a literal of the same step."""
        n = len(self.template.variables)
        constants = list(self.template.constants)
        related: list[set[int]] = [set() for _ in self.original_anchors]
        for row in self.template.sources:
            group = set()
            for readings in row:
                for source in readings:
                    if source.kind == "var":
                        group.add(source.index)
                    elif source.kind == "const" and source.value in constants:
                        group.add(n + constants.index(source.value))
            for a in group:
                related[a] |= group - {a}
        return related

    def _ordered_values(self, chosen: set[int], rng: random.Random, mode: int) -> list[Fraction] | None:
        """Draw the chosen variables in ascending original order, each strictly between the values
        it meets in the same step, so that every order the chain's expressions rely on survives."""
        old = self.original_anchors
        new = list(old)
        for index in self.order:
            if index not in chosen:
                continue
            lower: Fraction | None = None
            upper: Fraction | None = None
            for j in self.related[index]:
                if old[j] == old[index]:
                    return None  # tied with a value it meets: it cannot move alone
                if old[j] < old[index]:
                    lower = new[j] if lower is None else max(lower, new[j])
                elif j not in chosen:
                    upper = old[j] if upper is None else min(upper, old[j])
            value = self.draw(index, rng, mode, lower, upper)
            if value is None:
                return None
            new[index] = value
        return new[: len(self.template.variables)]

    def _float_results(self, floats: list[float], choice: dict[tuple[int, int], int] | None,
                       check: bool) -> list[float] | None:
        """Step results in floating point; with `check`, None as soon as a step breaks a constraint."""
        results: list[float] = []
        rows = zip(self.template.steps, self.float_readings, self.scales, self.signs, strict=True)
        for s, (step, row, scale, sign) in enumerate(rows):
            lits = []
            for k, readings in enumerate(row):
                kind, index, transform, value = readings[choice.get((s, k), 0) if choice else 0]
                if kind == "var":
                    lits.append(_PERCENT_FLOAT[transform](floats[index]))
                elif kind == "result":
                    lits.append(results[index])
                else:
                    lits.append(value)
            result = evaluate_float(step.tree, lits)
            if check:
                scaled = result * scale
                if _sign(result) != sign or abs(scaled - round(scaled)) > 1e-6 * max(1.0, abs(scaled)):
                    return None
            results.append(result)
        return results

    def _float_screen(self, values: list[Fraction]) -> bool:
        """A cheap inexact pre-check of every constraint and of the readings' agreement."""
        floats = [float(v) for v in values]
        results = self._float_results(floats, None, True)
        if results is None or results[-1] == self.final:
            return False
        final = results[-1]
        for combo in self.alternatives:
            other = self._float_results(floats, combo, False)
            if other is None or abs(other[-1] - final) > 1e-6 * max(1.0, abs(final)):
                return False
        return True

    def _exact_ok(self, values: list[Fraction]) -> list[Fraction] | None:
        results, _ = execute(self.template, values)
        for old, new, capped in zip(self.results, results, self.at_most_100, strict=True):
            if _sign(new) != _sign(old) or abs(new) > MAX_ABS or (capped and new > 100):
                return None
            if old.denominator == 1:
                if new.denominator != 1:
                    return None
            else:
                places = decimal_places(new)
                if places is None or places > max(2, decimal_places(old) or 0):
                    return None
        if results[-1] == self.template.final_value:
            return None
        if any(execute(self.template, values, combo)[0][-1] != results[-1] for combo in self.alternatives):
            return None
        return results

    def sample(self, rng: random.Random) -> tuple[list[Fraction], list[Fraction]] | None:
        """New values keeping every constraint and agreeing under every reading; None if none found."""
        base = [var.value for var in self.template.variables]
        for attempt in range(ATTEMPTS):
            chosen = self.free
            if attempt >= ATTEMPTS // 2 and len(self.free) > 1:
                chosen = rng.sample(self.free, rng.randint(1, len(self.free)))
            values = self._ordered_values(set(chosen), rng, attempt % 2)
            if values is None or values == base:
                continue
            try:
                if not self._float_screen(values):
                    continue
                results = self._exact_ok(values)
            except (ExpressionError, ZeroDivisionError, OverflowError):
                continue
            if results is not None:
                return values, results
        return None


def sampler_for(template: Template) -> Sampler:
    """The template's sampler, built once."""
    if template.sampler is None:
        template.sampler = Sampler(template)
    assert isinstance(template.sampler, Sampler)
    return template.sampler
