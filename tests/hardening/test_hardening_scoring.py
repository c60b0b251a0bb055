"""Scoring is bounded: a hostile reply of any length scores in linear time on a capped part."""

from __future__ import annotations

import time

import pytest

from detector.scoring import MAX_SCORED_CHARS, score_response, scored_text
from detector.types import BenchmarkItem

MATH = BenchmarkItem("b", "b/0", "q", "42", metadata={"kind": "math"})
CHOICE = BenchmarkItem(
    "b", "b/1", "q", "B", choices=("red", "green", "blue", "pink"), labels=("A", "B", "C", "D"),
    metadata={"kind": "multiple_choice"},
)  # fmt: skip
CLOZE = BenchmarkItem("b", "b/2", "q", "green apples", metadata={"kind": "cloze"})
UNITS = ["\\boxed{", "Question:\n", "<think>", "The answer is ", "answer: ", "\n", "A) ", "{", "9,"]


@pytest.mark.parametrize("unit", UNITS)
def test_a_one_megabyte_hostile_reply_scores_in_under_a_second(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    for item in (MATH, CHOICE, CLOZE):
        started = time.perf_counter()
        score_response(item, text)
        assert time.perf_counter() - started < 1.0, (unit, item.item_id)


def test_nested_boxes_and_unclosed_thinking_stay_fast() -> None:
    texts = ["\\boxed{" * 5000 + "7" + "}" * 5000, "<think>" * 3000 + "</reasoning>" * 3000]
    for text in texts:
        started = time.perf_counter()
        score_response(MATH, text)
        assert time.perf_counter() - started < 1.0


def test_the_scored_part_keeps_the_head_and_the_tail() -> None:
    filler = "blah " * (MAX_SCORED_CHARS // 2)
    assert len(scored_text("x" * 10)) == 10
    long_reply = "Let me think. " + filler + " The answer is 42."
    assert len(scored_text(long_reply)) <= MAX_SCORED_CHARS + 1
    assert score_response(MATH, long_reply).correct is True
    base_model = " 42\nQuestion: what next?\n" + filler
    assert score_response(MATH, base_model).correct is True


def test_linear_rewrites_read_answers_as_before() -> None:
    assert score_response(MATH, "<think>maybe 41</think> The answer is 42").correct is True
    assert score_response(MATH, "<THINK>maybe 41</Think> so \\boxed{\\frac{84}{2}}").correct is True
    assert score_response(MATH, "#### 42\n\n\nQuestion: next one 17").correct is True
    assert score_response(CHOICE, "B\n\nQuestion: another? Answer: C").correct is True
    assert score_response(MATH, "\\boxed{\\boxed{42}}").correct is True
