"""Build report.json (schema_version 1) from a run directory's config.json and tables alone.

`detect probe` writes the tables and then calls `write_report`; `detect report RUN_DIR` calls
it again and gets the same bytes.
"""

from __future__ import annotations

import json
import math
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from detector.report.tables import read_table, write_json, write_text
from detector.stats.analysis import analyze_scores
from detector.stats.paired import DEFAULT_BOOTSTRAP

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


def read_config(run_dir: Path) -> dict[str, Any]:
    """The run's config.json. Raises: ValueError when it is missing or not a JSON object."""
    path = run_dir / "config.json"
    if not path.exists():
        raise ValueError(f"{path}: missing (is {run_dir} a `detect probe` run directory?)")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return config


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


def build_report(run_dir: str | Path) -> dict[str, Any]:
    """report.json's content, computed from config.json and the Parquet tables only.

    Raises: ValueError / FileNotFoundError when the run directory is incomplete.
    """
    directory = Path(run_dir)
    config = read_config(directory)
    items, variants = read_table(directory, "items"), read_table(directory, "variants")
    responses, scores = read_table(directory, "responses"), read_table(directory, "scores")
    references = read_table(directory, "references") if (directory / "references.parquet").exists() else None
    seed = int(config.get("seed", 0))
    n_boot = int(config.get("n_bootstrap", DEFAULT_BOOTSTRAP))
    membership = None
    if (directory / "membership.parquet").exists():
        from detector.lab.manifest import lab_for_model, read_manifest
        from detector.membership.table import membership_from_table

        lab = lab_for_model(str(config.get("model", "")))
        membership = membership_from_table(
            read_table(directory, "membership"),
            seed=seed,
            n_boot=n_boot,
            labels=read_manifest(lab).labels() if lab is not None else None,
        )
    stats = analyze_scores(scores, seed=seed, n_boot=n_boot, references=references, membership=membership)
    n_failed = int(responses["error"].is_not_null().sum())
    report = {
        "schema_version": SCHEMA_VERSION,
        "model": config.get("model"),
        "benchmarks": [b["name"] if isinstance(b, dict) else b for b in config.get("benchmarks", [])],
        "seed": seed,
        "variant_set_sha256": config.get("variant_set_sha256"),
        "verdict": stats["verdict"],
        "evidence": stats["evidence"],
        "calibrated": stats["calibrated"],
        "overfitting_score": stats["overfitting_score"],
        "excess_drop": stats["excess_drop"],
        "overall": stats["overall"],
        "families": stats["families"],
        "signals": stats["signals"],
        "calibration": stats["calibration"],
        "examples": select_examples(scores, items, variants, responses),
        "errors": {"n_requests": responses.height, "n_failed": n_failed},
        "versions": versions(),
        "created_by": "detect probe",
    }
    from detector.overlap.join import load_attached, overlap_report

    attached = load_attached(directory)  # RUN_DIR/overlap.json, copied there by --overlap
    if attached is not None:
        report["overlap_split"] = overlap_report(scores, items, attached)
    return json_safe(report)


def write_report(run_dir: str | Path) -> dict[str, Any]:
    """Build report.json and report.md in `run_dir` (atomic writes); returns the report."""
    directory = Path(run_dir)
    report = build_report(directory)
    write_json(report, directory / "report.json")
    from detector.report.markdown import render_markdown

    write_text(render_markdown(report), directory / "report.md")
    return report
