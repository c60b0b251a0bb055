"""The run directory's files: every tidy Parquet table's explicit polars schema, and their read/write.

items (one row per original item), variants (one per variant), responses (one per prompt
asked), scores (one per prompt scored), references (one per variant row of each reference
run used for calibration), membership (one per text scored for likelihood). config.json and
report.json are read and written here too. This is the bottom floor: every step may use it,
and it imports only `detector.types` and `detector.atomic_files`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from detector.atomic_files import write_atomic, write_text_atomic
from detector.types import BenchmarkItem, InputFormatError, Variant

S, B, F = pl.Utf8, pl.Boolean, pl.Float64
LIST_S = pl.List(pl.Utf8)

ITEMS_SCHEMA: Mapping[str, pl.DataType] = {
    "benchmark": S(),
    "item_id": S(),
    "question": S(),
    "answer": S(),
    "choices": LIST_S,
    "labels": LIST_S,
    "solution": S(),
    "metadata_json": S(),
}
VARIANTS_SCHEMA: Mapping[str, pl.DataType] = {
    "variant_id": S(),
    "parent_id": S(),
    "benchmark": S(),
    "family": S(),
    "family_version": S(),
    "seed": pl.UInt64(),
    "question": S(),
    "answer": S(),
    "choices": LIST_S,
    "labels": LIST_S,
    "solution": S(),
    "scoring": S(),
    "parent_answer": S(),
    "gold_changed": B(),
    "jaccard_to_parent": F(),
    "params_json": S(),
}
RESPONSES_SCHEMA: Mapping[str, pl.DataType] = {
    "prompt_id": S(),
    "role": S(),
    "benchmark": S(),
    "parent_id": S(),
    "family": S(),
    "prompt": S(),
    "text": S(),
    "error": S(),
    "finish_reason": S(),
    "latency_s": F(),
    "cached": B(),
}
SCORES_SCHEMA: Mapping[str, pl.DataType] = {
    "prompt_id": S(),
    "role": S(),
    "benchmark": S(),
    "parent_id": S(),
    "family": S(),
    "kind": S(),
    "scoring": S(),
    "gold": S(),
    "parent_gold": S(),
    "gold_changed": B(),
    "extracted": S(),
    "correct": B(),
    "similarity": F(),
    "original_correct": B(),
    "stale": B(),
    "placebo": B(),
    "jaccard_parent": F(),
    "jaccard_own": F(),
    "execution": S(),  # code items: `passed`, or the status and reason of the failed run
}
REFERENCES_SCHEMA: Mapping[str, pl.DataType] = {
    "reference_run": S(),
    "model": S(),
    "variant_set_sha256": S(),
    "benchmark": S(),
    "family": S(),
    "parent_id": S(),
    "prompt_id": S(),
    "original_correct": B(),
    "correct": B(),
}
# Likelihood scores of originals and variants (detector.membership), for models with logprobs.
MEMBERSHIP_SCHEMA: Mapping[str, pl.DataType] = {
    "text_id": S(),
    "parent_id": S(),
    "role": S(),  # "original" or "variant"
    "family": S(),  # null for originals
    "with_solution": B(),  # the gold response includes the worked solution
    "n_tokens": pl.Int64(),
    "mean_logprob": F(),
    "min_k": F(),
    "min_k_plus_plus": F(),
    "error": S(),
}
TABLES: Mapping[str, Mapping[str, pl.DataType]] = {
    "items": ITEMS_SCHEMA,
    "variants": VARIANTS_SCHEMA,
    "responses": RESPONSES_SCHEMA,
    "scores": SCORES_SCHEMA,
    "references": REFERENCES_SCHEMA,
    "membership": MEMBERSHIP_SCHEMA,
}


def frame(rows: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]], name: str) -> pl.DataFrame:
    """A DataFrame of table `name` with its explicit schema (rows or columns)."""
    schema = dict(TABLES[name])
    if isinstance(rows, Mapping):
        return pl.DataFrame(dict(rows), schema=schema)
    return pl.DataFrame([dict(row) for row in rows], schema=schema)


def items_frame(items: Sequence[BenchmarkItem]) -> pl.DataFrame:
    return frame(
        [
            {
                "benchmark": it.benchmark,
                "item_id": it.item_id,
                "question": it.question,
                "answer": it.answer,
                "choices": list(it.choices),
                "labels": list(it.labels),
                "solution": it.solution,
                "metadata_json": json.dumps(dict(it.metadata), sort_keys=True),
            }
            for it in items
        ],
        "items",
    )


def variants_frame(variants: Sequence[Variant]) -> pl.DataFrame:
    return frame(
        [
            {
                "variant_id": v.variant_id,
                "parent_id": v.parent_id,
                "benchmark": v.item.benchmark,
                "family": v.family,
                "family_version": v.family_version,
                "seed": v.seed,
                "question": v.item.question,
                "answer": v.item.answer,
                "choices": list(v.item.choices),
                "labels": list(v.item.labels),
                "solution": v.item.solution,
                "scoring": v.scoring,
                "parent_answer": v.parent_answer,
                "gold_changed": v.gold_changed,
                "jaccard_to_parent": v.jaccard_to_parent,
                "params_json": json.dumps(dict(v.params), sort_keys=True),
            }
            for v in variants
        ],
        "variants",
    )


def write_table(df: pl.DataFrame, run_dir: Path, name: str) -> Path:
    """Write `name`.parquet atomically after checking the frame has the table's schema.

    Raises: ValueError when the frame's schema differs from the table's.
    """
    expected = pl.Schema(TABLES[name])
    if df.schema != expected:
        raise ValueError(f"{name} table schema {df.schema} differs from {expected}")
    path = run_dir / f"{name}.parquet"
    write_atomic(path, df.write_parquet)
    return path


def read_table(run_dir: Path, name: str) -> pl.DataFrame:
    """Read `name`.parquet of a run directory, cast to the table's schema.

    Raises: FileNotFoundError naming the missing file; InputFormatError (a ValueError) naming
    the file and column for a truncated, unreadable or wrongly typed table.
    """
    path = run_dir / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing (is {run_dir} a `detect probe` run directory?)")
    try:
        table = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputFormatError(str(path), None, None, f"cannot read the table ({reason})") from None
    columns = []
    for column, dtype in TABLES[name].items():
        if column not in table.columns:
            raise InputFormatError(str(path), None, column, "column missing")
        try:
            columns.append(table.get_column(column).cast(dtype))
        except pl.exceptions.PolarsError:
            found = table.schema[column]
            raise InputFormatError(str(path), None, column, f"expected {dtype}, found {found}") from None
    return pl.DataFrame(columns)


def write_json(data: Mapping[str, Any], path: Path) -> None:
    """Write JSON atomically, keys in insertion order, UTF-8, ending with a newline."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_text_atomic(path, text)


def write_text(text: str, path: Path) -> None:
    """Write text atomically as UTF-8."""
    write_text_atomic(path, text)


def read_json_object(path: Path, folder_kind: str) -> dict[str, Any]:
    """A JSON file that must hold one object, such as a run's config.json.

    Raises: ValueError naming the file (and line) when it is missing, not JSON, or not an object;
    `folder_kind` says what its folder should be ("a `detect probe` run directory").
    """
    if not path.exists():
        raise ValueError(f"{path}: missing (is {path.parent} {folder_kind}?)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise ValueError(f"{path}: not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def read_config(run_dir: Path) -> dict[str, Any]:
    """The run's config.json. Raises: ValueError when it is missing or not a JSON object."""
    return read_json_object(run_dir / "config.json", "a `detect probe` run directory")
