"""`numeric`: numbers that name a kind of thing (a bill's denomination, the days of a month, a body's
legs, a child's parents) stay, and a count of days per week stays a week's (hand-checked items written
for these tests)."""

from __future__ import annotations

import random
import re

import pytest

from probes.base import ProbeSkip
from tests.support.numeric_items import PROBE, make_item


def _free_values(item):
    template = PROBE.template(item)
    return sorted(template.variables[i].value for i in template.free)


def test_a_bill_denomination_stays():
    # "forty dollar bills" do not exist: the 20 of "twenty dollar bills" is not an amount to resample
    item = make_item(
        "Sam has 3 twenty dollar bills. He buys 4 kites for $6 each. How much money does he have left?",
        "He has 3 * 20 = $<<3*20=60>>60.\nThe kites cost 4 * 6 = $<<4*6=24>>24.\n"
        "He has 60 - 24 = $<<60-24=36>>36 left.\n#### 36",
    )
    assert _free_values(item) == [3, 4, 6]
    # by hand: 5 twenty dollar bills = $100; 4 kites at $6 = $24; 100 - 24 = 76
    assert PROBE.substitute(item, {"3": "5"}).item.answer == "76"


def test_a_dollar_bill_written_with_a_dollar_sign_stays():
    item = make_item(
        "Ann pays for 7 books costing $4 each with two $50 bills. How much change does she get?",
        "The books cost 7 * 4 = $<<7*4=28>>28.\nShe pays 2 * 50 = $<<2*50=100>>100.\n"
        "Her change is 100 - 28 = $<<100-28=72>>72.\n#### 72",
    )
    assert 50 not in _free_values(item)
    # by hand: 9 books at $4 = $36; 100 - 36 = 64
    assert PROBE.substitute(item, {"7": "9"}).item.answer == "64"


def test_the_days_of_a_month_stay_and_a_work_week_stays_within_seven_days():
    month = make_item(
        "Dan reads 12 pages a day. How many pages does he read in a 30 day month?",
        "He reads 12 * 30 = <<12*30=360>>360 pages.\n#### 360",
    )
    assert _free_values(month) == [12]
    week = make_item(
        "Mia answers 40 emails a day. How many emails does she answer in a 5 day work week?",
        "She answers 40 * 5 = <<40*5=200>>200 emails.\n#### 200",
    )
    rng = random.Random(3)
    made = 0
    for _ in range(30):
        variant = PROBE.perturb(week, rng)
        if variant is None:
            continue
        made += 1
        emails, days = (int(n) for n in re.findall(r"\d+", variant.item.question))
        assert days <= 7
        assert int(variant.item.answer) == emails * days  # by hand: emails a day times days
    assert made > 0


def test_the_wheels_of_a_car_stay():
    # a car with 5 wheels and a motorcycle with 7 are no longer the question's world: 4 and 2 stay
    item = make_item(
        "Lee builds 12 toy cars and 9 toy motorcycles. He needs 4 wheels for each car and 2 wheels for each "
        "motorcycle. How many wheels does he need?",
        "The cars need 12 * 4 = <<12*4=48>>48 wheels.\nThe motorcycles need 9 * 2 = <<9*2=18>>18 wheels.\n"
        "He needs 48 + 18 = <<48+18=66>>66 wheels.\n#### 66",
    )
    assert _free_values(item) == [9, 12]
    # by hand: 15 cars * 4 + 9 motorcycles * 2 = 60 + 18 = 78
    assert PROBE.substitute(item, {"12": "15"}).item.answer == "78"


def test_all_the_legs_of_an_animal_and_the_parents_of_a_child_stay():
    # a horse on "all 5 legs" and a boy with "3 parents" are no longer the question's world
    horses = make_item(
        "There are 10 horses in a ring. Half of them rear up on their back legs and the rest stand on all 4 "
        "legs. How many hooves touch the ground?",
        "Half is 10/2 = <<10/2=5>>5 horses.\nThe rearing ones use 5*2 = <<5*2=10>>10 hooves.\n"
        "The others use 5*4 = <<5*4=20>>20 hooves.\nIn all 10+20 = <<10+20=30>>30 hooves.\n#### 30",
    )
    assert _free_values(horses) == [10]
    assert PROBE.substitute(horses, {"10": "14"}).item.answer == "42"  # 7 * 2 + 7 * 4
    family = make_item(
        "Omar lives with his 2 parents and 3 sisters. They share 48 cookies equally. How many cookies does "
        "each one get?",
        "There are 1 + 2 + 3 = <<1+2+3=6>>6 people.\nEach gets 48/6 = <<48/6=8>>8 cookies.\n#### 8",
    )
    assert 2 not in _free_values(family)
    assert PROBE.substitute(family, {"48": "60"}).item.answer == "10"  # 60 / (1 + 2 + 3)


def test_what_a_kind_of_thing_has_stays():
    # "Scooters have 5 wheels" is no longer a scooter
    item = make_item(
        "Scooters have two wheels and go-karts have four wheels. A shop sells 9 scooters and 6 go-karts. "
        "How many wheels is that?",
        "The scooters have 9 * 2 = <<9*2=18>>18 wheels.\nThe go-karts have 6 * 4 = <<6*4=24>>24 wheels.\n"
        "That is 18 + 24 = <<18+24=42>>42 wheels.\n#### 42",
    )
    assert _free_values(item) == [6, 9]
    assert PROBE.substitute(item, {"9": "11"}).item.answer == "46"  # 11 * 2 + 6 * 4


