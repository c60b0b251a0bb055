"""`numeric`: which reading a literal gets (golds by hand): a result just computed over an equal
constant, clock times, coins licensing 100 cents, and counts that only coincide with a result."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest

from probes.base import ProbeSkip
from tests.support.numeric_items import PROBE, make_item, perturbed
from tests.support.numeric_items import numbers as _numbers


def _variants(item, n: int = 6):
    return perturbed(item, n, seed=1)


BOARD = make_item(
    "A board is 24 inches long. A shelf is half as long as the board. A peg is 1/4 as long as the shelf. "
    "How long is the peg in inches?",
    "The shelf is 24/2 = <<24/2=12>>12 inches.\nThe peg is 12/4 = <<12/4=3>>3 inches.\n#### 3",
)


def test_a_result_used_once_right_after_it_is_computed_is_not_the_equal_constant():
    # 12 is the shelf (24/2), not 12 inches per foot: by hand 32 -> 16 -> 4
    assert PROBE.substitute(BOARD, {"24": "32"}).item.answer == "4"
    variants = _variants(BOARD)
    assert len({v.item.question for v in variants}) >= 3
    for variant in variants:
        board = _numbers(variant.item.question)[0]
        assert Fraction(variant.item.answer) == board / 2 / 4


def test_a_result_that_may_be_read_twice_keeps_both_readings():
    # 5*12 = 60 minutes, then 60*60: one 60 is minutes per hour, so no draw may treat both as the result
    item = make_item(
        "Sam walks 5 laps of 12 minutes each. How many seconds does he walk?",
        "He walks 5*12 = <<5*12=60>>60 minutes.\nThat is 60*60 = <<60*60=3600>>3600 seconds.\n#### 3600",
    )
    try:
        variants = _variants(item)
    except ProbeSkip:
        return
    for variant in variants:
        laps, minutes = _numbers(variant.item.question)[:2]
        assert Fraction(variant.item.answer) == laps * minutes * 60


def test_clock_times_are_not_resampled():
    item = make_item(
        "A carriage ride runs from 2 PM to 6 PM and costs $15 an hour. How much does the ride cost?",
        "The ride is 6-2 = <<6-2=4>>4 hours.\nIt costs 4*15 = $<<4*15=60>>60.\n#### 60",
    )
    variants = _variants(item)
    assert variants
    for variant in variants:
        assert "from 2 PM to 6 PM" in variant.item.question
        price = _numbers(variant.item.question)[2]
        assert Fraction(variant.item.answer) == 4 * price


def test_coins_license_100_cents_a_dollar_so_100_pennies_stay():
    item = make_item(
        "Ana has 100 pennies and 30 nickels. How many dollars does she have?",
        "The nickels are 30*5 = <<30*5=150>>150 cents.\nShe has 100+150 = <<100+150=250>>250 cents.\n"
        "That is 250/100 = <<250/100=2.5>>2.5 dollars.\n#### 2.5",
    )
    template = PROBE.template(item)
    assert [template.variables[i].value for i in template.free] == [30]
    # by hand: 40 nickels = 200 cents, plus 100 pennies = 300 cents = 3 dollars
    assert PROBE.substitute(item, {"30": "40"}).item.answer == "3"
    for variant in _variants(item):
        nickels = _numbers(variant.item.question)[1]
        assert Fraction(variant.item.answer) == (100 + 5 * nickels) / 100


def test_a_count_that_only_coincides_with_a_result_and_sums_listed_counts_stays():
    # "3 dogs" = two big + one small; the 3 in 3*4 is the result 60/20 (or the dogs): dogs stay 3
    item = make_item(
        "Jo has 3 dogs. Two of them are big and one of them is small. She walks them for 60 minutes a day, "
        "20 minutes a walk, and pays $4 a walk. How much does she pay a day?",
        "She takes 60/20 = <<60/20=3>>3 walks.\nShe pays 3*4 = $<<3*4=12>>12.\n#### 12",
    )
    # `60/20 = 3; 3*4`: only the next step can use the result 3, so the 3 there is the walks, and the
    # dogs are read by nothing; an unread count one operation from stated numbers (60/20) freezes them
    with pytest.raises(ProbeSkip) as skipped:
        PROBE.template(item)
    assert skipped.value.reason == "no_free_numbers"
    question = item.question.replace("3 dogs. Two", "5 dogs. Four")
    changed = make_item(question, item.solution + "#### 12")
    template = PROBE.template(changed)  # 5 dogs coincide with nothing: they stay, the rest may change
    assert 5 not in [template.variables[i].value for i in template.free]
    variants = _variants(changed)
    assert variants
    for variant in variants:
        assert "Jo has 5 dogs" in variant.item.question
        minutes, per_walk, price = _numbers(variant.item.question)[1:4]
        assert Fraction(variant.item.answer) == minutes / per_walk * price  # worked by hand


SPENDING = make_item(
    "Julie had $400. She spent 25% of it on clothes and then 1/3 of the remaining money on books. "
    "How much money did Julie have left?",
    "Clothes: 400 * 0.25 = $<<400*0.25=100>>100.\nLeft: 400 - 100 = $<<400-100=300>>300.\n"
    "Books: 300 / 3 = $<<300/3=100>>100.\nLeft: 300 - 100 = $<<300-100=200>>200.\n#### 200",
)


def test_every_result_but_the_last_is_used_so_each_100_is_its_own_result():
    # the second 100 may be 400*0.25, 300/3 or 100 percent; only 300/3 leaves no result unused
    # by hand: $600, 25% = 150, 450 left, a third = 150, 300 left
    assert PROBE.substitute(SPENDING, {"400": "600"}).item.answer == "300"
    variants = _variants(SPENDING)
    assert len({v.item.question for v in variants}) >= 3
    for variant in variants:
        money, percent = _numbers(variant.item.question)[:2]
        assert Fraction(variant.item.answer) == money * (1 - percent / 100) * Fraction(2, 3)


AGES = make_item(
    "Ben is 4 years older than Sam, who is 7 years younger than Tom. If Tom is 30 years old, what is the "
    "sum of the ages of the three boys?",
    "Sam is 30 - 7 = <<30-7=23>>23 years old.\nBen is 23 + 4 = <<23+4=27>>27 years old.\n"
    "The sum is 30 + 23 + 27 = <<30+23+27=80>>80.\n#### 80",
)


def test_an_unused_count_of_boys_never_named_in_the_solution_leaves_4_and_7_free():
    # "three boys" = 7 - 4 only by coincidence: no line with 7 or 4 names the boys
    template = PROBE.template(AGES)
    assert {template.variables[i].value for i in template.free} == {4, 7, 30}
    # by hand: Tom 40, Sam 33, Ben 37, sum 110
    assert PROBE.substitute(AGES, {"30": "40"}).item.answer == "110"
    variants = _variants(AGES)
    assert len({v.item.question for v in variants}) >= 3
    for variant in variants:
        older, younger, tom = _numbers(variant.item.question)[:3]
        assert Fraction(variant.item.answer) == tom + (tom - younger) + (tom - younger + older)


def test_an_unused_count_named_where_its_relation_is_computed_still_freezes():
    # "3 boxes": 7 - 4 = 3 may be how many boxes hold apples, and the line with 4 and 7 names the boxes
    item = make_item(
        "Tom has 3 boxes. He puts 4 apples in one box and 7 apples in another. How many apples are in boxes?",
        "He put 4 + 7 = <<4+7=11>>11 apples in the boxes.\n#### 11",
    )
    try:
        template = PROBE.template(item)
    except ProbeSkip as skip:
        assert skip.reason == "no_free_numbers"
        return
    assert not {4, 7} & {template.variables[i].value for i in template.free}


def test_a_rectangle_licenses_two_sides_of_each_length():
    item = make_item(
        "A garden is a rectangle 12 meters long and 5 meters wide. How many meters of fence go around it?",
        "The long sides are 12*2 = <<12*2=24>>24 meters.\nThe short sides are 5*2 = <<5*2=10>>10 meters.\n"
        "The fence is 24+10 = <<24+10=34>>34 meters.\n#### 34",
    )
    assert PROBE.substitute(item, {"12": "15", "5": "6"}).item.answer == "42"  # by hand: 30 + 12
    for variant in _variants(item):
        length, width = _numbers(variant.item.question)[:2]
        assert Fraction(variant.item.answer) == 2 * (length + width)


def test_two_sides_of_a_rectangle_are_the_constant_2_not_5_minus_3():
    item = make_item(
        "A park is a rectangle that measures 3 miles by 5 miles. Gary walks around it at 4 miles per hour. "
        "How many hours does he walk?",
        "The long sides are 5 * 2 = <<5*2=10>>10 miles.\nThe short sides are 3 * 2 = <<3*2=6>>6 miles.\n"
        "The distance is 10 + 6 = <<10+6=16>>16 miles.\nHe walks 16 / 4 = <<16/4=4>>4 hours.\n#### 4",
    )
    template = PROBE.template(item)
    assert all(reading.kind == "const" for reading in template.sources[0][1])
    for variant in _variants(item):
        width, length, speed = _numbers(variant.item.question)[:3]
        assert Fraction(variant.item.answer) == 2 * (width + length) / speed  # worked by hand


def test_a_divisor_is_the_fraction_word_not_the_same_dividends_earlier_quotient():
    # `20/5 = 4; 20/4 = 5`: the second 4 is "a quarter", not 20/5 (20 / (20/5) is 5 whatever 20 is)
    item = make_item(
        "Ava had 20 stickers. She gave a fifth of them to Ben and a quarter of them to Cal. "
        "How many stickers does she have left?",
        "Ben got 20/5=<<20/5=4>>4 stickers.\nCal got 20/4=<<20/4=5>>5 stickers.\n"
        "She gave away 4+5=<<4+5=9>>9 stickers.\nShe has 20-9=<<20-9=11>>11 stickers left.\n#### 11",
    )
    template = PROBE.template(item)
    assert [reading.kind for reading in template.sources[1][1]] == ["const"]
    # by hand: 40/5 = 8 and 40/4 = 10 given away, 40 - 18 = 22 left; 60: 12 + 15 = 27, 60 - 27 = 33
    assert PROBE.substitute(item, {"20": "40"}).item.answer == "22"
    assert PROBE.substitute(item, {"20": "60"}).item.answer == "33"


BIKES = make_item(
    "Of the 20 bikes in a shop, 12 are red, 4 are blue, and the rest are green. "
    "What percentage of the bikes are green?",
    "12 + 4 = <<12+4=16>>16 bikes are red or blue.\nSo 20 - 16 = <<20-16=4>>4 bikes are green.\n"
    "That is 4/20 * 100 = <<4/20*100=20>>20 percent.\n#### 20",
)
LEMONADE = make_item(
    "For four hours, Max sold 15 cups of lemonade per hour at $0.50 per cup. In the next two hours, he sold "
    "10 cups per hour at $0.60 per cup. How much did Max earn from selling lemonade for 6 hours?",
    "He earned $0.50 x 15 = $<<0.5*15=7.50>>7.50 an hour at first.\n"
    "So for four hours he earned $7.50 x 4 = $<<7.5*4=30>>30.\n"
    "He earned $0.60 x 10 = $<<0.60*10=6>>6 an hour next.\n"
    "So for two hours he earned $6 x 2 = $<<6*2=12>>12.\n"
    "He earned $30 + $12 = $<<30+12=42>>42 in 6 hours.\n#### 42",
)


def test_a_result_only_the_next_step_can_use_is_that_result_not_an_equal_stated_number():
    # `20 - 16 = 4; 4/20`: the 4 is the green bikes just computed, not the 4 blue ones
    assert [reading.kind for reading in PROBE.template(BIKES).sources[2][0]] == ["result"]
    # by hand: 2 blue: 20 - 14 = 6 green, 6/20 = 30%; 40 bikes: 40 - 16 = 24 green, 24/40 = 60%
    assert PROBE.substitute(BIKES, {"4": "2"}).item.answer == "30"
    assert PROBE.substitute(BIKES, {"20": "40"}).item.answer == "60"


def test_a_stated_number_left_without_a_reading_stays():
    # `0.60*10 = 6; 6*2`: the 6 is the dollars an hour, so "6 hours" (4 + 2) is read by nothing and stays
    template = PROBE.template(LEMONADE)
    assert all(template.variables[i].value != 6 for i in template.free)
    rng = random.Random(1)
    made = 0
    for _ in range(12):
        variant = PROBE.perturb(LEMONADE, rng)
        if variant is None:
            continue
        made += 1
        cups = int(re.findall(r"(\d+) cups", variant.item.question)[0])
        assert "for 6 hours" in variant.item.question and "four hours" in variant.item.question
        assert Fraction(variant.item.answer) == Fraction(1, 2) * cups * 4 + 12  # worked by hand
    assert made > 0


def test_two_equal_results_summed_read_one_each():
    # `210/70 = 3; 240/80 = 3; 3+3`: each 3 may be either result; in a sum either way is the same
    item = make_item(
        "Kim drives 210 miles at 70 mph and then 240 miles at 80 mph. How many hours does she drive?",
        "The first leg takes 210/70=<<210/70=3>>3 hours.\nThe second takes 240/80=<<240/80=3>>3 hours.\n"
        "She drives 3+3=<<3+3=6>>6 hours.\n#### 6",
    )
    assert [len(readings) for readings in PROBE.template(item).sources[2]] == [1, 1]
    # by hand: 280/70 = 4 and 240/80 = 3, 4 + 3 = 7; 210/70 = 3 and 320/80 = 4, 7 again; 160/80 = 2: 5
    assert PROBE.substitute(item, {"210": "280"}).item.answer == "7"
    assert PROBE.substitute(item, {"240": "320"}).item.answer == "7"
    assert PROBE.substitute(item, {"240": "160"}).item.answer == "5"


# The solution relies on the first two legs filling exactly one day (8+4+9+3 = 24), then reads
# "24 hours" per day. Another draw breaks the coincidence, so 24 must keep both readings.
ROVER = make_item(
    "A rover drove for 8 hours and then charged for 4 hours. It drove for 9 more hours and charged "
    "for 3 hours. After that it charged for 1 hour after every 5 hours of driving. The trip took "
    "4 days. How many hours did the rover spend charging?",
    "Driving took 8 + 9 = <<8+9=17>>17 hours on the first day.\n"
    "Charging took 4 + 3 = <<4+3=7>>7 hours on the first day.\n"
    "That is 17 + 7 = <<17+7=24>>24 hours or 1 day.\n"
    "The rest of the trip is 4 - 1 = <<4-1=3>>3 days.\n"
    "That is 3 days * 24 hours = <<3*24=72>>72 hours.\n"
    "Each block is 5 + 1 = <<5+1=6>>6 hours.\n"
    "So it charged 72 / 6 = <<72/6=12>>12 hours in those days.\n"
    "In all it charged 7 + 12 = <<7+12=19>>19 hours.\n#### 19",
)


def test_a_result_the_solution_calls_one_unit_keeps_the_unit_constant_reading():
    template = PROBE.template(ROVER)
    day = template.sources[4][1]  # the 24 of `3*24`
    assert {source.kind for source in day} == {"result", "const"}
    for variant in _variants(ROVER, 12):
        drive1, charge1, drive2, charge2, _, every, days = _numbers(variant.item.question)
        first_day = drive1 + charge1 + drive2 + charge2
        assert first_day == 24  # otherwise "1 day" is false and the gold would be wrong
        by_hand = charge1 + charge2 + (days - 1) * 24 / (every + 1)
        assert Fraction(variant.item.answer) == by_hand
