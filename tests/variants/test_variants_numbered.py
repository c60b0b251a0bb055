"""The variant copies made field by field (`build_variant`, `_numbered`) equal dataclasses.replace."""

from __future__ import annotations

import dataclasses

from detector.types import BenchmarkItem, Variant
from detector.variants import _numbered
from probes.base import build_variant

PARENT = BenchmarkItem("b", "b/1", "Q?", "B", choices=("x", "y"), labels=("A", "B"), solution="S",
                       metadata={"kind": "mc"})


def test_the_copies_name_every_field() -> None:
    # A new field must be copied by build_variant and _numbered too: they name every field.
    assert [f.name for f in dataclasses.fields(BenchmarkItem)] == [
        "benchmark", "item_id", "question", "answer", "choices", "labels", "solution", "metadata"]
    assert [f.name for f in dataclasses.fields(Variant)] == [
        "item", "parent_id", "family", "family_version", "seed", "params", "parent_answer",
        "gold_changed", "jaccard_to_parent", "scoring"]


def test_build_variant_and_numbered_equal_replace() -> None:
    variant = build_variant(PARENT, "fam", "3", 0, question="Q2?", answer="A", params={"k": 1},
                            scoring="continuation")
    assert variant.item == dataclasses.replace(
        PARENT, item_id="b/1~fam~0", question="Q2?", answer="A",
        metadata={"kind": "mc", "parent_id": "b/1", "family": "fam"})
    numbered = _numbered(variant, "b/1~fam~2", 7, 0.5)
    assert numbered == dataclasses.replace(
        variant, item=dataclasses.replace(variant.item, item_id="b/1~fam~2"), seed=7, jaccard_to_parent=0.5)