def test_days_worked_in_a_year_stay_within_it():
    item = make_item(
        "For every 20 days she works, Ines earns 1 day off. If last year she worked 320 days and took 3 days "
        "off, how many days off does she have left?",
        "She earned 320/20 = <<320/20=16>>16 days off.\nShe has 16 - 3 = <<16-3=13>>13 left.\n#### 13",
    )
    rng = random.Random(3)
    variants = [v for v in (PROBE.perturb(item, rng) for _ in range(30)) if v is not None]
    assert variants
    for variant in variants:
        per, worked, taken = (int(n) for n in re.findall(r"\d+", variant.item.question) if n != "1")
        assert worked <= 365  # not "worked 480 days last year"
        assert int(variant.item.answer) == worked // per - taken


def test_a_count_of_days_between_named_weekdays_stays():
    # after Sunday and Monday, "the next 4 days" are Tuesday to Friday: 6 of them would pass Saturday
    item = make_item(
        "Rosa reads 3 pages on Sunday and 5 pages on Monday. Then she reads 6 pages every day for the next "
        "4 days. How many pages must she read on Saturday to read 60 pages from Sunday to Saturday?",
        "On Sunday and Monday she reads 3 + 5 = <<3+5=8>>8 pages.\n"
        "From Tuesday to Friday she reads 6 * 4 = <<6*4=24>>24 pages.\n"
        "That is 8 + 24 = <<8+24=32>>32 pages.\nOn Saturday she must read 60 - 32 = <<60-32=28>>28 pages.\n"
        "#### 28",
    )
    assert 4 not in _free_values(item)
    assert PROBE.substitute(item, {"60": "70"}).item.answer == "38"  # 70 - (3 + 5 + 6 * 4)


def test_a_count_of_the_numbers_a_sentence_lists_stays():
    # "five games" with three scores listed has no answer
    item = make_item(
        "Leo scored 12, 15, and 18 points in his three games. What is his average score?",
        "The three games add up to 12 + 15 + 18 = <<12+15+18=45>>45 points.\n"
        "His average is 45/3 = <<45/3=15>>15 points.\n#### 15",
    )
    assert 3 not in _free_values(item)
    assert PROBE.substitute(item, {"12": "21"}).item.answer == "18"  # (21 + 15 + 18) / 3


def test_weeknights_license_five():
    # "3 x 5" are the five weeknights, not the 5 weekend hours: 5 stays
    item = make_item(
        "Tom reads 3 hours on weeknights and 5 hours over the weekend. How many hours does he read a week?",
        "On weeknights he reads 3 x 5 = <<3*5=15>>15 hours.\nIn all he reads 15 + 5 = <<15+5=20>>20 hours.\n"
        "#### 20",
    )
    assert _free_values(item) == [3]
    assert PROBE.substitute(item, {"3": "4"}).item.answer == "25"  # 4 * 5 + 5


def test_triplets_stay_three_and_two_groups_of_girls_and_boys_stay_two():
    knit = make_item(
        "Ada knits for her 3 grandsons. They're triplets. A hat takes 2 skeins and a scarf takes 5 skeins. "
        "How many skeins does she need for a hat and a scarf each?",
        "Each needs 2 + 5 = <<2+5=7>>7 skeins.\nShe needs 3 * 7 = <<3*7=21>>21 skeins.\n#### 21",
    )
    assert _free_values(knit) == [2, 5]
    groups = make_item(
        "Twelve kids were divided into two equal groups of girls and boys. Each boy found 5 shells. "
        "How many shells did the boys find?",
        "There are 12 / 2 = <<12/2=6>>6 boys.\nThey found 6 * 5 = <<6*5=30>>30 shells.\n#### 30",
    )
    assert 2 not in _free_values(groups)
    # by hand: 20 kids in two groups: 10 boys, 10 * 5 = 50 shells
    assert PROBE.substitute(groups, {"12": "20"}).item.answer == "50"


def test_an_ordinal_does_not_stand_for_one_more_than_another_count():
    # "on the third street ... joined by another 2": the solution's 3 is 1 + 2, not "third"; skipped
    item = make_item(
        "By the first street 5 kids chase the van. On the second street each kid is joined by another kid, "
        "and on the third street each kid is joined by another 2 kids. How many kids chase the van?",
        "The group doubles to 5 * 2 = <<5*2=10>>10 kids.\n"
        "Then it triples to 10 * 3 = <<10*3=30>>30 kids.\n#### 30",
    )
    with pytest.raises(ProbeSkip):
        PROBE.template(item)


def test_a_decimal_times_stays_above_one():
    # "1.25 times faster" drawn at x0.5-x2 could become "0.82 times faster", slower than the second car
    item = make_item(
        "The fastest car is 1.25 times faster than the second fastest car, which goes 200 miles per hour. "
        "How fast does the fastest car go?",
        "It goes 1.25 * 200 = <<1.25*200=250>>250 miles per hour.\n#### 250",
    )
    assert _free_values(item) == [200]
    # by hand: 1.25 * 240 = 300
    assert PROBE.substitute(item, {"200": "240"}).item.answer == "300"
