"""Log-likelihoods of a benchmark in its published order and in re-orderings (the order tests'
data; the tests themselves are in detector.stats.order).

Dataset order: the benchmark is cut into contiguous shards (Oren et al. 2023). A shard's
log-likelihood in an order is scored item by item, each item given the item before it
(`logp(d1) + sum_j logp(d_j | d_{j-1})`): what a model learns from a file read in order is
which item follows which, and a pair fits any model's context where a whole shard may not. The
pairs are shared between orderings, so every re-ordering of a short shard is affordable.

Option order: a multiple-choice item's whole text (question, options, answer) with its options
in the canonical order and in permutations (the gold label follows its option).

Items are rendered as the lab trains on them and as `detect probe` asks them
(`detector.membership.texts.render_document`); documents in a file are joined by a blank line.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from detector.membership.likelihood import LogprobsFn
from detector.membership.texts import render_document
from detector.types import BenchmarkItem, stable_seed

DOCUMENT_SEPARATOR = "\n\n"
SHARD_PERMUTATIONS = 50
OPTION_PERMUTATIONS = 11
MIN_ORDER_ITEMS = 8
# The previous item, as context, is cut to its last characters so that a pair fits the context.
CONTEXT_CHARS = 1500
OREN_SHARDS = 50
MIN_PER_SHARD = 4
GROUP_FIELDS = ("subject", "source", "category")
GROUPED_ALPHA = 0.001


def default_shards(n_items: int, *, max_shards: int = OREN_SHARDS, min_per_shard: int = MIN_PER_SHARD) -> int:
    """Oren's 50 shards, fewer where that would leave fewer than `min_per_shard` items in one."""
    return max(1, min(max_shards, n_items // min_per_shard))


def shard_bounds(n_items: int, n_shards: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) shards; the first n_items % n_shards are one item longer (as Oren)."""
    base, extra = divmod(n_items, n_shards)
    bounds, start = [], 0
    for i in range(n_shards):
        end = start + base + (1 if i < extra else 0)
        bounds.append((start, end))
        start = end
    return [(a, b) for a, b in bounds if b > a]


def group_runs(labels: Sequence[str | None]) -> list[tuple[int, int]]:
    """Maximal [start, end) runs of equal labels, in order."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            runs.append((start, i))
            start = i
    return runs


def grouped_order(labels: Sequence[str | None], *, seed: int, draws: int = 2000) -> dict[str, Any]:
    """Whether a file's order is grouped by `labels` (subject, source): neighbours share a label
    far more often than in a random order. Returns the counts, a permutation p-value and `grouped`.
    """
    known = [label for label in labels if label]
    block: dict[str, Any] = {
        "n_labels": len(set(known)),
        "same_neighbours": None,
        "expected": None,
        "p_value": None,
        "grouped": False,
    }
    if len(known) < 3 or len(set(known)) < 2:
        return block
    codes = np.unique(np.asarray(known), return_inverse=True)[1].reshape(-1)
    same = int(np.sum(codes[1:] == codes[:-1]))
    rng = np.random.default_rng(seed)
    null = np.array([np.sum(np.diff(rng.permutation(codes)) == 0) for _ in range(draws)])
    p_value = float((1 + np.sum(null >= same)) / (1 + draws))
    block.update(
        same_neighbours=same, expected=float(null.mean()), p_value=p_value,
        grouped=bool(p_value <= GROUPED_ALPHA and same > 1.5 * null.mean()),
    )  # fmt: skip
    return block


def group_labels(items: Sequence[BenchmarkItem]) -> tuple[str | None, list[str | None]]:
    """The metadata field that names a group (subject, source, ...) and each item's label."""
    for name in GROUP_FIELDS:
        labels = [item.metadata.get(name) for item in items]
        if len({label for label in labels if label}) >= 2:
            return name, labels
    return None, [None] * len(items)


def reorderings(k: int, m: int, rng: random.Random) -> list[tuple[int, ...]]:
    """Up to `m` distinct non-identity orders of k things: all of them when there are few."""
    identity = tuple(range(k))
    if k < 2:
        return []
    if math.factorial(k) - 1 <= m:
        return [p for p in itertools.permutations(range(k)) if p != identity]
    seen: set[tuple[int, ...]] = set()
    out: list[tuple[int, ...]] = []
    while len(out) < m:
        order = list(range(k))
        rng.shuffle(order)
        candidate = tuple(order)
        if candidate != identity and candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out


def _total(scored: Any) -> float:
    if scored.error or not scored.logprobs:
        return math.nan
    return float(sum(scored.logprobs))


def _shard_plan(items: Sequence[BenchmarkItem], n_shards: int | None, seed: int) -> dict[str, Any]:
    field, labels = group_labels(items)
    grouping = grouped_order(labels, seed=stable_seed(seed, "grouped-order") % 2**32)
    grouping["field"] = field
    n = n_shards or default_shards(len(items))
    if grouping["grouped"]:
        # Re-orderings stay inside a group: shards are cut inside each run of one label.
        bounds = []
        for start, end in group_runs(labels):
            size = end - start
            pieces = max(1, round(n * size / len(items)))
            pieces = min(pieces, max(1, size // 2))
            bounds += [(start + a, start + b) for a, b in shard_bounds(size, pieces)]
    else:
        bounds = shard_bounds(len(items), n)
    return {"bounds": [b for b in bounds if b[1] - b[0] >= 2], "grouping": grouping}


def dataset_order_scores(
    logprobs: LogprobsFn,
    items: Sequence[BenchmarkItem],
    *,
    seed: int,
    n_shards: int | None = None,
    permutations: int = SHARD_PERMUTATIONS,
) -> dict[str, Any]:
    """Canonical and re-ordered log-likelihoods of every shard of `items` (in file order)."""
    docs = [render_document(item) for item in items]
    plan = _shard_plan(items, n_shards, seed)
    shard_orders: list[list[tuple[int, ...]]] = []
    needed: set[tuple[str, str]] = set()
    for index, (start, end) in enumerate(plan["bounds"]):
        rng = random.Random(stable_seed(seed, "dataset-order", items[start].benchmark, index))
        orders = [tuple(range(end - start)), *reorderings(end - start, permutations, rng)]
        shard_orders.append(orders)
        for order in orders:
            needed.update(_pairs(docs, start, order))
    pairs = sorted(needed)
    values = dict(zip(pairs, (_total(s) for s in logprobs(pairs)), strict=True))
    canonical, permuted = [], []
    for (start, _), orders in zip(plan["bounds"], shard_orders, strict=True):
        totals = [sum(values[p] for p in _pairs(docs, start, order)) for order in orders]
        canonical.append(totals[0])
        permuted.append(totals[1:])
    return {
        "benchmark": items[0].benchmark if items else "",
        "n_items": len(items),
        "n_shards": len(plan["bounds"]),
        "shard_sizes": [end - start for start, end in plan["bounds"]],
        "permutations_per_shard": permutations,
        "grouping": plan["grouping"],
        "canonical": canonical,
        "permuted": permuted,
    }


def _pairs(docs: Sequence[str], start: int, order: Sequence[int]) -> list[tuple[str, str]]:
    seq = [docs[start + i] for i in order]
    out = [("", seq[0])]
    for before, doc in itertools.pairwise(seq):
        out.append((before[-CONTEXT_CHARS:] + DOCUMENT_SEPARATOR, doc))
    return out


def with_option_order(item: BenchmarkItem, order: Sequence[int]) -> BenchmarkItem:
    """`item` with its options in `order` (labels stay in place; the gold label follows its option)."""
    choices = tuple(item.choices[i] for i in order)
    gold = item.labels.index(item.answer) if item.answer in item.labels else None
    answer = item.labels[list(order).index(gold)] if gold is not None else item.answer
    return replace(item, choices=choices, answer=answer)


def option_order_scores(
    logprobs: LogprobsFn,
    items: Sequence[BenchmarkItem],
    *,
    seed: int,
    permutations: int = OPTION_PERMUTATIONS,
) -> dict[str, Any] | None:
    """Each multiple-choice item's log-likelihood in its option order and in permutations; None
    when `items` has no multiple-choice item with two or more options."""
    chosen = [
        item
        for item in items
        if item.is_multiple_choice and len(item.choices) >= 2 and len(item.labels) == len(item.choices)
    ]
    if not chosen:
        return None
    texts: list[list[str]] = []
    for item in chosen:
        rng = random.Random(stable_seed(seed, "option-order", item.item_id))
        orders = [tuple(range(len(item.choices))), *reorderings(len(item.choices), permutations, rng)]
        texts.append([render_document(with_option_order(item, order)) for order in orders])
    flat = sorted({("", text) for group in texts for text in group})
    values = dict(zip(flat, (_total(s) for s in logprobs(flat)), strict=True))
    canonical = [values[("", group[0])] for group in texts]
    permuted = [[values[("", text)] for text in group[1:]] for group in texts]
    return {
        "benchmark": chosen[0].benchmark,
        "n_items": len(chosen),
        "permutations_per_item": permutations,
        "canonical": canonical,
        "permuted": permuted,
    }


def order_scores(
    logprobs: LogprobsFn,
    items: Sequence[BenchmarkItem],
    *,
    seed: int,
    skip_benchmarks: Sequence[str] = (),
    n_shards: int | None = None,
) -> dict[str, Any]:
    """Both order tests' data for each benchmark of `items` (in their file order) not skipped
    (fresh sets are not tested: their order carries no claim). Benchmarks with fewer than
    MIN_ORDER_ITEMS items are left out."""
    by_benchmark: dict[str, list[BenchmarkItem]] = {}
    for item in items:
        if item.benchmark not in skip_benchmarks:
            by_benchmark.setdefault(item.benchmark, []).append(item)
    dataset, options = [], []
    for name in sorted(by_benchmark):
        group = by_benchmark[name]
        if len(group) < MIN_ORDER_ITEMS:
            continue
        dataset.append(dataset_order_scores(logprobs, group, seed=seed, n_shards=n_shards))
        option = option_order_scores(logprobs, group, seed=seed)
        if option is not None:
            options.append(option)
    return {"dataset_order": dataset, "option_order": options}
