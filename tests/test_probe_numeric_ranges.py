"""`numeric`: when the round values of a number give too few draws, every whole value in range is tried."""

from __future__ import annotations

import random
import re
from fractions import Fraction

from probes.numeric import NumericProbe
from tests.test_probe_numeric import make_item

PROBE = NumericProbe()

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
