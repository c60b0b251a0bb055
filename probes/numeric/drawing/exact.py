"""The exact check of a numeric draw: every constraint, under every reading, in exact arithmetic.

A draw that passed the float screen (see drawing/sampler.py) is kept only if this check passes:
step results keep their sign, integrality or short decimals and magnitude, literals computed by
an unwritten operation do too, the final answer changes (and keeps its form where a rule needs
it), and every reading of an ambiguous literal reaches the same answer.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from probes.numeric.drawing.float_chain import FloatFn, Rational, exact_number
from probes.numeric.solution.arithmetic import decimal_places
from probes.numeric.solution.orders import keeps_orders
from probes.numeric.template.execution import literal_value

if TYPE_CHECKING:
    from probes.numeric.drawing.draw_space import DrawSpace

Draw = tuple[list[Fraction], list[Fraction], list[list[Fraction]]]  # values, step results, literal values
MAX_ABS = 10**9


def keeps_form(new: Fraction, old: Fraction) -> bool:
    """Whether `new` is whole where `old` was, else a short decimal like `old`'s."""
    if old.denominator == 1:
        return new.denominator == 1
    places = decimal_places(new)
    return places is not None and places <= max(2, decimal_places(old) or 0)


def sign_of(value: float | Fraction) -> int:
    return (value > 0) - (value < 0)


def _exact_results(chain: list[FloatFn], numbers: list[Rational]) -> list[Rational]:
    results: list[Rational] = []
    for fn in chain:
        results.append(fn(numbers, results))
    return results


def _hidden_ok(sampler: DrawSpace, values: list[Fraction], results: list[Fraction]) -> bool:
    """Literals computed by an unwritten operation keep their sign and their integrality or
    short decimals, like the results the solution writes."""
    for reading, old in sampler.hidden:
        new = literal_value(reading, values, results)
        if sign_of(new) != sign_of(old):
            return False
        if old.denominator == 1:
            if new.denominator != 1:
                return False
        else:
            places = decimal_places(new)
            if places is None or places > max(2, decimal_places(old) or 0):
                return False
    return True


def exact_draw(sampler: DrawSpace, values: list[Fraction]) -> Draw | None:
    """The draw (values, exact step results, literal values) if every constraint holds under
    every reading, else None. The step results come from the compiled chain (the same exact
    operations as `execute`, which raises on the same draws); the literal values are read off
    them only for a draw that passes. The chain computes whole values as ints (see drawing/float_chain.py);
    the results a caller sees are Fractions."""
    template = sampler.template
    numbers = [exact_number(value) for value in values]
    raw = _exact_results(sampler.exact_chains.primary, numbers)
    results = None
    if sampler.hidden:
        results = [Fraction(r) if isinstance(r, int) else r for r in raw]
        if not _hidden_ok(sampler, values, results):
            return None
    for old, new, sign, capped in zip(sampler.results, raw, sampler.signs, sampler.at_most_100, strict=True):
        # in integers: the sign, |new| > MAX_ABS and new > 100 without making Fractions
        numerator, denominator = new.numerator, new.denominator
        if ((numerator > 0) - (numerator < 0) != sign or abs(numerator) > MAX_ABS * denominator
                or (capped and numerator > 100 * denominator)):
            return None
        if old.denominator == 1:
            if new.denominator != 1:
                return None
        elif isinstance(new, Fraction):  # a whole new value has 0 places
            places = decimal_places(new)
            if places is None or places > max(2, decimal_places(old) or 0):
                return None
    last = raw[-1]
    final = template.final_answer(Fraction(last) if isinstance(last, int) else last)
    if final == template.final_value:
        return None
    if ":" in template.final_rule and not keeps_form(final, template.final_value):
        return None  # "48 quarts = 12 gallons": the converted answer stays whole where it was
    if template.final_rule == "ceil" and last.denominator == 1:
        return None  # "whole packs ... some left over": the packs needed stay a fraction before rounding
    for k in range(len(sampler.alternatives)):
        first, tail = sampler.exact_chains.alternative(k)
        other = raw[:first]
        for fn in tail:
            other.append(fn(numbers, other))
        if other[-1] != last:
            return None
    if template.orders and not keeps_orders(template.orders, values, raw):
        return None  # "He can make 20 glasses because 20 < 40": the chain's choice stands only so
    if results is None:
        results = [Fraction(r) if isinstance(r, int) else r for r in raw]
    literal_values = [[literal_value(readings[0], values, results) for readings in row]
                      for row in template.sources]
    return values, results, literal_values
