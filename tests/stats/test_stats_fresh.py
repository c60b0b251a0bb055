"""Fresh sets: level gap, difference in differences, its test and the minimum detectable effect;
and the verdict through the fresh set."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from detector.stats.analysis import analyze_scores
from detector.stats.fresh import (
    SetOutcomes,
    compare_sets,
    fresh_analysis,
    minimum_detectable_effect,
    set_outcomes,
    set_warnings,
)


def _rows(
    benchmark: str, n: int, p_orig: float, p_var: float, seed: int, family: str = "numeric"
) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        orig = bool(rng.random() < p_orig)
        for v in range(2):
            rows.append(
                {
                    "benchmark": benchmark,
                    "family": family,
                    "parent_id": f"{benchmark}/{i}",
                    "prompt_id": f"{benchmark}/{i}/{family}/{v}",
                    "role": "variant",
                    "scoring": "answer",
                    "original_correct": orig,
                    "correct": bool(rng.random() < p_var),
                }
            )
    return rows


def _scores(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows).with_columns(
        pl.lit(None, dtype=pl.Boolean).alias("stale"),
        pl.lit(None, dtype=pl.Boolean).alias("placebo"),
        pl.lit(None, dtype=pl.Float64).alias("jaccard_parent"),
        pl.lit(None, dtype=pl.Float64).alias("jaccard_own"),
    )


def _items(specs: list[tuple[str, int, int]]) -> pl.DataFrame:
    rows = []
    for benchmark, n, length in specs:
        rows += [
            {"benchmark": benchmark, "item_id": f"{benchmark}/{i}", "question": "x" * length, "choices": []}
            for i in range(n)
        ]
    return pl.DataFrame(
        rows,
        schema={
            "benchmark": pl.String,
            "item_id": pl.String,
            "question": pl.String,
            "choices": pl.List(pl.String),
        },
    )


def test_did_recovers_the_excess_drop_and_cancels_shared_difficulty() -> None:
    # Both sets lose 20 points to variant difficulty; the public set loses 40 more (memorized).
    public = SetOutcomes(np.ones(400), np.full(400, 0.4))
    fresh = SetOutcomes(np.full(300, 0.6), np.full(300, 0.4))
    block = compare_sets(public, fresh, seed=1, n_boot=500)
    assert block["did"]["estimate"] == pytest.approx(40.0)
    assert block["level_gap"]["estimate"] == pytest.approx(40.0)
    assert block["p_value"] == 0.0  # no spread at all: the sign decides


def test_did_interval_and_test_on_noisy_sets() -> None:
    contaminated = _scores(_rows("pub", 200, 0.9, 0.4, 0) + _rows("new", 200, 0.5, 0.4, 1))
    rows = contaminated
    block = fresh_analysis(rows, _items([("pub", 200, 100), ("new", 200, 100)]), ["new"], seed=3, n_boot=1000)
    assert block is not None
    pooled = block["pooled"]
    assert 25 < pooled["did"]["estimate"] < 55 and pooled["did"]["ci_low"] > 15
    assert pooled["p_value"] < 1e-6 and 0 < pooled["mde_80"] < 20
    assert "difficulty-matched" in block["caveat"] and block["warnings"] == []
    # No excess: both sets drop alike (a brittle honest model): not significant.
    honest = _scores(_rows("pub", 200, 0.7, 0.45, 4) + _rows("new", 200, 0.7, 0.45, 5))
    null = fresh_analysis(
        honest, _items([("pub", 200, 100), ("new", 200, 100)]), ["new"], seed=3, n_boot=1000
    )
    assert null is not None and null["pooled"]["p_value"] > 0.01
    assert null["pooled"]["did"]["ci_low"] < 0 < null["pooled"]["did"]["ci_high"]


def test_did_p_values_are_uniform_under_the_null() -> None:
    p = []
    for seed in range(200):
        rows = _scores(_rows("pub", 60, 0.6, 0.4, 2 * seed) + _rows("new", 40, 0.6, 0.4, 2 * seed + 1))
        outcomes = [set_outcomes(rows.filter(pl.col("benchmark") == b)) for b in ("pub", "new")]
        p.append(compare_sets(*outcomes, seed=seed, n_boot=50)["p_value"])
    p_arr = np.array(p)
    assert 0.02 <= np.mean(p_arr <= 0.05) <= 0.10, np.mean(p_arr <= 0.05)  # level holds (Welch, n=40-60)
    assert 0.4 <= np.mean(p_arr) <= 0.6


def test_mde_shrinks_with_size() -> None:
    small = minimum_detectable_effect(0.5, 100, 0.5, 50)
    large = minimum_detectable_effect(0.5, 100, 0.5, 800)
    assert large < small
    # (z_0.99 + z_0.8) * sqrt(0.25/100 + 0.25/50) = 3.168 * 0.0866 = 27.4 points
    assert small == pytest.approx(27.44, abs=0.05)


def test_warnings_on_format_and_length() -> None:
    items = _items([("pub", 5, 100), ("new", 5, 300)])
    assert any("length" in w for w in set_warnings(items, ["pub"], ["new"]))
    mixed = pl.concat(
        [
            _items([("pub", 3, 100)]),
            pl.DataFrame(
                [{"benchmark": "new", "item_id": "new/0", "question": "x" * 100, "choices": ["a", "b"]}],
                schema={
                    "benchmark": pl.String,
                    "item_id": pl.String,
                    "question": pl.String,
                    "choices": pl.List(pl.String),
                },
            ),
        ]
    )
    assert any("format" in w for w in set_warnings(mixed, ["pub"], ["new"]))


def test_verdict_flags_through_the_did_and_not_an_honest_drop() -> None:
    items = _items([("pub", 150, 100), ("new", 150, 100)])
    contaminated = _scores(_rows("pub", 150, 0.95, 0.35, 7) + _rows("new", 150, 0.45, 0.35, 8))
    fresh = fresh_analysis(contaminated, items, ["new"], seed=0, n_boot=500)
    numbers = analyze_scores(contaminated, seed=0, n_boot=500, attribution={"fresh": fresh, "order": None})
    assert numbers["verdict"] in ("suspicious", "likely_overfit"), numbers["evidence"]
    assert any("fresh set" in line for line in numbers["evidence"])
    assert numbers["attribution"]["fresh"]["pooled"]["q_value"] is not None
    # An honest model whose variants are harder for it on both sets: the raw drop is large,
    # but the fresh set calibrates it away.
    honest = _scores(_rows("pub", 150, 0.7, 0.4, 9) + _rows("new", 150, 0.7, 0.4, 10))
    fresh = fresh_analysis(honest, items, ["new"], seed=0, n_boot=500)
    numbers = analyze_scores(honest, seed=0, n_boot=500, attribution={"fresh": fresh, "order": None})
    assert numbers["overall"]["drop"] > 20
    assert numbers["verdict"] == "no_evidence", numbers["evidence"]
    uncalibrated = analyze_scores(honest, seed=0, n_boot=500)
    assert uncalibrated["verdict"] == "no_evidence"  # without references a drop is robustness, not evidence
