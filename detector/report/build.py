"""Build report.json (schema_version 1) from numbers already computed and the run directory alone.

The numbers come from the analysis step (`detector.stats.analyze_run`); this module adds what
the run directory says (model, benchmarks, examples, error counts) and versions. `detect probe`
writes the tables and then `write_report`; `detect report RUN_DIR` does it again and gets the
same bytes.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from detector.tables import read_config, read_table, write_json, write_text

SCHEMA_VERSION = 1
N_EXAMPLES = 5
VERSIONED = ("polars", "numpy", "scipy", "scikit-learn", "datasketch", "rapidfuzz", "pyarrow")


def versions() -> dict[str, str | None]:
    """Versions of detect, Python and the libraries that shape the numbers."""
    found: dict[str, str | None] = {}
    for name in ("detect-overfit", *VERSIONED):
        try:
            found["detect" if name == "detect-overfit" else name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found["detect" if name == "detect-overfit" else name] = None
    found["python"] = platform.python_version()
    return found


def json_safe(value: Any) -> Any:
    """A copy with NaN/inf floats as None and numpy scalars as Python numbers (strict JSON)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def select_examples(
    scores: pl.DataFrame,
    items: pl.DataFrame,
    variants: pl.DataFrame,
    responses: pl.DataFrame,
    n: int = N_EXAMPLES,
) -> list[dict[str, Any]]:
    """Variants the model got wrong although it got the original right; stale answers first."""
    wrong = scores.filter(
        (pl.col("role") == "variant")
        & (pl.col("correct") == False)  # noqa: E712
        & (pl.col("original_correct") == True)  # noqa: E712
    ).with_columns(pl.col("stale").fill_null(False).alias("is_stale"))
    if wrong.height == 0:
        return []
    picked = wrong.sort(["is_stale", "family", "prompt_id"], descending=[True, False, False])
    picked = picked.unique(subset=["family"], keep="first", maintain_order=True).head(n)
    text = dict(zip(responses["prompt_id"].to_list(), responses["text"].to_list(), strict=True))
    item_rows = {
        row["item_id"]: row
        for row in items.select("item_id", "question", "choices", "labels").iter_rows(named=True)
    }
    var_rows = {
        row["variant_id"]: row
        for row in variants.select("variant_id", "question", "choices", "labels").iter_rows(named=True)
    }
    return [
        {
            "family": row["family"],
            "parent_id": row["parent_id"],
            "variant_id": row["prompt_id"],
            "original_question": item_rows.get(row["parent_id"], {}).get("question"),
            "variant_question": var_rows.get(row["prompt_id"], {}).get("question"),
            "original_choices": item_rows.get(row["parent_id"], {}).get("choices") or [],
            "original_labels": item_rows.get(row["parent_id"], {}).get("labels") or [],
            "variant_choices": var_rows.get(row["prompt_id"], {}).get("choices") or [],
            "variant_labels": var_rows.get(row["prompt_id"], {}).get("labels") or [],
            "original_gold": row["parent_gold"],
            "variant_gold": row["gold"],
            "original_response": text.get(row["parent_id"]),
            "variant_response": text.get(row["prompt_id"]),
        }
        for row in picked.iter_rows(named=True)
    ]


def top_errors(responses: pl.DataFrame, n: int = 3) -> list[dict[str, Any]]:
    """The most frequent request errors (the server's reason, as the backend reported it), with counts."""
    errors = responses.filter(pl.col("error").is_not_null())
    if errors.height == 0:
        return []
    counted = errors.group_by("error").len().sort(["len", "error"], descending=[True, False]).head(n)
    return [{"error": str(e), "count": int(c)} for e, c in counted.iter_rows()]


def build_report(run_dir: str | Path, stats: Mapping[str, Any]) -> dict[str, Any]:
    """report.json's content: `stats` (from `detector.stats.analyze_run`), config.json and the tables.

    Raises: ValueError / FileNotFoundError when the run directory is incomplete.
    """
    directory = Path(run_dir)
    config = read_config(directory)
    items, variants = read_table(directory, "items"), read_table(directory, "variants")
    responses, scores = read_table(directory, "responses"), read_table(directory, "scores")
    seed = int(config.get("seed", 0))
    n_failed = int(responses["error"].is_not_null().sum())
    report = {
        "schema_version": SCHEMA_VERSION,
        "model": config.get("model"),
        "benchmarks": [b["name"] if isinstance(b, dict) else b for b in config.get("benchmarks", [])],
        "seed": seed,
        "variant_set_sha256": config.get("variant_set_sha256"),
        "verdict": stats["verdict"],
        "evidence": stats["evidence"],
        "inconclusive_reasons": stats["inconclusive_reasons"],
        "robustness": stats["robustness"],
        "n_scored_parents": stats["n_scored_parents"],
        "min_detectable_drop": stats["min_detectable_drop"],
        "summarised_families": stats["summarised_families"],
        "families_not_scored": sorted(
            {str(f) for f in config.get("families") or []}
            - set(scores.filter(pl.col("correct").is_not_null())["family"].drop_nulls().to_list())
        ),
        "calibrated": stats["calibrated"],
        "overfitting_score": stats["overfitting_score"],
        "excess_drop": stats["excess_drop"],
        "overall": stats["overall"],
        "families": stats["families"],
        "signals": stats["signals"],
        "calibration": stats["calibration"],
        **({"attribution": stats["attribution"]} if stats.get("attribution") else {}),
        "examples": select_examples(scores, items, variants, responses),
        "errors": {"n_requests": responses.height, "n_failed": n_failed, "top": top_errors(responses)},
        "versions": versions(),
        "provenance": config.get("provenance"),
        "created_by": "detect probe",
    }
    from detector.overlap.join import load_attached, overlap_report

    attached = load_attached(directory)  # RUN_DIR/overlap.json, copied there by --overlap
    if attached is not None:
        report["overlap_split"] = overlap_report(scores, items, attached)
    return json_safe(report)


def write_report(run_dir: str | Path, stats: Mapping[str, Any]) -> dict[str, Any]:
    """Build report.json and report.md in `run_dir` from `stats` (atomic writes); returns the report."""
    directory = Path(run_dir)
    report = build_report(directory, stats)
    write_json(report, directory / "report.json")
    from detector.report.markdown import render_markdown

    write_text(render_markdown(report), directory / "report.md")
    return report
