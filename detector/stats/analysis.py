"""From a scores table to the statistics of a report: drops per family, signals, calibration, verdict.

Pure function of tables, so that `detect report RUN_DIR` rebuilds exactly what `detect probe`
wrote, and the selftest can analyse thousands of simulated runs in memory.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from detector.stats.attribution import attribution_tests
from detector.stats.calibration import ClusterOutcomes, calibrate_drop
from detector.stats.memorization import (
    CHANCE_PRIORS,
    DEFAULT_CHANCE_PRIOR,
    summarize_echo,
    summarize_stale,
    summarize_verbatim,
)
from detector.stats.paired import DEFAULT_BOOTSTRAP, PairedDrop, benjamini_hochberg, paired_drop
from detector.stats.verdict import ALPHA, decide_verdict, robustness_lines
from detector.types import stable_seed

SEED_MOD = 2**63


def clean_number(value: Any) -> Any:
    """A JSON-safe number: NaN and inf become None."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _seed(seed: int, *parts: object) -> int:
    return stable_seed(seed, "bootstrap", *parts) % SEED_MOD


def answer_rows(scores: pl.DataFrame) -> pl.DataFrame:
    """Variant rows scored by answer where both the variant and its original were answered."""
    return scores.filter(
        (pl.col("role") == "variant")
        & (pl.col("scoring") == "answer")
        & pl.col("correct").is_not_null()
        & pl.col("original_correct").is_not_null()
    )


def _drop_block(result: PairedDrop) -> dict[str, Any]:
    return {
        "n_items": result.n_items,
        "n_variants": result.n_variants,
        "acc_original": clean_number(result.acc_original),
        "acc_variant": clean_number(result.acc_variant),
        "drop": clean_number(result.drop),
        "ci_low": clean_number(result.ci_low),
        "ci_high": clean_number(result.ci_high),
        "p_value": clean_number(result.p_value),
        "min_detectable_drop": clean_number(result.min_detectable),
    }


def _paired(rows: pl.DataFrame, seed: int, n_boot: int, *parts: object) -> PairedDrop:
    return paired_drop(
        rows["parent_id"].to_numpy(),
        rows["original_correct"].to_numpy(),
        rows["correct"].to_numpy(),
        n_boot=n_boot,
        seed=_seed(seed, *parts),
    )


def cluster_outcomes_on(rows: pl.DataFrame, parents: list[str], name: str) -> ClusterOutcomes:
    """Per-parent (original, mean variant) outcomes of `rows` on the `parents` order; NaN if absent."""
    grouped = rows.group_by("parent_id").agg(
        pl.col("original_correct").first().cast(pl.Float64).alias("o"),
        pl.col("correct").cast(pl.Float64).mean().alias("v"),
    )
    lookup = {pid: (o, v) for pid, o, v in grouped.iter_rows()}
    orig = np.array([lookup.get(p, (math.nan, math.nan))[0] for p in parents], dtype=np.float64)
    var = np.array([lookup.get(p, (math.nan, math.nan))[1] for p in parents], dtype=np.float64)
    return ClusterOutcomes(name, orig, var)


def _signals(scores: pl.DataFrame, seed: int, n_boot: int) -> dict[str, Any]:
    stale_rows = scores.filter(pl.col("stale").is_not_null())
    stale = (
        summarize_stale(
            stale_rows["parent_id"].to_numpy(),
            stale_rows["stale"].to_numpy(),
            stale_rows["placebo"].to_numpy(),
            ~stale_rows["original_correct"].fill_null(False).to_numpy(),
            ~stale_rows["correct"].to_numpy(),
            family=stale_rows["family"].to_numpy(),
            chance_prior=stale_rows["kind"].replace_strict(
                CHANCE_PRIORS, default=DEFAULT_CHANCE_PRIOR, return_dtype=pl.Float64
            ).to_numpy(),
            n_boot=n_boot,
            seed=_seed(seed, "stale"),
        )
        if stale_rows.height
        else None
    )
    echo_rows = scores.filter(pl.col("jaccard_parent").is_not_null())
    echo = (
        summarize_echo(
            echo_rows["parent_id"].to_numpy(),
            echo_rows["jaccard_parent"].to_numpy(),
            echo_rows["jaccard_own"].to_numpy(),
            n_boot=n_boot,
            seed=_seed(seed, "echo"),
        )
        if echo_rows.height
        else None
    )
    cont = scores.filter((pl.col("scoring") == "continuation") & pl.col("correct").is_not_null())
    verbatim = (
        summarize_verbatim(
            cont["parent_id"].to_numpy(),
            cont["correct"].to_numpy(),
            n_boot=n_boot,
            seed=_seed(seed, "verbatim"),
        )
        if cont.height
        else None
    )
    return {"stale_answer_rate": stale, "solution_echo": echo, "verbatim_rate": verbatim, "membership": None}


