"""Generic JSONL/CSV/Parquet benchmarks read through a field mapping given by the user.

`--field question=prompt --field answer=target --field choices=options` maps our field names to
the file's columns. `choices` may name one column holding a list (or a JSON list in CSV) or
several comma-separated columns (`choices=opt_a,opt_b,opt_c`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from detector.benchmarks.mmlu import LETTERS, multiple_choice_metadata
from detector.benchmarks.records import Record, index_from_text, parse_list_text
from detector.types import BenchmarkItem

FieldMap = Mapping[str, str]
FIELD_NAMES = ("question", "answer", "choices", "labels", "solution", "subject", "id")
REQUIRED_FIELDS = ("question", "answer")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_field_options(options: Sequence[str]) -> dict[str, str]:
    """`["question=prompt", "answer=target"]` -> {"question": "prompt", ...}.

    Raises: ValueError naming the bad option and the valid field names.
    """
    fields: dict[str, str] = {}
    for option in options:
        key, sep, column = option.partition("=")
        key, column = key.strip(), column.strip()
        if not sep or not key or not column:
            raise ValueError(f"--field {option!r}: expected NAME=COLUMN, e.g. question=prompt")
        if key not in FIELD_NAMES:
            raise ValueError(f"--field {option!r}: unknown field {key!r}; valid: {', '.join(FIELD_NAMES)}")
        fields[key] = column
    return fields


def check_field_map(fields: FieldMap) -> None:
    """Raises: ValueError when a required field is unmapped or a name is unknown."""
    unknown = sorted(set(fields) - set(FIELD_NAMES))
    if unknown:
        raise ValueError(f"unknown field names {unknown}; valid: {', '.join(FIELD_NAMES)}")
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise ValueError(
            "the generic format needs a mapping for "
            + " and ".join(missing)
            + ", e.g. --field question=prompt --field answer=target"
        )


def _list_field(record: Record, spec: str) -> list[str]:
    if "," in spec:
        return [record.text(column) for column in spec.split(",")]
    value = record.get(spec)
    if isinstance(value, str) and parse_list_text(value) is None:
        raise record.error(spec, "expected a list (a JSON or Python list literal in CSV cells)")
    return record.text_list(spec)


def _answer_label(record: Record, column: str, raw: object, choices: list[str], labels: list[str]) -> str:
    """The gold label from an index, a label or the text of a choice."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        if 0 <= raw < len(choices):
            return labels[raw]
    elif isinstance(raw, str):
        text = raw.strip()
        if text in labels:
            return text
        if text in choices:
            return labels[choices.index(text)]
        index = index_from_text(text)
        if index is not None and index < len(choices):
            return labels[index]
    raise record.error(
        column, f"answer {repr(raw)[:60]} is neither a label ({', '.join(labels)}), an index nor a choice"
    )


def parse_generic(record: Record, benchmark: str, index: int, fields: FieldMap) -> BenchmarkItem:
    """Build an item through `fields`. Raises: BenchmarkFormatError naming the file's column."""
    question = record.text(fields["question"])
    raw_answer = record.get(fields["answer"])
    choices: list[str] = _list_field(record, fields["choices"]) if "choices" in fields else []
    solution = record.text(fields["solution"]) if "solution" in fields else None
    subject = record.data.get(fields["subject"]) if "subject" in fields else None
    if choices:
        labels = (
            _list_field(record, fields["labels"]) if "labels" in fields else list(LETTERS[: len(choices)])
        )
        if len(labels) != len(choices):
            raise record.error(
                fields.get("labels", "choices"), f"{len(labels)} labels for {len(choices)} choices"
            )
        answer = _answer_label(record, fields["answer"], raw_answer, choices, labels)
        metadata = multiple_choice_metadata(record, subject if isinstance(subject, str) else None)
    else:
        if isinstance(raw_answer, bool) or not isinstance(raw_answer, str | int | float):
            raise record.error(
                fields["answer"], f"expected text or a number, found {type(raw_answer).__name__}"
            )
        if isinstance(raw_answer, float) and not math.isfinite(raw_answer):
            raise record.error(fields["answer"], f"expected a finite number, found {raw_answer}")
        answer = str(raw_answer).strip()
        if not answer:
            raise record.error(fields["answer"], "empty answer")
        labels = []
        kind = "math" if _NUMBER.fullmatch(answer.replace(",", "")) else "open"
        metadata = {"kind": kind, "source_line": str(record.line)}
        if isinstance(subject, str) and subject:
            metadata["subject"] = subject
    if "id" in fields and record.data.get(fields["id"]) is not None:
        metadata["source_id"] = str(record.data[fields["id"]])
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=question.strip(),
        answer=answer,
        choices=tuple(choices),
        labels=tuple(labels),
        solution=solution,
        metadata=metadata,
    )
