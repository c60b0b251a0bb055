"""`numeric`: hand-checked items (golds computed by hand), named skips, identity, and properties."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.types import BenchmarkItem
from probes.base import ProbeSkip
from probes.numeric.solution.arithmetic import literals
from probes.numeric.solution.chain import parse_steps
from probes.numeric.template.build import build_template
from probes.numeric.template.execution import execute
from tests.support.numeric_items import PROBE, make_item

DUCKS = make_item(
    "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her "
    "friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck "
    "egg. How much in dollars does she make every day at the farmers' market?",
    "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n"
    "She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market.\n#### 18",
)
JACKET = make_item(
    "A jacket costs $80. It is on sale for 25% off. What is the sale price in dollars?",
    "The discount is 80 * 25 / 100 = $<<80*25/100=20>>20.\n"
    "The sale price is 80 - 20 = $<<80-20=60>>60.\n#### 60",
)
SAVINGS = make_item(
    "Carlos saves $12.50 every week. How much has he saved after 8 weeks?",
    "He saves 12.5 * 8 = $<<12.5*8=100>>100.\n#### 100",
)
PIANO = make_item(
    "Sam practices piano for 90 minutes every day. How many hours does he practice in 6 days?",
    "He practices 90 * 6 = <<90*6=540>>540 minutes.\nThat is 540 / 60 = <<540/60=9>>9 hours.\n#### 9",
)
SUGAR = make_item(
    "A recipe needs 3/4 cup of sugar for one batch of cookies. "
    "How many cups of sugar are needed for 6 batches?",
    "6 batches need 6 * 3/4 = <<6*3/4=4.5>>4.5 cups of sugar.\n#### 4.5",
)
MUFFINS = make_item(
    "A bakery makes two dozen muffins every morning. It sells 17 of them before noon. "
    "How many muffins are left?",
    "Two dozen muffins is 2 * 12 = <<2*12=24>>24 muffins.\nAfter selling 17, 24 - 17 = <<24-17=7>>7 muffins "
    "are left.\n#### 7",
)
LUNCH = make_item(
    "Jack had $50. He spent half of it on a game and then $7 on lunch. How much money does he have left?",
    "He spent 50 / 2 = $<<50/2=25>>25 on the game.\nAfter the game he had 50 - 25 = $<<50-25=25>>25.\n"
    "After lunch he has 25 - 7 = $<<25-7=18>>18.\n#### 18",
)
STICKERS = make_item(  # the last step is written in prose only
    "Charlie had 10 stickers. He bought 21 stickers and got 23 stickers for his birthday. Then he gave 9 "
    "of the stickers to his sister and used 28 to decorate a card. How many stickers does Charlie have left?",
    "The total is 10 + 21 + 23 = <<10+21+23=54>>54.\nHe gave away and used 9 + 28 = <<9+28=37>>37.\n"
    "Charlie has 54 − 37 = 17 stickers left.\n#### 17",
)


@pytest.mark.parametrize(
    ("item", "changes", "gold", "in_question"),
    [
        (
            DUCKS,
            {"16": "20", "3": "5", "4": "6", "2": "3"},
            "27",
            ["lay 20 eggs", "eats five for", "with six.", "$3 per"],
        ),
        (JACKET, {"80": "120", "25": "15"}, "102", ["costs $120", "for 15% off"]),
        (SAVINGS, {"12.5": "7.25", "8": "12"}, "87", ["saves $7.25 every", "after 12 weeks"]),
        (PIANO, {"90": "120", "6": "3"}, "6", ["for 120 minutes", "in 3 days"]),
        (SUGAR, {"6": "10"}, "7.5", ["3/4 cup", "for 10 batches"]),
        (MUFFINS, {"2": "5", "17": "23"}, "37", ["makes five dozen", "sells 23 of"]),
        (LUNCH, {"50": "80", "7": "9"}, "31", ["had $80.", "then $9 on"]),
        (STICKERS, {"10": "12", "28": "30"}, "17", ["had 12 stickers", "used 30 to"]),
        (STICKERS, {"21": "40"}, "36", ["bought 40 stickers"]),
    ],
)
def test_hand_checked_substitutions(item, changes, gold, in_question):
    variant = PROBE.substitute(item, changes)
    assert variant.item.answer == gold
    for text in in_question:
        assert text in variant.item.question
    steps = parse_steps(variant.item.solution or "")
    assert steps[-1].result == Fraction(gold)  # the rewritten solution re-executes to the new gold


def test_solution_prose_follows_the_new_numbers():
    variant = PROBE.substitute(MUFFINS, {"2": "5", "17": "23"})
    assert variant.item.solution.startswith("Five dozen muffins is 5 * 12 = <<5*12=60>>60 muffins.")
    assert "After selling 23, 60 - 23 = <<60-23=37>>37 muffins" in variant.item.solution
    variant = PROBE.substitute(STICKERS, {"21": "40"})
    assert "Charlie has 73 − 37 = 36 stickers left." in variant.item.solution


@pytest.mark.parametrize(
    ("question", "solution", "reason"),
    [
        (
            "Jeff and Brad divide 100 dollars. Jeff gets 4 times as much as Brad. How much does Jeff get?",
            "Brad gets 100/5=<<100/5=20>>20 dollars.\nJeff gets 20*4=<<20*4=80>>80 dollars.\n#### 80",
            "unexplained_literal",
        ),
        ("Ann has 3 bags of 4 apples. How many apples?", "3*4=<<3*4=13>>13\n#### 13", "annotation_mismatch"),
        (
            "Ann has 3 bags of 4 apples. How many apples?",
            "3*4=<<3*4=12>>12\n#### 14",
            "final_not_last_result",
        ),
        ("Ann has 3 bags of 4 apples. How many apples?", "She has twelve.\n#### 12", "no_annotations"),
        (
            "Ann has 3 bags of 4 apples. How many apples?",
            "3*4=<<3*4=12>>12 and <<3**4=81>>\n#### 81",
            "unparseable_annotation",
        ),
    ],
)
def test_items_that_cannot_be_rederived_are_skipped_with_a_reason(question, solution, reason):
    with pytest.raises(ProbeSkip) as caught:
        PROBE.perturb(make_item(question, solution), random.Random(0))
    assert caught.value.reason == reason


def test_ambiguous_reading_is_accepted_only_when_all_readings_agree():
    # "30" is both the count per ounce and the result of 3*10: any kept variant must give the same
    # answer under both readings, which the probe checks by re-executing every reading.
    item = make_item(
        "John buys 3 large bags weighing 10 ounces each. "
        "If an ounce has 30 candies, how many candies does he have?",
        "He bought 3*10=<<3*10=30>>30 ounces.\nThat means he got 30*30=<<30*30=900>>900 candies.\n#### 900",
    )
    rng = random.Random(1)
    made = 0
    for _ in range(20):
        variant = PROBE.perturb(item, rng)
        if variant is None:
            continue
        made += 1
        numbers = [int(n) for n in re.findall(r"\d+", variant.item.question)]
        bags, ounces, per_ounce = numbers
        assert int(variant.item.answer) == bags * ounces * per_ounce == per_ounce * per_ounce
    assert made >= 5


def _fixture_items() -> list[BenchmarkItem]:
    from detector.benchmarks import load_benchmark

    return list(load_benchmark("gsm8k").items)


def test_identity_substitution_reproduces_every_kept_fixture_gold():
    kept = 0
    for item in _fixture_items():
        try:
            template = PROBE.template(item)
        except ProbeSkip:
            continue
        kept += 1
        results, _ = execute(template, [var.value for var in template.variables])
        assert results[-1] == Fraction(item.answer.replace(",", ""))
    assert kept >= 30


# Independent oracles: the gold as a formula of the numbers in the variant's question.
ORACLES = [
    (JACKET, lambda n: n[0] - n[0] * n[1] / 100),
    (SAVINGS, lambda n: n[0] * n[1]),
    (PIANO, lambda n: n[0] * n[1] / 60),
    (STICKERS, lambda n: n[0] + n[1] + n[2] - n[3] - n[4]),
]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(range(len(ORACLES))))
def test_random_substitutions_match_an_independent_formula(seed, which):
    item, formula = ORACLES[which]
    variant = PROBE.perturb(item, random.Random(seed))
    if variant is None:
        return
    numbers = [Fraction(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", variant.item.question)]
    assert Fraction(variant.item.answer) == formula(numbers)
    assert variant.item.answer != item.answer and variant.gold_changed


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 47))
def test_random_substitutions_keep_every_constraint(seed, index):
    item = _fixture_items()[index]
    try:
        template = build_template(item.question, item.solution or "", item.answer)
    except ValueError:
        return
    variant = PROBE.perturb(item, random.Random(seed))
    if variant is None:
        return
    new_steps = parse_steps(variant.item.solution or "")
    annotated_old = [s for s in template.steps if s.annotated]
    annotated_new = [s for s in new_steps if s.annotated]
    assert len(annotated_new) == len(annotated_old)
    for old, new in zip(annotated_old, annotated_new, strict=True):
        assert (new.result > 0) == (old.result > 0) and (new.result < 0) == (old.result < 0)
        if old.result.denominator == 1:
            assert new.result.denominator == 1
    assert Fraction(variant.item.answer) == new_steps[-1].result
    changes = dict(pair.split("->") for pair in str(variant.params["changes"]).split("; "))
    new_of = {Fraction(k): Fraction(v) for k, v in changes.items()}
    # Two numbers that meet in one step of the chain keep their order (constants included).
    for step in template.steps:
        met = [lit.value for lit in literals(step.tree)]
        olds = [v for v in met if v in new_of or v in template.constants]
        for a in olds:
            for b in olds:
                assert (a < b) == (new_of.get(a, a) < new_of.get(b, b))


# Recoveries (items written for these tests; new golds computed by hand in the comments).
APPLES = make_item(  # a prose step with unit words between its numbers
    "A farmer has 120 apples. He sells 45 apples at the market and gives 25 to a neighbor. "
    "How many apples are left?",
    "He gave away 45 apples + 25 apples = 70 apples.\n"
    "He has 120 - 70 = <<120-70=50>>50 apples left.\n#### 50",
)
WALKERS = make_item(  # the final step is a percentage written in words
    "Of the 40 students in a class, 10 walk to school and 6 ride a bike. What percent walk or bike?",
    "10 + 6 = <<10+6=16>>16 students walk or bike.\nThat is 16 students / 40 students * 100% = 40%.\n#### 40",
)
SHIRTS = make_item(  # implicit multiplication `250(.40)`
    "A shop has 250 shirts. 40 percent of them are red, and half of the red ones are on sale. "
    "How many red shirts are on sale?",
    "Red: 250(.40)=100\nOn sale: 100/2=<<100/2=50>>50\n#### 50",
)
BUS = make_item(  # 100 is a stated count and also the x100% conversion: it must stay 100
    "A school has 100 girls and 140 boys. 60 of the girls and 90 of the boys ride the bus. "
    "What percent of the students ride the bus?",
    "Riders: 60 + 90 = <<60+90=150>>150 students.\nStudents: 100 + 140 = <<100+140=240>>240.\n"
    "Share: 150 students / 240 students * 100% = 62.5%.\n#### 62.5",
)
BILL = make_item(  # "three" is not used, but 3 + 12 = 15 relates it to two stated numbers: all three frozen
    "Three friends share a bill. Tom pays $12 and Ann pays $15. Bob pays $6 more than Ann. "
    "How much do the three pay in total?",
    "Bob pays 15 + 6 = <<15+6=21>>21 dollars.\n"
    "Together they pay 12 + 15 + 21 = <<12+15+21=48>>48 dollars.\n#### 48",
)


@pytest.mark.parametrize(
    ("item", "changes", "gold", "in_solution"),
    [
        # 40 + 25 = 65 given away; 150 - 65 = 85 left
        (APPLES, {"120": "150", "45": "40"}, "85", ["40 apples + 25 apples = 65 apples", "150 - 65"]),
        # 12 + 6 = 18 of 36 students: 18 / 36 * 100 = 50 percent
        (WALKERS, {"10": "12", "40": "36"}, "50", ["18 students / 36 students * 100% = 50%"]),
        # 300 * 0.30 = 90 red, half of them 45
        (SHIRTS, {"250": "300", "40": "30"}, "45", ["300(0.3)=90", "<<90/2=45>>45"]),
        # riders 150; students 100 + 150 = 250; 150 / 250 * 100 = 60 percent
        (BUS, {"140": "150"}, "60", ["150 students / 250 students * 100% = 60.0%"]),
        # Bob 15 + 8 = 23; 12 + 15 + 23 = 50
        (BILL, {"6": "8"}, "50", ["<<15+8=23>>23", "<<12+15+23=50>>50"]),
    ],
)
def test_hand_checked_recoveries(item, changes, gold, in_solution):
    variant = PROBE.substitute(item, changes)
    assert variant.item.answer == gold
    for text in in_solution:
        assert text in variant.item.solution
    assert parse_steps(variant.item.solution or "")[-1].result == Fraction(gold)


def test_numbers_that_relate_to_an_unused_one_are_frozen():
    assert [PROBE.template(BILL).variables[i].value for i in PROBE.template(BILL).free] == [6]
    with pytest.raises(ValueError, match="not a free number"):
        PROBE.substitute(BILL, {"12": "20"})
    with pytest.raises(ValueError, match="not a free number"):
        PROBE.substitute(BUS, {"100": "120"})


def test_bare_annotation_of_an_unseen_computation_is_skipped():
    item = make_item(
        "A board is 12 inches long. Tom glues 5 boards end to end. How many feet long is the row?",
        "Each board is <<1=1>>1 foot long, so the row is 5 * 1 = <<5*1=5>>5 feet.\n#### 5",
    )
    with pytest.raises(ProbeSkip) as caught:
        PROBE.template(item)
    assert caught.value.reason == "unexplained_literal"


SHOP = make_item(  # "25 workers" is unused but 25 - 4 = 21, a result: 4 and what 21 comes from are frozen
    "On Monday a shop sold 12 red pens and 9 blue pens. On Tuesday it sold 30 pencils. Each pen costs $4 "
    "and each pencil costs $3. The shop has 25 workers. How much money did the shop make from these sales?",
    "It sold 12 + 9 = <<12+9=21>>21 pens.\nThe pens made 21 * 4 = $<<21*4=84>>84.\n"
    "The pencils made 30 * 3 = $<<30*3=90>>90.\nIn all, 84 + 90 = $<<84+90=174>>174.\n#### 174",
)


def test_an_unused_number_related_to_a_result_freezes_what_the_result_comes_from():
    template = PROBE.template(SHOP)
    assert sorted(template.variables[i].value for i in template.free) == [3, 30]
    # 84 + 40 * 2 = 164
    assert PROBE.substitute(SHOP, {"30": "40", "3": "2"}).item.answer == "164"
    for frozen in ("12", "9", "4", "25"):
        with pytest.raises(ValueError, match="not a free number"):
            PROBE.substitute(SHOP, {frozen: "20"})


def test_a_solution_in_prose_equations_only_is_re_executed():
    item = make_item(
        "A farm has 36 cows. One third of them are brown. Half of the brown cows are calves. "
        "How many brown calves are there?",
        "Brown: 36(1/3)=12\nCalves: 12/2=6\n#### 6",
    )
    variant = PROBE.substitute(item, {"36": "48"})  # 48 / 3 = 16 brown, 16 / 2 = 8 calves
    assert variant.item.answer == "8"
    assert variant.item.solution == "Brown: 48(1/3)=16\nCalves: 16/2=8\n"


def test_results_written_as_percentages_stay_at_most_100():
    item = make_item(
        "Each day 6% of the water in a tank evaporates for 4 days, then 5% each day for 2 more days. "
        "40% of the water is left. What percent of the tank was full at the start?",
        "First 6% * 4 days = <<6*4=24>>24% evaporated.\nThen 5% * 2 days = <<5*2=10>>10%.\n"
        "At the start it was 24 + 10 + 40 = <<24+10+40=74>>74% full.\n#### 74",
    )
    rng = random.Random(3)
    made = 0
    for _ in range(30):
        variant = PROBE.perturb(item, rng)
        if variant is None:
            continue
        made += 1
        assert all(step.result <= 100 for step in parse_steps(variant.item.solution or ""))
    assert made >= 10


def test_unit_constants_are_licensed_by_whole_words():
    from probes.numeric.solution.chain import allowed_constants

    licensed = allowed_constants("On Monday of the second month she paid $5.")
    assert Fraction(60) not in licensed and Fraction(24) not in licensed  # not "Monday", not ordinal "second"
    assert Fraction(30) in licensed and Fraction(100) not in licensed  # "month"; "$" alone is no percent
    assert Fraction(100) in allowed_constants("It costs 80 cents.")
    assert {Fraction(60), Fraction(24)} <= allowed_constants("He runs 2 hours on 3 days.")
    # a count of days or weeks alone licenses no days-a-week, weeks-a-month or days-a-year constant
    assert not {Fraction(7), Fraction(4), Fraction(365)} & allowed_constants("He runs 2 hours on 3 days.")
    assert Fraction(7) in allowed_constants("How far does he run in a week?")
    assert Fraction(100) in allowed_constants("What percentage of them passed?")


def test_counts_per_larger_unit_stay_within_it():
    item = make_item(
        "Jen works 6 days a week and 8 hours a day. She earns $12 an hour. How much does she earn in a week?",
        "She works 6 * 8 = <<6*8=48>>48 hours a week.\nShe earns 48 * 12 = $<<48*12=576>>576.\n#### 576",
    )
    rng = random.Random(7)
    made = 0
    for _ in range(40):
        variant = PROBE.perturb(item, rng)
        if variant is None:
            continue
        made += 1
        days, hours, rate = (int(n) for n in re.findall(r"\d+", variant.item.question))
        assert days <= 7 and hours <= 24
        assert int(variant.item.answer) == days * hours * rate
    assert made >= 10


def test_number_words_of_written_fractions_are_fixed():
    item = make_item(
        "A tank holds 60 liters and is two-thirds full. How many liters of water are in it?",
        "It holds 60 * 2/3 = <<60*2/3=40>>40 liters.\n#### 40",
    )
    assert [PROBE.template(item).variables[i].value for i in PROBE.template(item).free] == [60]
    assert PROBE.substitute(item, {"60": "90"}).item.answer == "60"  # 90 * 2 / 3
    with pytest.raises(ValueError, match="not a free number"):
        PROBE.substitute(item, {"2": "5"})


@pytest.mark.parametrize("doing", ["quadruples", "quadrupled", "is quadrupling"])
def test_multiplier_words_fix_their_factor_even_when_a_stated_number_equals_it(doing):
    # the 4 of `* 4` is the factor of the word, not the 4 liters that spilled: it never moves
    item = make_item(
        f"A vat holds 20 liters of juice and 4 liters spill. The cook then {doing} what is left. "
        "How many liters are there now?",
        "After the spill there are 20 - 4 = <<20-4=16>>16 liters.\n"
        "Then there are 16 * 4 = <<16*4=64>>64 liters.\n#### 64",
    )
    assert PROBE.substitute(item, {"20": "30"}).item.answer == "104"  # (30 - 4) * 4
    with pytest.raises(ValueError, match="not a free number"):
        PROBE.substitute(item, {"4": "2"})


def test_small_value_spaces_are_listed_once_and_every_draw_is_valid():
    from probes.numeric.drawing.sampler import sampler_for

    item = make_item(
        "Sara has 7 stickers. She gives 3 of them to Ben. How many stickers does she have left?",
        "She has 7 - 3 = <<7-3=4>>4 stickers left.\n#### 4",
    )
    rng = random.Random(11)
    answers = set()
    for _ in range(30):
        variant = PROBE.perturb(item, rng)
        assert variant is not None
        have, give = (int(n) for n in re.findall(r"\d+", variant.item.question))
        assert give < have and int(variant.item.answer) == have - give
        answers.add(variant.item.question)
    assert len(answers) >= 3
    assert not isinstance(sampler_for(PROBE.template(item))._listed, bool)  # listed, not searched


def test_draws_given_to_one_rng_do_not_repeat_and_stay_deterministic():
    def questions(seed: int) -> list[str]:
        rng = random.Random(seed)
        made = [PROBE.perturb(JACKET, rng) for _ in range(9)]
        return [v.item.question for v in made if v is not None]

    first = questions(5)
    assert len(first) >= 6 and len(set(first)) == len(first)
    assert questions(5) == first  # a fresh rng with the same seed gives the same sequence


def test_an_unused_threshold_skips_the_item():
    # "over 10 points" is compared with, not computed with: the count of players over it (2) would
    # be read as the "2 times" and stay 2 whatever the scores become.
    item = make_item(
        "Ann scored 12 points, Ben scored 5 points fewer than Ann, and Cal scored 2 times as many as Ben. "
        "Each player with over 10 points gets a bonus point. How many points do they have in total?",
        "Ben scored 12 - 5 = <<12-5=7>>7 points.\nCal scored 2 * 7 = <<2*7=14>>14 points.\n"
        "Together they scored 12 + 7 + 14 = <<12+7+14=33>>33 points.\n"
        "Ann and Cal get a bonus, so the total is 33 + 2 = <<33+2=35>>35 points.\n#### 35",
    )
    with pytest.raises(ProbeSkip) as caught:
        PROBE.template(item)
    assert caught.value.reason == "unmapped_question_number"


def test_a_count_of_listed_things_stays():
    item = make_item(
        "A fan has three speeds: low, medium, and high. It runs 3 hours on low and 5 hours on high. "
        "How many hours does it run?",
        "It runs 3 + 5 = <<3+5=8>>8 hours.\n#### 8",
    )
    assert [PROBE.template(item).variables[i].value for i in PROBE.template(item).free] == [5]
    assert PROBE.substitute(item, {"5": "7"}).item.answer == "10"  # 3 + 7


def test_an_unused_count_freezes_what_names_its_noun_only():
    # "four pizzas" is unused: 4 - 2 = 2 and "two of the pizzas" names the pizzas, so 2 stays; 30 + 4 = 34
    # is a coincidence (no line with 34 names pizzas), so 64 and 30 may change
    item = make_item(
        "Four friends ordered four pizzas for a total of 64 dollars. "
        "If two of the pizzas cost 30 dollars, how much did each of the other two pizzas cost?",
        "The other two cost 64-30 = <<64-30=34>>34 dollars.\nEach costs 34/2 = <<34/2=17>>17.\n#### 17",
    )
    template = PROBE.template(item)
    assert {template.variables[i].value for i in template.free} == {64, 30}
    assert PROBE.substitute(item, {"64": "80", "30": "40"}).item.answer == "20"  # by hand: (80 - 40) / 2
