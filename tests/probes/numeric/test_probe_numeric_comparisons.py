"""`numeric`: an order the question states in words ("older than") holds in every variant."""

from __future__ import annotations

import random
import re

import pytest

from detector.types import BenchmarkItem
from probes.numeric.question.comparisons import compared_groups, states_comparison, unit_of
from probes.numeric.question.quantities import find_mentions
from tests.support.numeric_items import PROBE, make_item

# 12 and 9 never meet in one step: only the sentence "Mia is older than Leo" orders them
AGES = make_item(
    "Mia is older than her cousin Leo. Mia is 12 years old and Leo is 9 years old. In 4 years, what "
    "will the sum of their ages be?",
    "Mia will be 12 + 4 = <<12+4=16>>16.\nLeo will be 9 + 4 = <<9+4=13>>13.\n"
    "Together they will be 16 + 13 = <<16+13=29>>29 years old.\n#### 29",
)
# the same, with the two distances in miles and their speeds in miles per hour
WALKS = make_item(
    "Ana lives farther from the lake than Ben. Ana lives 6 miles from the lake and Ben lives 4 miles "
    "from it. Both walk home at 2 miles per hour. How many hours do they walk in all?",
    "Ana walks 6 / 2 = <<6/2=3>>3 hours.\nBen walks 4 / 2 = <<4/2=2>>2 hours.\n"
    "In all they walk 3 + 2 = <<3+2=5>>5 hours.\n#### 5",
)


def _variants(item: BenchmarkItem, seeds: int = 60) -> list[tuple[str, str]]:
    out = []
    for seed in range(seeds):
        rng = random.Random(seed)
        for _ in range(3):
            variant = PROBE.perturb(item, rng)
            if variant is not None:
                out.append((variant.item.question, variant.item.answer))
    return out


def test_stated_ages_keep_their_order_and_gold() -> None:
    variants = _variants(AGES)
    assert len({q for q, _ in variants}) >= 5
    for question, answer in variants:
        match = re.search(r"Mia is (\d+) years old and Leo is (\d+) years old. In (\d+) years", question)
        assert match is not None, question
        mia, leo, years = (int(g) for g in match.groups())
        assert mia > leo, question
        assert int(answer) == mia + leo + 2 * years


def test_stated_distances_keep_their_order_and_gold() -> None:
    variants = _variants(WALKS)
    assert len({q for q, _ in variants}) >= 3
    for question, answer in variants:
        match = re.search(r"Ana lives (\d+) miles from the lake and Ben lives (\d+) miles from it. Both walk "
                          r"home at (\d+) miles", question)
        assert match is not None, question
        ana, ben, speed = (int(g) for g in match.groups())
        assert ana > ben, question
        assert int(answer) * speed == ana + ben


@pytest.mark.parametrize(("question", "compares"), [
    ("Steve lives further away than Tim.", True),
    ("Tom has more apples than Ann does.", True),
    ("Ann has twice as many stickers as Bo.", True),
    ("Jo is three times as old as her son.", True),
    ("You get a prize for more than 20 points.", False),  # a threshold, not two stated quantities
    ("It costs less than $5.", False),
    ("She reads more than twenty pages.", False),
    ("Sam has 4 apples and 3 pears.", False),
])
def test_comparisons_in_words_are_found(question: str, compares: bool) -> None:
    assert states_comparison(question) is compares


@pytest.mark.parametrize(("question", "unit"), [
    ("He lives 3 miles from school.", {"mile"}),
    ("She bikes at 440 feet per minute.", {"feet"}),
    ("It costs $12 in all.", {"$"}),
    ("It costs 12 dollars.", {"$"}),
    ("There are 5 red apples.", {"red", "apple"}),
    ("He has 2 fewer rabbits than dogs.", {"rabbit"}),
    ("Tom is 12. Ann is 9.", set()),
])
def test_unit_of_the_first_number(question: str, unit: set[str]) -> None:
    assert unit_of(question, find_mentions(question)[0]) == unit


def test_units_sharing_a_word_are_one_group_and_a_bare_number_joins_every_group() -> None:
    question = ("Ann has 5 red apples and 3 green apples, and Bo has more apples than Ann. Bo walks "
                "7 miles, Cy 2 miles. Dee is 40.")
    mentions = find_mentions(question)
    by_value = {int(m.value): [m] for m in mentions}
    order = [5, 3, 7, 2, 40]
    groups = compared_groups(question, [by_value[v] for v in order])
    assert sorted(groups) == [[0, 1, 4], [2, 3, 4]]
    plain = "Ann has 5 apples and Bo has 3 apples."
    assert compared_groups(plain, [[m] for m in find_mentions(plain)]) == []  # no comparison: no group


# a person "70 years old" may become at most 100 (without the cap, up to 140)
ELDER = make_item(
    "Ann is 70 years old. Her son is 30 years younger than her. How old is her son?",
    "Her son is 70 - 30 = <<70-30=40>>40 years old.\n#### 40",
)


def test_a_stated_age_stays_at_most_100() -> None:
    variants = _variants(ELDER)
    assert len({q for q, _ in variants}) >= 5
    for question, answer in variants:
        match = re.search(r"Ann is (\d+) years old. Her son is (\d+) years younger", question)
        assert match is not None, question
        ann, gap = (int(g) for g in match.groups())
        assert ann <= 100, question
        assert int(answer) == ann - gap
