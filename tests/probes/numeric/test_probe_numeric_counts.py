"""`numeric`: counts a question implies (listed days and names, a company with its host) and a
`####` converted to the unit the question asks for. Fixtures written for these tests; golds by hand."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest

from detector.variants import check_gold
from probes.base import ProbeSkip
from probes.numeric.question.counts import counts_company, day_counts, name_counts
from probes.numeric.question.quantities import find_mentions
from tests.support.numeric_items import PROBE, make_item

JUGS = make_item(
    "A café had 17 quarts of milk left at closing. It served 10 lattes with 0.5 quarts each and 7 shakes "
    "with 2 quarts each. How many gallons of milk did it have at opening?",
    "Lattes used 10 * 0.5 = <<10*0.5=5>>5 quarts.\n"
    "Shakes used 7 * 2 = <<7*2=14>>14 quarts.\n"
    "It had 17 + 5 + 14 = <<17+5+14=36>>36 quarts\n"
    "36 quarts = 9 gallons\n#### 9",
)
FLAT = make_item(
    "Omar shares a cabin with 3 roommates. The cabin costs $960 for the season, split equally among "
    "everyone. How much does each person pay?",
    "There are 4 people, so each pays 960 / 4 = <<960/4=240>>240 dollars.\n#### 240",
)
SWIMS = make_item(
    "Lena swims 4 laps on Tuesday and Thursday, and 6 laps on Monday, Wednesday and Saturday. "
    "How many laps does she swim in a week?",
    "On two days she swims 4 * 2 = <<4*2=8>>8 laps.\n"
    "On three days she swims 6 * 3 = <<6*3=18>>18 laps.\n"
    "In all she swims 8 + 18 = <<8+18=26>>26 laps.\n#### 26",
)
PAIR = make_item(
    "Ravi and Tomas picked 38 apples and 14 pears. They split the fruit evenly. How many pieces of fruit "
    "does each one get?",
    "They picked 38 + 14 = <<38+14=52>>52 pieces.\nEach gets 52 / 2 = <<52/2=26>>26.\n#### 26",
)


def test_implied_counts_are_read_from_the_question():
    assert day_counts("on Monday, Wednesday, and Friday") == {Fraction(3)}
    assert day_counts("every Tuesday and Thursday") == {Fraction(2)}
    assert day_counts("from Sunday through Wednesday") == {Fraction(4)}
    assert day_counts("from Friday through Monday") == {Fraction(4)}  # across the week's end
    assert day_counts("on Monday he rested") == set()
    assert name_counts("Arnold, Madeline, Camden, and Sarah painted") == {Fraction(4)}
    assert name_counts("Zoey and Sydney spit seeds") == {Fraction(2)}
    assert name_counts("In June and July it rained") == set()  # months are not names
    assert name_counts("on Monday and Friday") == set()  # days are counted by day_counts
    question = "Maria invited 4 of her friends. She has 3 cats and 2 roommates."
    by_text = {m.text: m for m in find_mentions(question)}
    assert counts_company(question, [by_text["4"]]) and counts_company(question, [by_text["2"]])
    assert not counts_company(question, [by_text["3"]])


def test_a_final_answer_in_a_larger_unit_is_converted_back():
    template = PROBE.template(JUGS)
    assert template.final_rule == "per:4"
    # by hand: 10 lattes * 0.5 + 9 shakes * 2 + 17 left = 5 + 18 + 17 = 40 quarts = 10 gallons
    variant = PROBE.substitute(JUGS, {"7": "9"})
    assert variant.item.answer == "10"
    assert "40 quarts = 10 gallons" in (variant.item.solution or "")
    assert check_gold(variant, JUGS) is None


def test_converted_draws_stay_whole_gallons():
    rng = random.Random(5)
    made = 0
    for _ in range(6):
        variant = PROBE.perturb(JUGS, rng)
        if variant is None:
            continue
        made += 1
        left, lattes, per_latte, shakes, per_shake = (
            Fraction(n) for n in re.findall(r"\d+(?:\.\d+)?", variant.item.question))
        assert per_latte == Fraction(1, 2)
        quarts = left + lattes * per_latte + shakes * per_shake
        assert quarts % 4 == 0 and Fraction(variant.item.answer) == quarts / 4
        assert check_gold(variant, JUGS) is None
    assert made >= 3


@pytest.mark.parametrize("question", [
    JUGS.question.replace("How many gallons", "How many quarts"),  # the answer's unit is not asked
    JUGS.question.replace("quarts", "liters"),  # the question never counts in quarts
])
def test_a_conversion_the_question_does_not_ask_for_skips(question: str):
    item = make_item(question, (JUGS.solution or "") + "#### 9")
    with pytest.raises(ProbeSkip) as info:
        PROBE.template(item)
    assert info.value.reason == "final_not_last_result"


def test_a_company_counts_its_host_and_follows_the_stated_number():
    # by hand: 5 roommates + Omar = 6 people; 960 / 6 = 160
    variant = PROBE.substitute(FLAT, {"3": "5"})
    assert variant.item.answer == "160"
    assert "There are 6 people" in (variant.item.solution or "")
    # by hand: $1,000, 3 roommates + Omar: 1000 / 4 = 250
    assert PROBE.substitute(FLAT, {"960": "1000"}).item.answer == "250"


def test_a_plus_one_without_a_company_is_not_explained():
    item = make_item(FLAT.question.replace("3 roommates", "3 dogs"), (FLAT.solution or "") + "#### 240")
    with pytest.raises(ProbeSkip) as info:
        PROBE.template(item)
    assert info.value.reason == "unexplained_literal"


def test_listed_days_stay_fixed_and_the_rest_moves():
    template = PROBE.template(SWIMS)
    assert sorted(template.variables[i].value for i in template.free) == [4, 6]
    # by hand: 5 laps on the two days, 7 on the three: 10 + 21 = 31
    assert PROBE.substitute(SWIMS, {"4": "5", "6": "7"}).item.answer == "31"
    with pytest.raises(ValueError):
        PROBE.substitute(SWIMS, {"2": "3"})  # the day count is not a free number


def test_two_named_people_explain_a_split_in_two():
    # by hand: 40 + 20 = 60 pieces, 60 / 2 = 30 each
    assert PROBE.substitute(PAIR, {"38": "40", "14": "20"}).item.answer == "30"
    cousins = PAIR.question.replace("Ravi and Tomas", "The cousins")
    item = make_item(cousins, (PAIR.solution or "") + "#### 26")
    with pytest.raises(ProbeSkip) as info:
        PROBE.template(item)
    assert info.value.reason == "unexplained_literal"


ROLLS = make_item(
    "Each batch of dough makes 10 rolls. One batch costs $10.00 in flour. She sells each roll for $2.00 a "
    "piece. What is her profit if she bakes and sells 20 rolls?",
    "She bakes 20/10 = <<20/10=2>>2 batches.\n"
    "The flour costs 10*2 = $<<10*2=20.00>>20.00.\n"
    "She sells 2*20 = $<<2*20=40.00>>40.00 of rolls.\n"
    "Her profit is 40-20 = $<<40-20=20.00>>20.00\n#### 20",
)


def test_a_per_or_each_is_no_count_that_freezes_a_price():
    # "a", "per", "each" say 1 of a unit; they are not "One of them": $2.00 is no 1 + 1 relation
    template = PROBE.template(ROLLS)
    assert Fraction(2) in {template.variables[i].value for i in template.free}
    rng = random.Random(1)
    made = 0
    for _ in range(4):
        variant = PROBE.perturb(ROLLS, rng)
        if variant is None:
            continue
        made += 1
        numbers = [Fraction(n) for n in re.findall(r"\d+(?:\.\d+)?", variant.item.question)]
        per_batch, flour, price, rolls = numbers
        # by hand: profit = price * rolls - flour * rolls / per_batch (the price follows the batches)
        assert Fraction(variant.item.answer) == price * rolls - flour * rolls / per_batch
        assert check_gold(variant, ROLLS) is None
    assert made >= 3
