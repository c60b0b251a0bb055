"""The bundled fixtures load, have the promised sizes and content, and their GSM8K arithmetic is right."""

from __future__ import annotations

import ast
import json
import operator
import re

import pytest

from detector.benchmarks import FIXTURES, FIXTURES_DIR, load_benchmark, load_default_benchmarks

ANNOTATION = re.compile(r"<<([^=<>]+)=([^<>]+)>>")
OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
}


def arithmetic(expression: str) -> float:
    """Evaluate + - * / and parentheses by walking the syntax tree (never eval)."""

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in OPERATORS:
            return OPERATORS[type(node.op)](walk(node.operand))
        raise AssertionError(f"not plain arithmetic: {expression!r}")

    return walk(ast.parse(expression, mode="eval").body)


@pytest.mark.parametrize("name", ["gsm8k_test.jsonl", "gsm8k_train.jsonl"])
def test_gsm8k_fixture_annotations_are_correct_and_final_matches(name: str) -> None:
    lines = (FIXTURES_DIR / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        answer = json.loads(line)["answer"]
        annotations = ANNOTATION.findall(answer)
        assert annotations, f"{name}:{number} has no annotations"
        for expression, result in annotations:
            assert arithmetic(expression) == pytest.approx(float(result), abs=1e-9), (
                f"{name}:{number} {expression}"
            )
        final = answer.rpartition("####")[2].strip().replace(",", "")
        assert float(final) == pytest.approx(float(annotations[-1][1])), f"{name}:{number}"


def test_default_benchmarks_have_promised_sizes() -> None:
    loaded = {benchmark.format: benchmark for benchmark in load_default_benchmarks()}
    assert sorted(loaded) == ["arc", "gsm8k", "hellaswag", "mmlu"]
    assert len(loaded["gsm8k"].items) >= 45
    assert len(loaded["mmlu"].items) >= 40
    assert len(loaded["arc"].items) >= 30
    assert len(loaded["hellaswag"].items) >= 30
    for benchmark in loaded.values():
        ids = [item.item_id for item in benchmark.items]
        assert len(set(ids)) == len(ids)
        assert ids[0] == f"{benchmark.name}/0"


def test_every_fixture_loads_and_reloads_identically() -> None:
    for name in FIXTURES:
        assert load_benchmark(name) == load_benchmark(name)


def test_gsm8k_fixture_has_number_words_decimals_and_commas() -> None:
    items = load_benchmark("gsm8k").items
    text = " ".join(item.question.lower() for item in items)
    for word in ("three", "half", "twice", "dozen", "%", "$"):
        assert word in text
    assert any("." in item.answer for item in items)
    assert "6300" in {item.answer for item in items}  # written "#### 6,300"
    assert all(item.metadata["kind"] == "math" and "####" not in (item.solution or "") for item in items)
    assert len(load_benchmark("gsm8k-train").items) >= 10


def test_mmlu_fixture_subjects_dev_rows_and_awkward_text() -> None:
    test_items = load_benchmark("mmlu").items
    dev_items = load_benchmark("mmlu-dev").items
    subjects = {item.metadata["subject"] for item in test_items}
    assert len(subjects) >= 4
    for subject in subjects:
        assert sum(item.metadata["subject"] == subject for item in dev_items) == 5
    questions = [item.question for item in test_items]
    assert any("\n" in q for q in questions) and any('"' in q for q in questions)
    assert any("," in choice for item in test_items for choice in item.choices)
    assert {item.answer for item in test_items} == {"A", "B", "C", "D"}


def test_arc_fixture_has_numeric_labels_and_five_options() -> None:
    items = load_benchmark("arc").items
    assert any(item.labels == ("1", "2", "3", "4") for item in items)
    assert any(len(item.choices) == 5 and item.labels == tuple("ABCDE") for item in items)
    assert all(item.answer in item.labels for item in items)


def test_hellaswag_fixture_labels_spread() -> None:
    items = load_benchmark("hellaswag").items
    assert {item.answer for item in items} == {"A", "B", "C", "D"}
    assert all(len(item.choices) == 4 and item.metadata.get("subject") for item in items)
