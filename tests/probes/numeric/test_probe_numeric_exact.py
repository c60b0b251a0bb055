"""`numeric`: the exact check of a draw (probes/numeric/drawing/exact.py)."""

from __future__ import annotations

from fractions import Fraction

from probes.numeric.drawing.exact import exact_draw, keeps_form
from probes.numeric.drawing.sampler import sampler_for
from probes.numeric.template.build import build_template
from probes.numeric.template.execution import execute

DISCOUNT = build_template(
    "A coat costs $80 and is sold at 25% off. Tax of 10% is added to the sale price. What is paid?",
    "The sale price is 80 * 0.75 = $<<80*0.75=60>>60.\nWith tax: 60 * 1.1 = $<<60*1.1=66>>66.\n",
    "66",
)


def test_keeps_form_whole_stays_whole_and_decimals_stay_short() -> None:
    assert keeps_form(Fraction(12), Fraction(3))
    assert not keeps_form(Fraction(5, 2), Fraction(3))
    assert keeps_form(Fraction(5, 2), Fraction(3, 4))
    assert not keeps_form(Fraction(1, 3), Fraction(3, 4))


def test_exact_draw_gives_what_execute_gives_or_none() -> None:
    sampler = sampler_for(DISCOUNT)
    base = [var.value for var in DISCOUNT.variables]
    assert exact_draw(sampler, base) is None  # the final answer must change
    passed = 0
    for price in range(20, 400, 20):  # whole results only at multiples of 40 (x0.75, then x1.1)
        values = [Fraction(price) if value == 80 else value for value in base]
        drawn = exact_draw(sampler, values)
        if drawn is None:
            continue
        passed += 1
        results, literal_values = execute(DISCOUNT, values)
        assert drawn == (values, results, literal_values)
        assert all(type(r) is Fraction for r in drawn[1])
    assert passed == 8  # 40, 120, ..., 360: not 80, which leaves the answer unchanged