def _calibrate(
    rows: pl.DataFrame, references: pl.DataFrame, families: list[dict[str, Any]], seed: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The overall calibration block and one calibrated row per benchmark x family (and 'all').

    Each row's interval is Bonferroni-adjusted over the rows, so that a large excess in one
    family cannot hide in a pooled mean and many families do not multiply false flags.
    """
    keys = [(str(f["benchmark"]), str(f["name"])) for f in families]
    alpha = 0.05 / (len(keys) + 1)

    def one(target_rows: pl.DataFrame, ref_rows: pl.DataFrame, label: str) -> dict[str, Any]:
        parents = sorted(set(target_rows["parent_id"].to_list()))
        target = cluster_outcomes_on(target_rows, parents, "target")
        refs = [
            cluster_outcomes_on(group, parents, str(name[0]))
            for name, group in sorted(ref_rows.partition_by(["reference_run"], as_dict=True).items())
        ]
        return calibrate_drop(target, refs, seed=_seed(seed, "calibration", label), alpha=alpha)

    overall = one(rows, references, "all")
    calibrated_rows: list[dict[str, Any]] = []
    if overall["calibrated"]:
        calibrated_rows.append({"label": "all families", **(overall["excess_drop"] or {})})
        for (benchmark, family), fam in zip(keys, families, strict=True):
            mask = (pl.col("benchmark") == benchmark) & (pl.col("family") == family)
            block = one(rows.filter(mask), references.filter(mask), f"{benchmark}/{family}")
            fam["excess_drop"] = block.get("excess_drop")
            if block["calibrated"]:
                calibrated_rows.append({"label": f"{benchmark} / {family}", **(block["excess_drop"] or {})})
        overall["interval_level"] = 1 - alpha
    return overall, calibrated_rows


def analyze_scores(
    scores: pl.DataFrame,
    *,
    seed: int,
    n_boot: int = DEFAULT_BOOTSTRAP,
    references: pl.DataFrame | None = None,
    membership: dict[str, Any] | None = None,
    failed_share: float | None = None,
    max_failed_share: float | None = None,
    min_parents: int | None = None,
    attribution: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Overall and per-family drops, signals, q-values, calibration and the verdict.

    Drops get their own BH q-values (shown, never evidence without references); the
    memorization signals (with `membership`, from detector.membership.table, where the model
    gave token log-probabilities) form the evidence BH family. `failed_share` of requests over
    `max_failed_share`, or fewer than `min_parents` scored parents, make the run inconclusive.
    `attribution` ({"fresh": ..., "order": ...}, detector.stats.attribution) joins the evidence
    family: a fresh-set difference in differences as a calibrated drop, order tests as memorization.
    """
    from detector.stats.verdict import MIN_SCORED_PARENTS

    rows = answer_rows(scores)
    overall = (
        _drop_block(_paired(rows, seed, n_boot, "overall"))
        if rows.height
        else _drop_block(paired_drop([], [], []))
    )
    families: list[dict[str, Any]] = []
    for (benchmark, family), group in sorted(
        rows.partition_by(["benchmark", "family"], as_dict=True).items(), key=lambda kv: (kv[0][0], kv[0][1])
    ):
        block = _drop_block(_paired(group, seed, n_boot, benchmark, family))
        families.append({"name": family, "benchmark": benchmark, **block, "q_value": None})
    drop_q = benjamini_hochberg([math.nan if f.get("p_value") is None else f["p_value"] for f in families])
    for fam, q in zip(families, drop_q, strict=True):
        fam["q_value"] = clean_number(float(q))
    signals = _signals(scores, seed, n_boot)
    signals["membership"] = membership
    tested = [s for s in signals.values() if s is not None]
    tested += attribution_tests(attribution)
    q_values = benjamini_hochberg([math.nan if t.get("p_value") is None else t["p_value"] for t in tested])
    for target, q in zip(tested, q_values, strict=True):
        target["q_value"] = clean_number(float(q))

    calibration: dict[str, Any] = {
        "calibrated": False,
        "n_references": 0,
        "excess_drop": None,
        "message": "no reference runs given: drops are robustness, not evidence",
    }
    calibrated_rows: list[dict[str, Any]] = []
    if references is not None and references.height and rows.height:
        calibration, calibrated_rows = _calibrate(rows, references, families, seed)
    calibrated = bool(calibration["calibrated"])
    excess = calibration.get("excess_drop")
    scored = scores.filter((pl.col("role") == "variant") & pl.col("correct").is_not_null())
    n_parents = scored["parent_id"].n_unique()  # answer and continuation (verbatim) probes alike
    verdict, evidence, reasons = decide_verdict(
        signals,
        calibrated_rows=calibrated_rows,
        n_parents=n_parents,
        failed_share=failed_share,
        max_failed_share=max_failed_share,
        min_parents=MIN_SCORED_PARENTS if min_parents is None else min_parents,
        attribution=attribution,
    )
    robustness = [] if calibrated else robustness_lines(families, overall)
    score_source = excess if calibrated and excess else overall
    overfitting = {
        k: clean_number(score_source.get(k if k != "estimate" or calibrated else "drop"))
        for k in ("estimate", "ci_low", "ci_high")
    }
    return {
        "verdict": verdict,
        "evidence": evidence,
        "inconclusive_reasons": reasons,
        "robustness": robustness,
        "evidence_alpha": ALPHA,
        "n_scored_parents": n_parents,
        "min_detectable_drop": overall.get("min_detectable_drop"),
        "summarised_families": sorted({str(f["name"]) for f in families}),
        "calibrated": calibrated,
        "overfitting_score": overfitting,
        "excess_drop": excess,
        "overall": overall,
        "families": families,
        "signals": signals,
        "calibration": calibration,
        "attribution": attribution,
    }
