"""The variants table: one row per variant, its explicit polars schema, and byte-stable files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from detector.atomic_files import write_atomic, write_text_atomic
from detector.types import BenchmarkFormatError, BenchmarkItem, Variant

VARIANT_SCHEMA: Mapping[str, Any] = {
    "benchmark": pl.String,
    "parent_id": pl.String,
    "variant_id": pl.String,
    "family": pl.String,
    "family_version": pl.String,
    "question": pl.String,
    "choices": pl.List(pl.String),
    "labels": pl.List(pl.String),
    "answer": pl.String,
    "parent_answer": pl.String,
    "gold_changed": pl.Boolean,
    "jaccard_to_parent": pl.Float64,
    "seed": pl.Int64,
    "scoring": pl.String,
    "solution": pl.String,
    "params": pl.String,  # JSON object
    "metadata": pl.String,  # JSON object
}


def _json(value: Mapping[str, object]) -> str:
    return json.dumps(dict(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def variant_row(variant: Variant) -> dict[str, object]:
    item = variant.item
    return {
        "benchmark": item.benchmark,
        "parent_id": variant.parent_id,
        "variant_id": item.item_id,
        "family": variant.family,
        "family_version": variant.family_version,
        "question": item.question,
        "choices": list(item.choices),
        "labels": list(item.labels),
        "answer": item.answer,
        "parent_answer": variant.parent_answer,
        "gold_changed": variant.gold_changed,
        "jaccard_to_parent": variant.jaccard_to_parent,
        "seed": variant.seed,
        "scoring": variant.scoring,
        "solution": item.solution,
        "params": _json(variant.params),
        "metadata": _json(item.metadata),
    }


def canonical_jsonl(rows: list[dict[str, object]]) -> str:
    """Rows as JSON lines with sorted keys: the canonical form the set's sha256 is taken over."""
    return "".join(json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for row in rows)


def rows_to_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(VARIANT_SCHEMA), orient="row" if not rows else None)


def write_rows(rows: list[dict[str, object]], path: Path) -> Path:
    """Write atomically (temp file + rename): JSON lines for `.jsonl`, Parquet otherwise."""
    if path.suffix == ".jsonl":
        return write_text_atomic(path, canonical_jsonl(rows))
    frame = rows_to_frame(rows)
    return write_atomic(path, lambda tmp: frame.write_parquet(tmp, compression="zstd", statistics=False))


def read_rows(path: Path) -> list[dict[str, object]]:
    """Read variant rows back. Raises: BenchmarkFormatError naming file, line and field."""
    if not path.exists():
        raise BenchmarkFormatError(str(path), None, None, "no such file")
    if path.suffix == ".jsonl":
        rows = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BenchmarkFormatError(str(path), number, None, f"invalid JSON: {exc.msg}") from exc
            if not isinstance(row, dict):
                raise BenchmarkFormatError(str(path), number, None, "expected a JSON object")
            rows.append(row)
        return rows
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise BenchmarkFormatError(str(path), None, None, f"not a readable Parquet file ({exc})") from exc
    return frame.to_dicts()


def variant_from_row(row: Mapping[str, Any], path: str, line: int) -> Variant:
    """Rebuild a Variant from one row. Raises: BenchmarkFormatError for a missing or bad field."""
    for name in ("parent_id", "variant_id", "family", "question", "answer"):
        if not isinstance(row.get(name), str):
            raise BenchmarkFormatError(path, line, name, "missing or not text")
    try:
        params = json.loads(row.get("params") or "{}")
        metadata = json.loads(row.get("metadata") or "{}")
    except json.JSONDecodeError as exc:
        raise BenchmarkFormatError(path, line, "params", f"invalid JSON: {exc.msg}") from exc
    item = BenchmarkItem(
        benchmark=str(row.get("benchmark") or ""), item_id=row["variant_id"], question=row["question"],
        answer=row["answer"], choices=tuple(row.get("choices") or ()), labels=tuple(row.get("labels") or ()),
        solution=row.get("solution"), metadata=metadata,
    )
    return Variant(
        item=item, parent_id=row["parent_id"], family=row["family"],
        family_version=str(row.get("family_version") or ""), seed=int(row.get("seed") or 0), params=params,
        parent_answer=str(row.get("parent_answer") or ""), gold_changed=bool(row.get("gold_changed")),
        jaccard_to_parent=row.get("jaccard_to_parent"), scoring=str(row.get("scoring") or "answer"),
    )
