"""Code families: every kept variant is verified by running its transformed reference in the sandbox."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from detector.benchmarks import load_benchmark
from detector.execution import run_python
from detector.execution.programs import reference_program
from detector.types import BenchmarkItem
from detector.variants import VariantSet, make_variants
from probes import CODE_FAMILIES, PROBES, ProbeSkip
from probes.code.examples import CodeExamplesProbe, docstring_examples
from probes.code.rename import CodeRenameProbe
from probes.code.source import VERIFIED_BY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def execution_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Executions cached in a folder of this module's own, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DETECT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def items() -> list[BenchmarkItem]:
    return [*load_benchmark("humaneval").items, *load_benchmark("mbpp").items]


@pytest.fixture(scope="module")
def variant_set(items: list[BenchmarkItem]) -> VariantSet:
    return make_variants(items, list(CODE_FAMILIES), 1, 3)


def names_in(source: str) -> set[str]:
    tree = ast.parse(source)
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return found | {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_code_families_are_registered() -> None:
    assert set(CODE_FAMILIES) <= set(PROBES)


def test_every_family_makes_variants_and_every_kept_variant_is_verified(variant_set: VariantSet) -> None:
    made = {s.family: s.items_with_variants for s in variant_set.summaries}
    assert all(made[family] >= 3 for family in CODE_FAMILIES), made
    for variant in variant_set.variants:
        assert variant.params["verified"] == VERIFIED_BY
        result = run_python(reference_program(variant.item))
        assert result.passed, (variant.variant_id, result.reason)


def test_rename_rewrites_prompt_solution_and_tests_through_the_tree(variant_set: VariantSet) -> None:
    renamed = [v for v in variant_set.variants if v.family == "code-rename"]
    assert renamed
    for variant in renamed:
        old = json.loads(variant.item.metadata["stale_markers"])[0]
        new = variant.item.metadata["entry_point"]
        assert new != old and new == variant.params["entry_point"]
        for source in (variant.item.solution or "", variant.item.metadata["test"]):
            assert old not in names_in(source) and new in names_in(source)
        assert old not in variant.item.question and new in variant.item.question
        assert variant.gold_changed


def test_rename_renames_keyword_arguments_in_tests() -> None:
    item = load_benchmark("humaneval").items[3]  # merge_sorted(left, right)
    test = item.metadata["test"].replace("candidate([], [5])", "candidate(left=[], right=[5])")
    item = dataclasses.replace(item, metadata={**item.metadata, "test": test})
    variant = next(
        v for s in range(20) if (v := CodeRenameProbe().perturb(item, random.Random(s))) is not None
    )
    params = dict(pair.split("->") for pair in str(variant.params["parameters"]).split(", "))
    assert f"candidate({params['left']}=[], {params['right']}=[5])" in variant.item.metadata["test"]


def test_examples_change_values_and_recompute_outputs(
    variant_set: VariantSet, items: list[BenchmarkItem]
) -> None:
    by_id = {item.item_id: item for item in items}
    changed = [v for v in variant_set.variants if v.family == "code-examples"]
    assert changed
    for variant in changed:
        parent = by_id[variant.parent_id]
        assert variant.item.question != parent.question
        stale = json.loads(variant.item.metadata["stale_markers"])
        assert stale and all(
            marker.replace(" ", "") not in variant.item.question.replace(" ", "") for marker in stale
        )
    first = next(v for v in changed if v.item.metadata["code_format"] == "humaneval")
    examples = docstring_examples(first.item)
    program = first.item.solution or ""
    checks = "".join(
        f"\nassert {first.item.metadata['entry_point']}(*{ex.args!r}) == {ex.output!r}" for ex in examples
    )
    assert run_python(program + checks).passed


def test_examples_skip_a_docstring_whose_stated_output_is_wrong() -> None:
    item = load_benchmark("humaneval").items[0]
    wrong = item.question.replace("    3\n", "    4\n").replace("    0\n", "    9\n")
    item = dataclasses.replace(item, question=wrong, solution=wrong + item.answer)
    assert all(CodeExamplesProbe().perturb(item, random.Random(s)) is None for s in range(3))


def test_docstring_rewords_prose_and_keeps_examples(
    variant_set: VariantSet, items: list[BenchmarkItem]
) -> None:
    by_id = {item.item_id: item for item in items}
    for variant in (v for v in variant_set.variants if v.family == "code-docstring"):
        parent = by_id[variant.parent_id]
        assert variant.item.question != parent.question
        kept = [line for line in parent.question.splitlines() if ">>>" in line or "==" in line]
        assert all(line in variant.item.question for line in kept)
        assert variant.item.metadata["test"] == parent.metadata["test"]


def test_distractor_adds_one_sentence_and_keeps_tests(
    variant_set: VariantSet, items: list[BenchmarkItem]
) -> None:
    by_id = {item.item_id: item for item in items}
    for variant in (v for v in variant_set.variants if v.family == "code-distractor"):
        parent = by_id[variant.parent_id]
        assert len(variant.item.question) > len(parent.question)
        assert variant.item.metadata["test"] == parent.metadata["test"]


def test_truncate_splits_the_reference(variant_set: VariantSet, items: list[BenchmarkItem]) -> None:
    by_id = {item.item_id: item for item in items}
    for variant in (v for v in variant_set.variants if v.family == "code-truncate"):
        assert variant.scoring == "continuation"
        assert variant.item.question + variant.item.answer == by_id[variant.parent_id].solution


def test_code_families_touch_only_code_items() -> None:
    math_items = load_benchmark("gsm8k").items[:5]
    assert make_variants(math_items, list(CODE_FAMILIES), 1, 0).variants == ()
    code_items = load_benchmark("humaneval").items[:2]
    assert make_variants(code_items, ["distractor", "truncate"], 1, 0).variants == ()


def test_an_item_without_fitting_names_is_skipped_with_a_reason() -> None:
    item = load_benchmark("humaneval").items[0]
    odd = item.question.replace("count_vowels", "zqx")
    item = dataclasses.replace(
        item,
        question=odd,
        solution=odd + item.answer,
        metadata={
            **item.metadata,
            "entry_point": "zqx",
            "test": item.metadata["test"].replace("count_vowels", "zqx"),
        },
    )
    with pytest.raises(ProbeSkip, match="no_fitting_name"):
        CodeRenameProbe().perturb(item, random.Random(0))


def _sha_in_subprocess() -> str:
    code = (
        "from detector.benchmarks import load_benchmark\nfrom detector.variants import make_variants\n"
        "from probes import CODE_FAMILIES\n"
        "items = [*load_benchmark('humaneval').items, *load_benchmark('mbpp').items]\n"
        "print(make_variants(items, list(CODE_FAMILIES), 1, 3).sha256)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "random"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_variant_sets_are_identical_across_processes(variant_set: VariantSet) -> None:
    assert _sha_in_subprocess() == variant_set.sha256
