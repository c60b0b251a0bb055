"""The lab's training text: generated background, decontamination, the twins' token streams."""

from __future__ import annotations

import re

import numpy as np
import pytest

from detector.lab.background import TEMPLATES, generate_background
from detector.lab.build import choose_contaminated, default_contaminate
from detector.lab.corpus import decontaminate, plan_twin_streams
from detector.lab.training import document_positions
from detector.types import BenchmarkItem

ANNOTATION = re.compile(r"<<(\d+)([-+*/])(\d+)=(\d+)>>")
OPERATIONS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
              "/": lambda a, b: a / b}


def test_generated_background_is_seeded_and_its_arithmetic_is_right() -> None:
    items = generate_background(200, seed=3)
    assert items == generate_background(200, seed=3)
    assert items != generate_background(200, seed=4)
    assert len({item.question for item in items}) > 190
    for item in items:
        assert item.solution is not None
        annotations = ANNOTATION.findall(item.solution)
        assert annotations, item.solution
        for a, op, b, result in annotations:
            assert OPERATIONS[op](int(a), int(b)) == int(result), item.solution
        assert annotations[-1][3] == item.answer


def test_every_template_is_used() -> None:
    starts = {item.question.split(" ")[1] for item in generate_background(300, seed=0)}
    assert len(TEMPLATES) >= 8 and len(starts) >= 5


def _item(index: int, question: str) -> BenchmarkItem:
    return BenchmarkItem(benchmark="t", item_id=f"t/{index}", question=question, answer="1")


def test_decontaminate_drops_background_copies_of_benchmark_questions() -> None:
    items = [_item(0, "How many apples, in all?"), _item(1, "Who won?")]
    background = [_item(5, "how many  APPLES in all"), _item(6, "Something else."), _item(7, "Who won")]
    kept, dropped = decontaminate(background, items)
    assert [doc.item_id for doc in kept] == ["t/6"]
    assert dropped == 2


def test_choose_contaminated_is_seeded_and_leaves_items_unseen() -> None:
    items = [_item(i, f"q{i}") for i in range(10)]
    first = choose_contaminated(items, 4, seed=1)
    assert first == choose_contaminated(list(reversed(items)), 4, seed=1)  # order of input does not matter
    assert first != choose_contaminated(items, 4, seed=2)
    with pytest.raises(ValueError, match="between 1 and 9"):
        choose_contaminated(items, 10, seed=1)
    assert default_contaminate(1319) == 200 and default_contaminate(48) == 24


def _count(stream: np.ndarray, doc: list[int]) -> int:
    windows = np.lib.stride_tricks.sliding_window_view(stream, len(doc))
    return int((windows == np.asarray(doc)).all(axis=1).sum())


def _documents(stream: np.ndarray, eos: int) -> list[list[int]]:
    docs, current = [], []
    for token in stream.tolist():
        if token == eos:
            docs.append(current)
            current = []
        else:
            current.append(token)
    return [doc for doc in docs if doc]


def test_twin_streams_share_background_and_differ_only_in_slots() -> None:
    eos = 0
    background = [[b, b + 1, b + 2] for b in range(10, 400, 3)]  # 130 documents, distinct tokens
    items = [[1, 2, 3, 4, 5], [6, 7, 8, 9]]
    streams = plan_twin_streams(background, items, exposures=5, total_tokens=600, eos_id=eos, seed=7)
    assert len(streams.contaminated) == len(streams.clean) == 600
    for doc in items:  # every exposure is inside the budget, and only in the contaminated twin
        assert _count(streams.contaminated, [eos, *doc, eos]) == 5
        assert _count(streams.clean, doc[:2]) == 0
    assert streams.exposures_seen == 10
    # The shared background comes in the same order in both twins: the contaminated twin's
    # documents minus the items are a subsequence of the clean twin's (which has fillers).
    shared = [doc for doc in _documents(streams.contaminated, eos) if doc not in items][:100]
    clean = iter(_documents(streams.clean, eos))
    assert all(doc in clean for doc in shared)
    fillers = [doc for doc in _documents(streams.clean, eos) if doc in background]
    assert len(fillers) > len(shared)
    again = plan_twin_streams(background, items, exposures=5, total_tokens=600, eos_id=eos, seed=7)
    assert np.array_equal(again.contaminated, streams.contaminated)
    assert np.array_equal(again.clean, streams.clean)


def test_twin_streams_refuse_contamination_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match="raise the steps"):
        plan_twin_streams([[5, 6, 7]], [[1, 2, 3]], exposures=50, total_tokens=100, eos_id=0, seed=0)
    with pytest.raises(ValueError, match="background"):
        plan_twin_streams([], [[1]], exposures=1, total_tokens=100, eos_id=0, seed=0)


def test_positions_restart_after_every_end_of_text() -> None:
    eos = 0
    stream = np.array([7, 8, eos, 5, 6, 9, eos, eos, 4, 3, 2, 1])
    assert document_positions(stream, eos, 1024).tolist() == [0, 1, 0, 1, 2, 3, 0, 0, 1, 2, 3, 4]
    # A document longer than the position table stays at the last position.
    assert document_positions(stream, eos, 3).tolist() == [0, 1, 0, 1, 2, 2, 0, 0, 1, 2, 2, 2]
