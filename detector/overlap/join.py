"""Copy what a run's report needs from an overlap scan into the run directory (`overlap.json`).

`detect probe --overlap DIR` and `detect report RUN_DIR --overlap DIR` call `attach_overlap`:
it reads DIR/matches.parquet and DIR/summary.json and writes RUN_DIR/overlap.json with the
items found (best match class per item: verbatim before near; the best match's document,
similarity and snippet) and where they came from. The report is then built from the run
directory alone, so a later `detect report RUN_DIR` gives the same report.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from detector.atomic_files import write_text_atomic
from detector.overlap.display import safe_location, sanitize_text
from detector.tables import read_json_object

OVERLAP_FILE = "overlap.json"
CLASS_RANK = {"verbatim": 0, "near": 1}


SCAN_FOLDER = "a `detect overlap` output directory"


def best_matches(matches: pl.DataFrame) -> pl.DataFrame:
    """One row per (benchmark, item): verbatim first, then the highest verified similarity."""
    if matches.height == 0:
        return matches
    ranked = matches.with_columns(pl.col("match_class").replace_strict(CLASS_RANK, default=9).alias("_rank"))
    ranked = ranked.sort(["benchmark", "item_id", "_rank", "verified_similarity", "corpus_file", "doc_id"],
                         descending=[False, False, False, True, False, False])
    return ranked.unique(subset=["benchmark", "item_id"], keep="first", maintain_order=True).drop("_rank")


def read_overlap(overlap_dir: str | Path) -> dict[str, Any]:
    """The content of overlap.json from a scan's output directory.

    Raises: ValueError naming the file when matches.parquet or summary.json is missing or bad.
    """
    directory = Path(overlap_dir)
    summary = read_json_object(directory / "summary.json", SCAN_FOLDER)
    path = directory / "matches.parquet"
    if not path.exists():
        raise ValueError(f"{path}: missing (is {directory} a `detect overlap` output directory?)")
    try:
        matches = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise ValueError(f"{path}: cannot read ({error})") from None
    needed = {"item_id", "benchmark", "match_class", "verified_similarity", "doc_id", "corpus_file",
              "snippet"}
    missing = sorted(needed - set(matches.columns))
    if missing:
        raise ValueError(f"{path}: column {missing[0]!r} missing")
    found = [
        {
            "benchmark": row["benchmark"], "item_id": row["item_id"], "match_class": row["match_class"],
            "verified_similarity": row["verified_similarity"], "doc_id": sanitize_text(row["doc_id"]),
            "corpus_file": safe_location(row["corpus_file"]), "snippet": sanitize_text(row["snippet"]),
        }
        for row in best_matches(matches).iter_rows(named=True)
    ]
    source = {
        "overlap_dir": str(overlap_dir), "method": summary.get("method"),
        "documents": summary.get("documents"), "bytes_scanned": summary.get("bytes_scanned"),
    }
    return {"source": source, "found": found}


def attach_overlap(run_dir: str | Path, overlap_dir: str | Path) -> Path:
    """Write RUN_DIR/overlap.json from the scan in `overlap_dir` (atomically); returns its path."""
    content = read_overlap(overlap_dir)
    target = Path(run_dir) / OVERLAP_FILE
    write_text_atomic(target, json.dumps(content, indent=2, ensure_ascii=False) + "\n")
    return target


def load_attached(run_dir: str | Path) -> dict[str, Any] | None:
    """RUN_DIR/overlap.json, or None when the run has no overlap scan attached."""
    path = Path(run_dir) / OVERLAP_FILE
    if not path.exists():
        return None
    data = read_json_object(path, "a `detect probe` run directory")
    if not isinstance(data.get("found"), list):
        raise ValueError(f"{path}: field 'found' missing or not a list")
    return data


TOP_MATCHES = 10


def _item_text(row: dict[str, Any]) -> str:
    choices = row.get("choices") or []
    return "\n".join([row.get("question") or "", *choices, row.get("solution") or ""])


def overlap_report(scores: pl.DataFrame, items: pl.DataFrame, attached: dict[str, Any]) -> dict[str, Any]:
    """report.json's `overlap_split`: the accuracy split (`detector.stats.overlap_split`) plus the
    top matches of the run's items (best first) with their snippets' matched words marked."""
    from detector.overlap.display import marked_segments
    from detector.stats.overlap_split import overlap_split

    found_rows = [row for row in attached["found"] if isinstance(row, dict) and "item_id" in row]
    run_items = {row["item_id"]: row for row in items.iter_rows(named=True)}
    found = pl.DataFrame(
        {"item_id": [r["item_id"] for r in found_rows],
         "match_class": [r.get("match_class") for r in found_rows]},
        schema={"item_id": pl.String, "match_class": pl.String},
    )
    result = overlap_split(scores, found, attached.get("source") or {})
    in_run = [r for r in found_rows if r["item_id"] in run_items]
    in_run.sort(key=lambda r: (CLASS_RANK.get(r.get("match_class") or "", 9),
                               -float(r.get("verified_similarity") or 0.0), r["item_id"]))
    result["top_matches"] = [
        {
            "item_id": r["item_id"], "match_class": r.get("match_class"),
            "verified_similarity": r.get("verified_similarity"), "doc_id": r.get("doc_id"),
            "corpus_file": r.get("corpus_file"),
            "snippet": [[piece, flag] for piece, flag in
                        marked_segments(str(r.get("snippet") or ""), _item_text(run_items[r["item_id"]]))],
        }
        for r in in_run[:TOP_MATCHES]
    ]
    return result
