"""The family registry: typed, read-only, errors that name the valid families, and a family added
from the tests (tests/support/word_swap_family.py) running through variant generation and verification."""

from __future__ import annotations

import ast
import random
from pathlib import Path
from typing import ClassVar

import pytest

from detector.types import BenchmarkItem, Variant
from detector.variants import check_gold, make_variants
from probes import FAMILIES, PROBES, FamilySpec, get_family, get_probe, with_family
from probes.base import build_variant
from tests.support.word_swap_family import REGISTRY, WordSwapProbe, check_same_words

QUESTION = ("Tom has 12 red apples and gives 5 of them to his sister on Monday. "
            "How many apples does Tom have left after that?")


def make_item(item_id: str = "q1", question: str = QUESTION) -> BenchmarkItem:
    return BenchmarkItem(benchmark="toy", item_id=item_id, question=question, answer="7")


def test_registry_is_read_only_and_lists_every_probe():
    with pytest.raises(TypeError):
        FAMILIES["numeric"] = FAMILIES["entity"]  # type: ignore[index]
    assert list(PROBES) == list(FAMILIES)
    for name, spec in FAMILIES.items():
        assert spec.name == name == PROBES[name].name
        assert spec.version == spec.probe.version


def test_unknown_family_lists_the_valid_names_and_suggests_the_closest():
    with pytest.raises(ValueError, match=r"valid: numeric, entity.*did you mean 'numeric'\?"):
        get_family("numerc")
    with pytest.raises(ValueError, match="valid: ") as raised:
        get_probe("zzz")
    assert "did you mean" not in str(raised.value)
    with pytest.raises(ValueError, match="unknown probe family 'word-swap'"):
        make_variants([make_item()], ["word-swap"], 1, 0)  # not in the default registry


def test_with_family_builds_a_new_registry_and_leaves_the_default_alone():
    assert "word-swap" in REGISTRY and "word-swap" not in FAMILIES
    assert list(REGISTRY)[:-1] == list(FAMILIES)
    with pytest.raises(TypeError):
        REGISTRY["other"] = REGISTRY["word-swap"]  # type: ignore[index]
    with pytest.raises(ValueError, match="already registered"):
        with_family(FAMILIES["numeric"])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"ceiling": 0.5, "floor": 0.5}, "floor < ceiling"),
    ({"ceiling": 1.2}, "ceiling <= 1"),
    ({"ceiling": 0.9, "duplicate_at": 0.0}, "duplicate_at"),
])
def test_spec_rejects_impossible_bounds(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FamilySpec(WordSwapProbe, **kwargs)


def test_a_family_from_the_tests_runs_through_generation_and_verification():
    items = [make_item("q1"), make_item("q2", QUESTION.replace("Tom", "Ann")), make_item("q3", "Too short.")]
    variant_set = make_variants(items, ["word-swap"], 2, 5, registry=REGISTRY)
    (summary,) = variant_set.summaries
    assert (summary.family, summary.items, summary.items_with_variants) == ("word-swap", 3, 2)
    assert summary.skipped == {"too_short": 1}
    assert [v.variant_id for v in variant_set.variants] == ["q1~word-swap~0", "q1~word-swap~1",
                                                            "q2~word-swap~0", "q2~word-swap~1"]
    parents = {item.item_id: item for item in items}
    for variant in variant_set.variants:
        assert variant.family_version == "1" and variant.item.answer == "7" and not variant.gold_changed
        assert variant.item.question != parents[variant.parent_id].question
        assert 0.5 <= variant.jaccard_to_parent < 0.97  # the spec's floor and ceiling
    again = make_variants(items, ["word-swap"], 2, 5, registry=REGISTRY)
    assert again.sha256 == variant_set.sha256


class DroppingProbe(WordSwapProbe):
    """A broken word-swap that drops a word: its family's gold check must reject every draw."""

    name: ClassVar[str] = "word-drop"

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        words = item.question.split()
        del words[rng.randrange(len(words))]
        return build_variant(item, self.name, self.version, 0, question=" ".join(words))


def test_the_family_gold_check_and_bounds_decide_what_is_kept():
    broken = with_family(FamilySpec(DroppingProbe, ceiling=0.97, gold_check=check_same_words), REGISTRY)
    variant_set = make_variants([make_item()], ["word-drop"], 2, 0, registry=broken)
    assert variant_set.variants == ()
    assert variant_set.summaries[0].rejected == {"words_changed": 6}
    assert check_gold(DroppingProbe().perturb(make_item(), random.Random(0)), make_item(),  # type: ignore[arg-type]
                      broken["word-drop"]) == "words_changed"
    strict = with_family(FamilySpec(WordSwapProbe, ceiling=0.3), FAMILIES)  # every swap is too similar
    assert make_variants([make_item()], ["word-swap"], 1, 0, registry=strict).summaries[0].rejected == {
        "too_similar_to_parent": 3}


def test_variants_module_names_no_family():
    tree = ast.parse(Path(__file__).resolve().parents[2].joinpath("detector", "variants.py").read_text())
    strings = {node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert not strings & set(FAMILIES)
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {module for module in imported if module and module.startswith("probes.")} == set()
