"""Issue 14's blocks of a run's numbers: the fresh-set comparison and the order tests.

`attribution_blocks` builds them from a run directory (config.json's `fresh_benchmarks`, the
items and scores tables, and `order.json` where the model gave prompt log-probabilities);
`attribution_tests` lists the tests among them that join the run's Benjamini-Hochberg family.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import polars as pl

from detector.stats.fresh import fresh_analysis
from detector.stats.order import order_analysis

# The order tests' data (detector.membership.order.order_scores), written by the probe.
ORDER_FILE: Final = "order.json"


def attribution_tests(attribution: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The blocks that carry a p-value for the verdict's BH family (their q_value is set in place):
    the pooled fresh-set DiD and every order test."""
    if not attribution:
        return []
    tests: list[dict[str, Any]] = []
    fresh = attribution.get("fresh")
    if fresh:
        tests.append(fresh["pooled"])
    order = attribution.get("order") or {}
    tests += list(order.get("dataset_order") or []) + list(order.get("option_order") or [])
    return tests


def attribution_blocks(
    run_dir: Path, config: dict[str, Any], rows: pl.DataFrame, items: pl.DataFrame, *, seed: int, n_boot: int
) -> dict[str, Any] | None:
    """{"fresh": ..., "order": ...} for the run, or None when it has neither."""
    fresh = fresh_analysis(rows, items, list(config.get("fresh_benchmarks") or []), seed=seed, n_boot=n_boot)
    order_path = run_dir / ORDER_FILE
    order = None
    if order_path.is_file():
        try:
            data = json.loads(order_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{order_path}: cannot read the order tests' data: {exc}") from exc
        order = order_analysis(data, seed=seed)
    if fresh is None and order is None:
        return None
    return {"fresh": fresh, "order": order}
