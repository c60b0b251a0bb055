"""`numeric`: screening a whole candidate space over arrays lists exactly what one at a time does."""

from __future__ import annotations

import itertools

import pytest

from probes.numeric.drawing.sampler import sampler_for
from probes.numeric.drawing.screen import fits_in_arrays, screen_arrays, screen_each
from probes.numeric.template.template import Template
from tests.support.numeric_items import make_template

SHOP = make_template(
    "A shop has 40 apples and sells 15 of them. It packs the rest into bags of 5. How many bags?",
    "It has 40 - 15 = <<40-15=25>>25 apples left.\nThat is 25 / 5 = <<25/5=5>>5 bags.\n#### 5",
)
# a divisor that becomes zero for some draws (40 - 2 * 15 when the 40 is drawn as 30)
GAP = make_template(
    "There are 120 coins. A jar holds 40 coins and two bags of 15 coins each are taken from it. The 120 "
    "coins are shared equally among the coins left in the jar. How many coins does each one get?",
    "Each gets 120 / (40 - 2 * 15) = <<120/(40-2*15)=12>>12 coins.\n#### 12",
)
DISCOUNT = make_template(
    "A coat costs $80 and is sold at 25% off. Tax of 10% is added to the sale price. What is paid?",
    "The sale price is 80 * 0.75 = $<<80*0.75=60>>60.\nWith tax: 60 * 1.1 = $<<60*1.1=66>>66.\n#### 66",
)


@pytest.mark.parametrize("template", [SHOP, GAP, DISCOUNT], ids=["shop", "gap", "discount"])
def test_arrays_list_what_one_at_a_time_lists(template: Template) -> None:
    sampler = sampler_for(template)
    for wide in (False, True):
        candidates = [sampler._candidates(i, wide=wide) for i in sampler.free]
        assert fits_in_arrays(sampler, candidates)
        one_by_one = screen_each(sampler, candidates)
        assert screen_arrays(sampler, candidates) == one_by_one
        assert one_by_one, "the fixture should allow some draws"


def test_a_zero_divisor_rules_its_combination_out() -> None:
    sampler = sampler_for(GAP)
    position = {GAP.variables[i].value: k for k, i in enumerate(sampler.free)}
    jar = next(i for i in sampler.free if GAP.variables[i].value == 40)
    candidates = [[int(GAP.variables[i].value)] for i in sampler.free]
    candidates[position[40]] = [30, 40, 50, 60]  # 30 - 2 * 15 = 0 would divide 120 by zero
    listed = screen_arrays(sampler, candidates)
    assert listed == screen_each(sampler, candidates)
    assert sorted(pairs[jar][0] for pairs in listed) == [50, 60]  # 40 is the original, 30 divides by 0


def test_order_is_itertools_product_order() -> None:
    sampler = sampler_for(SHOP)
    candidates = [sampler._candidates(i, wide=True) for i in sampler.free]
    listed = screen_arrays(sampler, candidates)
    positions = [tuple(c.index(pairs[i][0]) for c, i in zip(candidates, sampler.free, strict=True))
                 for pairs in listed]
    product = list(itertools.product(*[range(len(c)) for c in candidates]))
    assert [product.index(p) for p in positions] == sorted(product.index(p) for p in positions)
