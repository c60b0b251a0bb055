"""`numeric`: when the round values of a number give too few draws, every whole value in range is tried."""

from __future__ import annotations

import random
import re
from fractions import Fraction

from probes.numeric.drawing.sampler import sampler_for
from tests.support.numeric_items import PROBE, make_item

HENS = make_item(
    "A farmer has 40 hens. Half of them are brown. A quarter of the rest are white, and the others are "
    "black. How many hens are black?",
    "Brown hens: 40 / 2 = <<40/2=20>>20.\nThe rest: 40 - 20 = <<40-20=20>>20.\n"
    "White hens: 20 / 4 = <<20/4=5>>5.\nBlack hens: 20 - 5 = <<20-5=15>>15.\n#### 15",
)


def test_a_number_that_must_be_a_multiple_of_8_gets_three_distinct_variants():
    # round values of 40 in 20..80 (multiples of 10 or 20) that are multiples of 8: only 40 and 80
    rng = random.Random(0)
    variants = [PROBE.perturb(HENS, rng) for _ in range(4)]
    drawn = {int(re.search(r"has (\d+) hens", v.item.question).group(1)) for v in variants if v is not None}
    assert len(drawn) >= 3
    assert any(n % 10 for n in drawn)  # a value off the round grid was needed
    for variant in filter(None, variants):
        n = int(re.search(r"has (\d+) hens", variant.item.question).group(1))
        assert n % 8 == 0 and 20 <= n <= 80
        assert Fraction(variant.item.answer) == n - n // 2 - (n - n // 2) // 4


def test_hand_checked_substitution():
    # by hand: 48 hens, 24 brown, 24 left, 6 white, 18 black
    assert PROBE.substitute(HENS, {"40": "48"}).item.answer == "18"


def test_a_number_needing_a_multiple_of_its_own_size_may_reach_four_times_it():
    # 2/5, then 1/2 of the rest, then 5/8 of what is left: 80 cards must stay a multiple of 80
    item = make_item(
        "Lia had 80 stamps. 2/5 of them are red, 1/2 of the remaining are blue, 5/8 of the rest are "
        "green and the others are white. How many stamps are white?",
        "Red: 2/5*80 = <<2/5*80=32>>32.\nLeft: 80-32 = <<80-32=48>>48.\nBlue: 1/2*48 = <<1/2*48=24>>24.\n"
        "Left: 48-24 = <<48-24=24>>24.\nGreen: 5/8*24 = <<5/8*24=15>>15.\n"
        "White: 24-15 = <<24-15=9>>9.\n#### 9",
    )
    rng = random.Random(0)
    variants = [v for v in (PROBE.perturb(item, rng) for _ in range(4)) if v is not None]
    drawn = {int(re.search(r"had (\d+) stamps", v.item.question).group(1)) for v in variants}
    assert drawn == {160, 240, 320}
    for variant in variants:
        n = int(re.search(r"had (\d+) stamps", variant.item.question).group(1))
        assert Fraction(variant.item.answer) == Fraction(9 * n, 80)  # by hand: 3/5 * 1/2 * 3/8 = 9/80


def test_a_duration_never_goes_past_twice_its_value():
    # hours on a day may not reach x4 even when x0.5-x2 gives too few draws; stamps may
    item = make_item(
        "Tia has 8 hours on Saturday and 8 stamps. She spends 1/2 of the hours reading. "
        "How many hours does she read?",
        "Reading: 8/2 = <<8/2=4>>4 hours.\n#### 4",
    )
    template = PROBE.template(item)
    [index] = template.free
    sampler = sampler_for(template)
    assert max(sampler._candidates(index, wide=True, stretch=4)) == 16
    stamps = make_item("Tia has 8 stamps. She gives 1/2 of them away. How many are left?",
                       "Left: 8/2 = <<8/2=4>>4.\n#### 4")
    template = PROBE.template(stamps)
    assert max(sampler_for(template)._candidates(template.free[0], wide=True, stretch=4)) == 32
