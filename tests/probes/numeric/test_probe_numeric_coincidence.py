"""`numeric`: coincidences kept in draws, mental arithmetic read as one unwritten operation, and the
items these readings must still skip. Golds are checked against formulas worked out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from probes.base import ProbeSkip
from probes.numeric.drawing.sampler import sampler_for
from tests.support.numeric_items import PROBE, make_item, perturbed
from tests.support.numeric_items import numbers as _numbers


def _variants(item, n: int = 8):  # type: ignore[no-untyped-def]
    return perturbed(item, n, seed=11)


MARBLES = make_item(
    "Ana has 10 marbles and loses 4 of them. Each of her 6 friends gives her 3 marbles. "
    "How many marbles does she have now?",
    "Ana keeps 10 - 4 = <<10-4=6>>6 marbles.\nHer friends give her 6 * 3 = <<6*3=18>>18 marbles.\n"
    "She has 6 + 18 = <<6+18=24>>24 marbles now.\n#### 24",
)


def test_a_stated_number_equal_to_an_earlier_result_follows_it():
    # The 6 in `6 * 3` and `6 + 18` may be the 6 friends or the 6 marbles kept: the friends are made
    # equal to what she keeps in every draw, so both readings give the same gold.
    template = PROBE.template(MARBLES)
    assert [(template.variables[i].value, step) for i, step in sampler_for(template).derived] == [(6, 0)]
    variants = _variants(MARBLES)
    assert len({v.item.question for v in variants}) >= 3
    for variant in variants:
        have, lose, friends, each = _numbers(variant.item.question)
        assert friends == have - lose  # the coincidence is kept
        assert Fraction(variant.item.answer) == (have - lose) + friends * each  # worked by hand


def test_a_coincidence_with_its_own_relation_is_not_followed():
    # "4 hours, then 2 hours ... for 6 hours": the 6 hours is 4 + 2, not the $6 of the last step;
    # making it follow the $6 would state a wrong total, so it is not computed from that result.
    item = make_item(
        "For 4 hours Tom sold 5 cups per hour at $0.50 per cup. In the next 2 hours he sold 10 cups per hour "
        "at $0.60 per cup. How much did he earn in 6 hours?",
        "He earned 0.5 * 5 = $<<0.5*5=2.50>>2.50 per hour at first, so 2.5 * 4 = $<<2.5*4=10>>10.\n"
        "Then he earned 0.6 * 10 = $<<0.6*10=6>>6 per hour, so 6 * 2 = $<<6*2=12>>12.\n"
        "In all he earned 10 + 12 = $<<10+12=22>>22.\n#### 22",
    )
    try:
        template = PROBE.template(item)
    except ProbeSkip:
        return
    assert all(template.variables[i].value != 6 for i, _ in sampler_for(template).derived)


TRAIN = make_item(
    "A bus trip takes 2.5 hours. The train trip is 20 minutes shorter than the bus trip. "
    "How many minutes does the train trip take?",
    "The bus trip takes 2.5 hours = 150 minutes.\n"
    "The train trip takes 150 - 20 = <<150-20=130>>130 minutes.\n#### 130",
)


def test_a_literal_computed_in_the_head_is_one_unwritten_operation():
    # 150 is 2.5 hours * 60 minutes, written without its computation.
    template = PROBE.template(TRAIN)
    reading = template.sources[0][0]
    assert len(reading) == 1 and reading[0].kind == "op" and reading[0].op == "*"
    variants = _variants(TRAIN)
    assert len({v.item.question for v in variants}) >= 3
    for variant in variants:
        hours, shorter = _numbers(variant.item.question)
        assert Fraction(variant.item.answer) == hours * 60 - shorter  # worked by hand
        assert f"{hours * 60 - shorter}" in variant.item.solution


@pytest.mark.parametrize("question, solution", [
    # 26 green is 20 + 6 in the head; then 13 white is 26 - 13 in the head too, not the stated 13.
    ("A box has 15 red beads, 5 more blue beads than red, 6 more green beads than blue, and 13 fewer white "
     "beads than green. How many beads are in the box?",
     "There are 15+5=<<15+5=20>>20 blue beads.\nThe box has 26 green beads.\nThe box has 13 white beads.\n"
     "In total there are 15+20+26+13 = <<15+20+26+13=74>>74 beads.\n#### 74"),
    # The same with a white count read as the constant 12 (licensed by "foot").
    ("A quilt has 1-foot squares: 10 red, 5 more blue than red, 9 more green than blue, and 12 fewer white "
     "than green. How many squares does it have?",
     "There are 10+5=<<10+5=15>>15 blue squares.\nThere are 24 green squares.\nThere are 12 white squares.\n"
     "In all 10+15+24+12 = <<10+15+24+12=61>>61 squares.\n#### 61"),
    # $20 for a twenty is world knowledge, not 10 + 10 nor 5 * 4 (quarters): never two stated numbers,
    # never a sum.
    ("Mia was given ten twenties and 60 quarters. She spent all the quarters and 1/2 of the twenties. "
     "How much did she spend?",
     "The quarters are 60*$0.25 = $<<60*0.25=15>>15.\nShe used 1/2*10 = <<1/2*10=5>>5 twenties.\n"
     "They are 5*$20 = $<<5*20=100>>100.\nShe spent $100+$15 = $<<100+15=115>>115.\n#### 115"),
    # `100 cents = $1`: the 1 is a result in dollars, not a constant.
    ("Lia gets $6 every day. She buys 5 stickers at 20 cents each every day and saves the rest. "
     "How much does she save in 4 days?",
     "5 stickers cost 5 * 20 = <<5*20=100>>100 cents.\nSince 100 cents = $1 she spends $1 a day.\n"
     "She saves $6 - $1 = $<<6-1=5>>5 a day.\nIn 4 days she saves $5 * 4 = $<<5*4=20>>20.\n#### 20"),
])
def test_unsafe_mental_arithmetic_skips(question: str, solution: str):
    with pytest.raises(ProbeSkip) as caught:
        PROBE.template(make_item(question, solution))
    assert caught.value.reason == "unexplained_literal"


def test_a_literal_that_is_a_result_or_a_constant_is_the_result_when_the_result_is_used_nowhere_else():
    # The 60 in `60 + 21` is 12 * 5 or 60 minutes in an hour; read as 60 minutes, 12 * 5 would be
    # computed and never used, so it is the result: hours and rate may change (gold worked by hand).
    item = make_item(
        "Ben works 5 hours a day at $12 an hour. He also sells 7 cakes for $3 each. How much does he make "
        "in a day?",
        "He earns 12 * 5 = <<12*5=60>>60 dollars at work.\n"
        "He earns 7 * 3 = <<7*3=21>>21 dollars from cakes.\n"
        "He makes 60 + 21 = <<60+21=81>>81 dollars.\n#### 81",
    )
    variants = _variants(item, 10)
    assert len({v.item.question for v in variants}) >= 3
    for variant in variants:
        hours, rate, cakes, price = _numbers(variant.item.question)
        assert Fraction(variant.item.answer) == hours * rate + cakes * price  # worked by hand
    assert any(_numbers(v.item.question)[0] * _numbers(v.item.question)[1] != 60 for v in variants)


def test_weeks_alone_do_not_license_four_weeks_a_month():
    item = make_item(
        "Tom drinks 2 glasses of milk every day. How many glasses does he drink in 4 weeks?",
        "He drinks 2 * 7 = <<2*7=14>>14 glasses a week.\n"
        "In 4 weeks he drinks 14 * 4 = <<14*4=56>>56 glasses.\n#### 56",
    )
    template = PROBE.template(item)
    assert Fraction(4) in {template.variables[i].value for i in template.free}
    assert PROBE.substitute(item, {"4": "5"}).item.answer == "70"  # 2 glasses * 7 days * 5 weeks


def test_the_numerator_of_a_written_fraction_is_no_converted_result():
    # 12 eggs (a result equal to the dozen constant) then `12 * 1/4`: the 1 is the fraction's.
    item = make_item(
        "Tom buys 2 boxes of 6 eggs at the dozen price. He uses 1/4 of the eggs for a cake and the rest for "
        "omelets. How many eggs go into omelets?",
        "He has 2 * 6 = <<2*6=12>>12 eggs.\nThe cake uses 12 * 1/4 = <<12*1/4=3>>3 eggs.\n"
        "The omelets use 12 - 3 = <<12-3=9>>9 eggs.\n#### 9",
    )
    assert PROBE.substitute(item, {"6": "10"}).item.answer == "15"  # 20 eggs, 5 for the cake
