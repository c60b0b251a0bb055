"""Order exchangeability: the sharded t-test and permutation p-value, grouped-order detection,
shards, re-orderings and option permutations; and the scores drawn from a model's log-probabilities."""

from __future__ import annotations

import random

import numpy as np
import pytest

from detector.membership.order import (
    dataset_order_scores,
    default_shards,
    group_runs,
    grouped_order,
    option_order_scores,
    reorderings,
    shard_bounds,
    with_option_order,
)
from detector.stats.order import exchangeability_test, order_analysis
from detector.types import BenchmarkItem, TokenLogprobs


def test_shards_follow_oren_and_scale_to_the_data() -> None:
    assert default_shards(5000) == 50 and default_shards(48) == 12 and default_shards(3) == 1
    bounds = shard_bounds(103, 50)
    assert (
        len(bounds) == 50
        and bounds[0] == (0, 3)
        and bounds[2] == (6, 9)
        and bounds[3] == (9, 11)
        and bounds[-1][1] == 103
    )
    assert group_runs(["a", "a", "b", "a"]) == [(0, 2), (2, 3), (3, 4)]


def test_reorderings_are_distinct_and_exclude_the_canonical_order() -> None:
    all_four = reorderings(4, 50, random.Random(0))
    assert len(all_four) == 23 and (0, 1, 2, 3) not in all_four and len(set(all_four)) == 23
    sampled = reorderings(10, 30, random.Random(0))
    assert len(sampled) == 30 and len(set(sampled)) == 30 and tuple(range(10)) not in sampled


def _null_table(rng: np.random.Generator, units: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    values = rng.normal(-500, 5, size=(units, m + 1))
    return values[:, 0], values[:, 1:]


def test_p_values_are_uniform_when_the_order_is_exchangeable() -> None:
    rng = np.random.default_rng(0)
    perm_p, t_p = [], []
    for seed in range(300):
        canonical, permuted = _null_table(rng, 12, 23)
        block = exchangeability_test(canonical, permuted.tolist(), seed=seed, draws=500)
        perm_p.append(block["p_value_permutation"])
        t_p.append(block["p_value_t"])
    for p in (np.array(perm_p), np.array(t_p)):
        assert 0.02 <= np.mean(p <= 0.05) <= 0.09
        assert 0.42 <= np.mean(p) <= 0.58


def test_a_preferred_canonical_order_is_found() -> None:
    rng = np.random.default_rng(1)
    canonical, permuted = _null_table(rng, 12, 23)
    block = exchangeability_test(canonical + 12.0, permuted.tolist(), seed=0)
    assert block["p_value_permutation"] < 0.001 and block["p_value_t"] < 0.001
    assert block["p_value"] == block["p_value_permutation"] and block["fraction_canonical_best"] > 0.5
    # The permutation p-value can never be below what the draws allow.
    assert block["p_value_permutation"] >= 1 / (1 + block["draws"])


def test_grouped_files_are_told_apart_from_shuffled_ones() -> None:
    grouped = ["bio"] * 20 + ["law"] * 20 + ["math"] * 20
    assert grouped_order(grouped, seed=0)["grouped"]
    shuffled = grouped[:]
    random.Random(3).shuffle(shuffled)
    assert not grouped_order(shuffled, seed=0)["grouped"]
    assert not grouped_order([None] * 10, seed=0)["grouped"]


def _math(i: int, subject: str | None = None) -> BenchmarkItem:
    meta = {"kind": "math", **({"subject": subject} if subject else {})}
    return BenchmarkItem(
        benchmark="b", item_id=f"b/{i}", question=f"What is {i} plus {i}?", answer=str(2 * i), metadata=meta
    )


class BigramModel:
    """A stand-in scorer that knows which document followed which in a file it 'read'
    (log-likelihood -1 per character, +20 when the context's last document is the one it saw
    before this one)."""

    def __init__(self, order: list[str] | None):
        self.next = dict(zip(order, order[1:], strict=False)) if order else {}

    def __call__(self, pairs):  # type: ignore[no-untyped-def]
        out = []
        for context, continuation in pairs:
            value = -float(len(continuation))
            last = context.rstrip("\n").rsplit("\n\n", 1)[-1] if context else ""
            if any(self.next.get(k) == continuation for k in self.next if last.endswith(k[-40:])):
                value += 20.0
            out.append(TokenLogprobs(tokens=("x",), logprobs=(value,)))
        return out


def test_dataset_order_scores_catch_a_model_that_read_the_file_in_order() -> None:
    from detector.membership.texts import render_document

    items = [_math(i) for i in range(40)]
    docs = [render_document(item) for item in items]
    seen = dataset_order_scores(BigramModel(docs), items, seed=0)
    assert seen["n_shards"] == 10 and seen["shard_sizes"] == [4] * 10
    unseen = dataset_order_scores(BigramModel(None), items, seed=0)
    tests = order_analysis(
        {"dataset_order": [seen, {**unseen, "benchmark": "u"}], "option_order": []}, seed=0
    )
    assert tests is not None
    found, null = tests["dataset_order"]
    assert found["p_value"] < 0.01 and null["p_value"] > 0.2  # null: all orders alike (ties)
    assert "random" in found["assumption"]


def test_grouped_file_keeps_reorderings_inside_groups() -> None:
    items = [_math(i, subject=("bio" if i < 20 else "law")) for i in range(40)]
    scores = dataset_order_scores(BigramModel(None), items, seed=0)
    assert scores["grouping"]["grouped"] and scores["grouping"]["field"] == "subject"
    tests = order_analysis({"dataset_order": [scores], "option_order": []}, seed=0)
    assert tests is not None and "grouped by subject" in tests["dataset_order"][0]["assumption"]


def test_option_order_permutes_options_and_follows_the_gold() -> None:
    item = BenchmarkItem(
        benchmark="m",
        item_id="m/0",
        question="Pick",
        answer="B",
        choices=("w", "x", "y", "z"),
        labels=("A", "B", "C", "D"),
    )
    moved = with_option_order(item, (1, 0, 2, 3))
    assert moved.choices == ("x", "w", "y", "z") and moved.answer == "A" and moved.gold_text == "x"

    class Prefers:
        def __call__(self, pairs):  # type: ignore[no-untyped-def]
            return [
                TokenLogprobs(tokens=("x",), logprobs=(5.0 if "(A) w" in c or "A. w" in c else 0.0,))
                for _, c in pairs
            ]

    items = [item] + [
        BenchmarkItem(
            benchmark="m",
            item_id=f"m/{i}",
            question=f"Pick {i}",
            answer="A",
            choices=("w", "x", "y", "z"),
            labels=("A", "B", "C", "D"),
        )
        for i in range(1, 12)
    ]
    scores = option_order_scores(Prefers(), items, seed=0)
    assert scores is not None and scores["n_items"] == 12 and len(scores["permuted"][0]) == 11
    assert option_order_scores(Prefers(), [_math(1)], seed=0) is None


@pytest.mark.parametrize("units", [1, 2])
def test_tiny_tables_do_not_break(units: int) -> None:
    block = exchangeability_test([1.0] * units, [[0.0]] * units, seed=0, draws=100)
    assert block["n_units"] == units and block["p_value"] is not None
