"""`numeric`: a `####` that is the last result in cents, or rounded up to whole packs (golds by hand)."""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import pytest

from detector.variants import check_gold, make_variants
from probes.base import ProbeSkip
from tests.support.numeric_items import PROBE, make_item

STICKERS = make_item(
    "A pack of 20 stickers costs $5.00. How much does each sticker cost, in cents?",
    "Each sticker costs 5 / 20 = $<<5/20=0.25>>0.25.\n#### 25",
)
BOXES = make_item(
    "A class of 30 students needs 3 notebooks each. Notebooks come in boxes of 8, and the teacher can "
    "only buy whole boxes. How many boxes does she need?",
    "They need 30 * 3 = <<30*3=90>>90 notebooks.\n"
    "That is 90 / 8 = <<90/8=11.25>>11.25 boxes, so she buys 12 boxes.\n#### 12",
)


def test_a_dollar_amount_asked_in_cents_is_recomputed_in_cents():
    # by hand: $5.00 / 25 stickers = $0.20 = 20 cents; $6.00 / 20 = $0.30 = 30 cents
    assert PROBE.substitute(STICKERS, {"20": "25"}).item.answer == "20"
    assert PROBE.substitute(STICKERS, {"5": "6"}).item.answer == "30"


def test_packs_rounded_up_where_only_whole_packs_are_bought():
    # by hand: 34 * 3 = 102 notebooks, 102 / 8 = 12.75 boxes, rounded up to 13
    variant = PROBE.substitute(BOXES, {"30": "34"})
    assert variant.item.answer == "13"
    assert "she buys 13 boxes" in (variant.item.solution or "")


def test_every_draw_keeps_the_final_rule_and_passes_the_gold_check():
    for item, final in ((STICKERS, lambda a, b: Fraction(a) / Fraction(b) * 100),
                        (BOXES, None)):
        rng = random.Random(3)
        for _ in range(5):
            variant = PROBE.perturb(item, rng)
            if variant is None:
                continue
            numbers = [Fraction(n) for n in re.findall(r"\d+(?:\.\d+)?", variant.item.question)]
            if final is not None:
                expected = final(numbers[1], numbers[0])  # "$P" / "N stickers", in cents
            else:
                students, each, per_box = numbers
                assert (students * each / per_box).denominator != 1  # a fraction of a box before rounding
                expected = Fraction(math.ceil(students * each / per_box))
            assert Fraction(variant.item.answer) == expected
            assert check_gold(variant, item) is None
    assert make_variants([STICKERS, BOXES], ["numeric"], 3, 0).variants


@pytest.mark.parametrize("question", [
    "A pack of 20 stickers costs $5.00. How much does each sticker cost?",  # cents never asked
    "A pack of 20 stickers costs 5 euros. How much does each sticker cost, in cents?",  # no dollar amount
])
def test_a_final_answer_x100_without_dollars_asked_in_cents_skips(question: str):
    item = make_item(question, "Each sticker costs 5 / 20 = <<5/20=0.25>>0.25.\n#### 25")
    with pytest.raises(ProbeSkip) as info:
        PROBE.template(item)
    assert info.value.reason == "final_not_last_result"


def test_rounding_up_without_whole_packs_in_the_question_skips():
    item = make_item(BOXES.question.replace("can only buy whole boxes", "buys boxes"),
                     (BOXES.solution or "") + "#### 12")
    with pytest.raises(ProbeSkip) as info:
        PROBE.template(item)
    assert info.value.reason == "final_not_last_result"


def test_one_value_as_a_count_and_as_dollars_stays_fixed():
    item = make_item(
        "Razors come 4 to a pack and cost $4.00 a pack. She buys 3 packs. How much does she pay?",
        "She pays 4 * 3 = $<<4*3=12>>12.\n#### 12",
    )
    template = PROBE.template(item)
    assert [template.variables[i].value for i in template.free] == [3]
