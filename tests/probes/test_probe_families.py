"""The non-numeric families: gold follows the option text, labels, formats, continuations."""

from __future__ import annotations

import random

import pytest

from detector.types import BenchmarkItem
from probes import PROBES, ProbeSkip, get_probe
from probes.choices import NONE_OF_THE_ABOVE

MC = BenchmarkItem(
    "mc",
    "mc/0",
    "Which gas do plants take in from the air to make food?",
    "C",
    choices=("oxygen", "nitrogen", "carbon dioxide", "helium"),
    labels=("A", "B", "C", "D"),
    metadata={"kind": "multiple_choice"},
)
MATH = BenchmarkItem(
    "m",
    "m/0",
    "Maya buys three notebooks at $4 each and a pen for $2. How much does she spend in dollars?",
    "14",
    solution="The notebooks cost 3 * 4 = $<<3*4=12>>12.\nWith the pen she spends 12 + 2 = $<<12+2=14>>14.\n",
)


def test_registry_lists_every_family_and_rejects_unknown_names():
    assert set(PROBES) == {
        "numeric",
        "entity",
        "option-shuffle",
        "option-relabel",
        "none-of-the-above",
        "distractor",
        "paraphrase",
        "cloze",
        "truncate",
        "code-rename",
        "code-examples",
        "code-docstring",
        "code-distractor",
        "code-truncate",
    }
    for name, cls in PROBES.items():
        assert cls.name == name and cls.version
    with pytest.raises(ValueError, match="valid: numeric"):
        get_probe("numbers")


@pytest.mark.parametrize("seed", range(20))
def test_option_shuffle_moves_gold_with_its_text(seed):
    variant = get_probe("option-shuffle").perturb(MC, random.Random(seed))
    assert variant is not None
    assert variant.item.choices != MC.choices and sorted(variant.item.choices) == sorted(MC.choices)
    assert variant.item.gold_text == "carbon dioxide"
    assert variant.gold_changed == (variant.item.answer != "C")


@pytest.mark.parametrize("seed", range(10))
def test_option_relabel_changes_scheme_and_gold_label_follows(seed):
    variant = get_probe("option-relabel").perturb(MC, random.Random(seed))
    assert variant is not None
    assert variant.item.labels in {("1", "2", "3", "4"), ("a", "b", "c", "d"), ("i", "ii", "iii", "iv")}
    assert variant.item.answer == variant.item.labels[2]
    assert variant.item.choices == MC.choices and variant.item.gold_text == "carbon dioxide"


def test_none_of_the_above_recomputes_gold_both_ways():
    probe = get_probe("none-of-the-above")
    seen = set()
    for seed in range(60):
        variant = probe.perturb(MC, random.Random(seed))
        assert variant is not None and variant.item.choices[-1] == NONE_OF_THE_ABOVE
        assert len(variant.item.choices) == 4
        if variant.params["replaced"] == "correct":
            assert "carbon dioxide" not in variant.item.choices
            assert variant.item.gold_text == NONE_OF_THE_ABOVE and variant.gold_changed
        else:
            assert variant.item.gold_text == "carbon dioxide"
        seen.add(variant.params["replaced"])
    assert seen == {"correct", "wrong"}


def test_positional_options_are_skipped():
    item = BenchmarkItem(
        "mc",
        "mc/1",
        "Which are mammals?",
        "D",
        choices=("cat", "dog", "eel", "All of the above"),
        labels=("A", "B", "C", "D"),
    )
    for name in ("option-shuffle", "option-relabel", "none-of-the-above"):
        with pytest.raises(ProbeSkip, match="positional_option"):
            get_probe(name).perturb(item, random.Random(0))


def test_cloze_turns_multiple_choice_into_open_question_with_gold_text():
    variant = get_probe("cloze").perturb(MC, random.Random(0))
    assert variant is not None
    assert (
        variant.item.choices == () and variant.item.labels == () and variant.item.answer == "carbon dioxide"
    )
    refers = BenchmarkItem(
        "mc", "mc/2", "Which of the following is a gas?", "A", choices=("air", "rock"), labels=("A", "B")
    )
    with pytest.raises(ProbeSkip, match="question_refers_to_options"):
        get_probe("cloze").perturb(refers, random.Random(0))
    open_variant = get_probe("cloze").perturb(MATH, random.Random(0))
    assert open_variant is not None and MATH.question in open_variant.item.question
    assert open_variant.item.answer == "14" and not open_variant.gold_changed


def test_truncate_splits_question_into_prompt_and_continuation():
    variant = get_probe("truncate").perturb(MATH, random.Random(3))
    assert variant is not None and variant.scoring == "continuation"
    assert f"{variant.item.question} {variant.item.answer}" == MATH.question
    assert len(variant.item.question.split()) >= 8 and len(variant.item.answer.split()) >= 5


def test_entity_swaps_names_consistently_and_keeps_gold():
    item = BenchmarkItem(
        "m",
        "m/1",
        "Maya has 5 apples. Maya gives 2 apples to Leo. How many apples does Maya have?",
        "3",
        solution="Maya has 5 - 2 = <<5-2=3>>3 apples.\n",
    )
    variant = get_probe("entity").perturb(item, random.Random(4))
    assert variant is not None and variant.item.answer == "3" and not variant.gold_changed
    swaps = dict(pair.split("->") for pair in str(variant.params["swaps"]).split("; "))
    for old, new in swaps.items():
        assert old not in variant.item.question.replace(new, "")
        assert new in variant.item.question
    if "Maya" in swaps:
        assert variant.item.question.count(swaps["Maya"]) == 3 and swaps["Maya"] in (
            variant.item.solution or ""
        )


def test_entity_does_not_touch_lowercase_words_that_look_like_names():
    item = BenchmarkItem(
        "m", "m/2", "Mark has to mark 12 papers. How many papers are left after he marks 5?", "7"
    )
    for seed in range(10):
        variant = get_probe("entity").perturb(item, random.Random(seed))
        assert variant is not None
        assert "has to mark 12" in variant.item.question and "Mark" not in variant.item.question


def test_distractor_adds_one_sentence_naming_only_absent_things():
    probe = get_probe("distractor")
    for seed in range(10):
        variant = probe.perturb(MATH, random.Random(seed))
        if variant is None:
            continue
        sentence = str(variant.params["sentence"])
        assert variant.item.question.replace(sentence + " ", "") == MATH.question
        assert variant.item.question.endswith("How much does she spend in dollars?")
        assert variant.item.answer == MATH.answer and not variant.gold_changed


def test_paraphrase_rewords_but_keeps_numbers_and_gold():
    item = BenchmarkItem(
        "m", "m/3", "Ann bought 1200 beads. If she gives 200 to a friend, how many beads are left?", "1000"
    )
    made = [get_probe("paraphrase").perturb(item, random.Random(seed)) for seed in range(20)]
    texts = {v.item.question for v in made if v is not None}
    assert texts and item.question not in texts
    assert any("How many beads are left if she gives 200 to a friend?" in t for t in texts)
    assert any("1,200" in t for t in texts) and any("purchased" in t for t in texts)
    assert all(v.item.answer == "1000" for v in made if v is not None)
