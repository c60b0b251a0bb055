"""`numeric`: an order the solution states in prose and builds on ("20 < 40") is kept by every draw
(hand-written items; golds by hand)."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest

from probes.base import ProbeSkip
from probes.numeric.solution.orders import Order, keeps_orders, prose_orders
from tests.support.numeric_items import PROBE, make_item

# The flour runs out first (12 < 30 loaves), so 12 loaves; a draw with more flour than sugar allows
# would make sugar the limit, and the chain, which goes on with the flour's 12, would be wrong.
BAKERY = make_item(
    "A loaf needs 5 cups of flour and 2 cups of sugar. The baker has 60 cups of flour and 60 cups of "
    "sugar. Each loaf sells for $4. How much money does he make if he bakes as many loaves as he can?",
    "The flour is enough for 60 / 5 = <<60/5=12>>12 loaves.\n"
    "The sugar is enough for 60 / 2 = <<60/2=30>>30 loaves.\n"
    "He can bake 12 loaves because 12 < 30.\n"
    "He makes 12 * 4 = $<<12*4=48>>48.\n#### 48",
)


def test_a_stated_order_of_results_is_read_and_kept_by_every_draw():
    template = PROBE.template(BAKERY)
    assert template.orders == [Order(("result", 0), ("result", 1))]
    rng = random.Random(5)
    variants = [v for v in (PROBE.perturb(BAKERY, rng) for _ in range(40)) if v is not None]
    assert len(variants) >= 3
    for variant in variants:
        flour_each, sugar_each, flour, sugar, price = (
            Fraction(n) for n in re.findall(r"\d+(?:\.\d+)?", variant.item.question))
        loaves = min(flour / flour_each, sugar / sugar_each)
        assert flour / flour_each < sugar / sugar_each  # the flour still runs out first
        assert Fraction(variant.item.answer) == loaves * price


def test_orders_in_words_and_against_stated_numbers():
    steps = PROBE.template(BAKERY).steps
    orders = prose_orders("Since 30 is greater than 12, ... and 12 <= 60.", steps, [Fraction(60)])
    words, stated = Order(("result", 0), ("result", 1)), Order(("result", 0), ("var", 0), strict=False)
    assert sorted(orders, key=repr) == sorted([words, stated], key=repr)
    assert keeps_orders(orders, [Fraction(60)], [Fraction(12), Fraction(30)])
    assert keeps_orders([stated], [Fraction(12)], [Fraction(12), Fraction(30)])  # <= allows a tie
    assert not keeps_orders([words], [Fraction(60)], [Fraction(31), Fraction(30)])
    assert not keeps_orders([stated], [Fraction(11)], [Fraction(12), Fraction(30)])


def test_an_order_the_chain_cannot_map_or_that_is_false_skips_the_item():
    unknown = make_item(
        "Ann has 7 red pens and 9 blue pens. How many pens does she have?",
        "She has more blue pens because 9 > 8.\nShe has 7 + 9 = <<7+9=16>>16 pens.\n#### 16",
    )
    false = make_item(
        "Ann has 7 red pens and 9 blue pens. How many pens does she have?",
        "She has more red pens because 7 > 9.\nShe has 7 + 9 = <<7+9=16>>16 pens.\n#### 16",
    )
    for item in (unknown, false):
        with pytest.raises(ProbeSkip) as skipped:
            PROBE.template(item)
        assert skipped.value.reason == "compared_in_prose"
