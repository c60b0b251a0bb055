"""Telling a benchmark file's format from its content."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from detector.benchmarks.mmlu import CSV_COLUMNS, LETTERS

PARQUET_MAGIC = b"PAR1"


def detect_container(path: Path) -> str:
    """`jsonl`, `csv` or `parquet`, from the name's suffix or else the first bytes."""
    suffixes = [suffix.lower() for suffix in path.suffixes if suffix.lower() != ".gz"]
    last = suffixes[-1] if suffixes else ""
    if last in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if last in (".csv", ".tsv"):
        return "csv"
    if last in (".parquet", ".pq"):
        return "parquet"
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return "jsonl"  # the reader reports the unreadable path
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    return "jsonl" if head.lstrip().startswith(b"{") else "csv"


def detect_record_format(data: Mapping[str, object]) -> str | None:
    """The format whose fields a JSON/Parquet row has, or None."""
    if "entry_point" in data and "canonical_solution" in data:
        return "humaneval"
    if "test_list" in data and "code" in data:
        return "mbpp"
    if "ctx" in data and "endings" in data:
        return "hellaswag"
    if "answerKey" in data and "question" in data:
        return "arc"
    answer = data.get("answer")
    if "question" in data and isinstance(answer, str) and "####" in answer:
        return "gsm8k"
    if "question" in data and ("choices" in data or "options" in data) and "answer" in data:
        return "mmlu-hf"  # MMLU on the hub; MMLU-Pro names its choices `options`
    if has_mmlu_columns(data):
        return "mmlu"
    return None


def has_mmlu_columns(data: Mapping[str, object]) -> bool:
    """A CSV with a header in the MMLU layout: question (or input), A-D, answer (or target)."""
    keys = {str(key).strip().lower() for key in data}
    return {"a", "b", "c", "d"} <= keys and bool(keys & {"question", "input"}) and bool(
        keys & {"answer", "target"}
    )


def looks_like_mmlu_row(row: list[str]) -> bool:
    """A headerless MMLU CSV row: six columns ending in an answer letter."""
    return len(row) == len(CSV_COLUMNS) and row[-1].strip() in LETTERS[:4]
