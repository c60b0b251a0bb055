"""MMLU as released (headerless CSV: question, A, B, C, D, answer letter) and as on the hub
(`question`, `choices`, `answer` index, `subject`)."""

from __future__ import annotations

import re
from pathlib import Path

from detector.benchmarks.records import Record, index_from_text, read_csv_rows
from detector.types import BenchmarkFormatError, BenchmarkItem

LETTERS = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J")
CSV_COLUMNS = ("question", "A", "B", "C", "D", "answer")
_SPLIT_SUFFIX = re.compile(r"_(test|dev|val|validation|train)$")


def subject_from_path(path: str | Path) -> str:
    """`astronomy` from `astronomy_test.csv` or `mmlu_astronomy_dev.csv`."""
    stem = _SPLIT_SUFFIX.sub("", Path(path).name.split(".")[0])
    return stem.removeprefix("mmlu_")


def read_mmlu_csv(path: Path, rows: list[tuple[int, list[str]]] | None = None) -> list[Record]:
    """Records of a headerless MMLU CSV. Raises: BenchmarkFormatError on a wrong column count."""
    records = []
    for line, row in read_csv_rows(path) if rows is None else rows:
        if len(row) != len(CSV_COLUMNS):
            raise BenchmarkFormatError(
                str(path),
                line,
                None,
                f"expected 6 columns (question, A, B, C, D, answer letter), found {len(row)}",
            )
        records.append(Record(str(path), line, dict(zip(CSV_COLUMNS, row, strict=True))))
    return records


def _item(
    record: Record,
    benchmark: str,
    index: int,
    question: str,
    choices: list[str],
    answer: str,
    subject: object,
) -> BenchmarkItem:
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=question,
        answer=answer,
        choices=tuple(choices),
        labels=LETTERS[: len(choices)],
        metadata=multiple_choice_metadata(record, subject if isinstance(subject, str) else None),
    )


def multiple_choice_metadata(record: Record, subject: str | None) -> dict[str, str]:
    """The metadata every multiple-choice item carries; `subject` only where known."""
    metadata = {"kind": "multiple_choice", "source_line": str(record.line)}
    if subject:
        metadata["subject"] = subject
    return metadata


def _column(record: Record, *names: str) -> str:
    """The record's column named like one of `names` (any case, spaces trimmed); the first name if none."""
    by_name = {str(key).strip().lower(): str(key) for key in record.data}
    return next((by_name[name] for name in names if name in by_name), names[0])


def parse_mmlu_csv(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build an item from a row of an MMLU CSV, released (headerless) or with a header row
    (question/input, A-D, answer/target, optional subject); the subject defaults to the file name."""
    question = record.text(_column(record, "question", "input"))
    choices = [record.text(_column(record, letter.lower())) for letter in LETTERS[:4]]
    answer_column = _column(record, "answer", "target")
    answer = record.text(answer_column).strip().upper()
    if answer not in LETTERS[:4]:
        raise record.error(answer_column, f"unknown answer letter {answer!r}; expected one of A, B, C, D")
    subject = record.data.get(_column(record, "subject"))
    if not isinstance(subject, str) or not subject.strip():
        subject = subject_from_path(record.path)
    return _item(record, benchmark, index, question, choices, answer, subject.strip())


def parse_mmlu_hf(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build an item from a hub-style MMLU row: `answer` is a 0-based index (or a letter).

    MMLU-Pro rows (`options` with up to ten texts, `answer` letter, `category`) are read too.
    """
    question = record.text("question")
    choices_field = "choices" if "choices" in record.data or "options" not in record.data else "options"
    choices = record.text_list(choices_field)
    if len(choices) > len(LETTERS):
        raise record.error(choices_field, f"at most {len(LETTERS)} choices supported, found {len(choices)}")
    raw = record.get("answer")
    labels = LETTERS[: len(choices)]
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < len(choices):
        answer = labels[raw]
    elif isinstance(raw, str) and raw.strip() in labels:
        answer = raw.strip()
    elif isinstance(raw, str) and (position := index_from_text(raw)) is not None and position < len(choices):
        answer = labels[position]
    else:
        raise record.error("answer", f"unknown answer {raw!r}; expected an index 0-{len(choices) - 1}")
    subject = record.data.get("subject", record.data.get("category"))  # MMLU-Pro: `category`
    return _item(record, benchmark, index, question, choices, answer, subject)
