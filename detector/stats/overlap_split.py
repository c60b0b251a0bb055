"""Accuracy on items found in a training corpus vs items not found (the clean-subset analysis).

GPT-3 (Brown et al. 2020, appendix C) and lm-evaluation-harness users compare a model's
accuracy on benchmark items that occur in its training data with its accuracy on the rest.
Here: Wilson score intervals per group, Newcombe's hybrid score interval (Newcombe 1998,
method 10) for the gap (found minus not found) and a two-sided Fisher exact test of the
2x2 table (found/not found x correct/wrong). Everything is closed-form: no resampling, so
no seed, and the same tables give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

Z_95 = 1.959963984540054
MATCH_CLASSES = ("verbatim", "near")
METHOD = "Wilson 95% intervals; Newcombe hybrid score interval for the gap; two-sided Fisher exact test"


def wilson_interval(correct: int, n: int, z: float = Z_95) -> tuple[float | None, float | None]:
    """The Wilson score interval of a proportion; (None, None) when n is 0."""
    if n == 0:
        return None, None
    p = correct / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def group_block(correct: int, n: int) -> dict[str, Any]:
    """`n_items`, `n_correct`, `accuracy` and its Wilson interval."""
    low, high = wilson_interval(correct, n)
    return {
        "n_items": n, "n_correct": correct, "accuracy": correct / n if n else None,
        "ci_low": low, "ci_high": high,
    }


def gap_block(found: Mapping[str, Any], not_found: Mapping[str, Any]) -> dict[str, Any]:
    """Accuracy found minus not found: estimate, Newcombe interval and Fisher exact p-value."""
    if not found["n_items"] or not not_found["n_items"]:
        return {"estimate": None, "ci_low": None, "ci_high": None, "p_value": None}
    from scipy.stats import fisher_exact

    p1, p2 = found["accuracy"], not_found["accuracy"]
    l1, u1, l2, u2 = found["ci_low"], found["ci_high"], not_found["ci_low"], not_found["ci_high"]
    estimate = p1 - p2
    low = estimate - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = estimate + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    table = [
        [found["n_correct"], found["n_items"] - found["n_correct"]],
        [not_found["n_correct"], not_found["n_items"] - not_found["n_correct"]],
    ]
    p_value = float(fisher_exact(table, alternative="two-sided").pvalue)
    return {"estimate": estimate, "ci_low": max(-1.0, low), "ci_high": min(1.0, high), "p_value": p_value}


def split_block(outcomes: pl.DataFrame, found_ids: set[str]) -> dict[str, Any]:
    """found / not_found / gap for one set of found item ids (items in `outcomes` only)."""
    is_found = outcomes["item_id"].is_in(list(found_ids))
    correct = outcomes["correct"]
    found = group_block(int(correct.filter(is_found).sum()), int(is_found.sum()))
    not_found = group_block(int(correct.filter(~is_found).sum()), int((~is_found).sum()))
    return {"found": found, "not_found": not_found, "gap": gap_block(found, not_found)}


def original_outcomes(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per original item answered without error: item_id, benchmark, correct."""
    originals = scores.filter((pl.col("role") == "original") & pl.col("correct").is_not_null())
    return originals.select(pl.col("prompt_id").alias("item_id"), "benchmark", "correct")


def overlap_split(scores: pl.DataFrame, found: pl.DataFrame, source: Mapping[str, Any]) -> dict[str, Any]:
    """The model's accuracy on originals, split by whether the overlap scan found the item.

    `found` has one row per found item: item_id, match_class (its best: verbatim before near).
    Returns report.json's `overlap_split`: `found`, `not_found`, `gap` over every match class,
    `by_class` (each class against the items not found at all), `by_benchmark`, the method
    and the scan it came from (`source`).
    """
    outcomes = original_outcomes(scores)
    classes = dict(zip(found["item_id"].to_list(), found["match_class"].to_list(), strict=True))
    result = split_block(outcomes, set(classes))
    not_found_ids = set(outcomes["item_id"].to_list()) - set(classes)
    result["by_class"] = {}
    for match_class in MATCH_CLASSES:
        ids = {item for item, cls in classes.items() if cls == match_class}
        subset = outcomes.filter(pl.col("item_id").is_in(list(ids | not_found_ids)))
        result["by_class"][match_class] = split_block(subset, ids)
    result["by_benchmark"] = {
        name: split_block(outcomes.filter(pl.col("benchmark") == name), set(classes))
        for name in sorted(set(outcomes["benchmark"].to_list()))
    }
    result["n_found_not_in_run"] = len(set(classes) - set(outcomes["item_id"].to_list()))
    result["method"] = METHOD
    result["source"] = dict(source)
    return result
