"""ARC: JSONL with `question.stem`, `question.choices[{label, text}]` and `answerKey`.

Labels are kept as in the source (A-E or 1-4). The hub layout (`question` text,
`choices{text, label}`) is read too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from detector.benchmarks.mmlu import multiple_choice_metadata
from detector.benchmarks.records import Record
from detector.types import BenchmarkItem


def _label_text(value: object) -> object:
    """Labels and answer keys written as numbers (1, 2.0) become their text ("1", "2")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _choices_from_list(record: Record, raw: object) -> tuple[list[str], list[str]]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise record.error("question.choices", "expected a non-empty list of {label, text}")
    labels, texts = [], []
    for position, choice in enumerate(raw):
        where = f"question.choices[{position}]"
        if not isinstance(choice, Mapping):
            raise record.error(where, "expected an object with 'label' and 'text'")
        label, text = _label_text(choice.get("label")), choice.get("text")
        if not isinstance(label, str) or not label.strip():
            raise record.error(f"{where}.label", "missing or empty label")
        if not isinstance(text, str) or not text.strip():
            raise record.error(f"{where}.text", "missing or empty text")
        labels.append(label.strip())
        texts.append(text)
    return labels, texts


def _choices_from_columns(record: Record, raw: Mapping[str, object]) -> tuple[list[str], list[str]]:
    label_values = raw.get("label")
    if isinstance(label_values, Sequence) and not isinstance(label_values, str):
        raw = {**raw, "label": [_label_text(label) for label in label_values]}
    sub = Record(record.path, record.line, raw)
    labels, texts = sub.text_list("label"), sub.text_list("text")
    if len(labels) != len(texts):
        raise record.error("choices", f"{len(labels)} labels but {len(texts)} texts")
    return [label.strip() for label in labels], texts


def parse_arc(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build an item from an ARC row. Raises: BenchmarkFormatError naming the bad field."""
    raw_question = record.get("question")
    if isinstance(raw_question, Mapping):
        stem = raw_question.get("stem")
        if not isinstance(stem, str) or not stem.strip():
            raise record.error("question.stem", "missing or empty")
        labels, texts = _choices_from_list(record, raw_question.get("choices"))
    elif isinstance(raw_question, str) and isinstance(record.data.get("choices"), Mapping):
        stem = record.text("question")
        labels, texts = _choices_from_columns(record, record.data["choices"])  # type: ignore[arg-type]
    elif isinstance(raw_question, str) and isinstance(record.data.get("choices"), Sequence):
        stem = record.text("question")  # flattened exports: choices as a list of {label, text}
        labels, texts = _choices_from_list(record, record.data["choices"])
    else:
        raise record.error("question", "expected an object with 'stem' and 'choices'")
    if len(set(labels)) != len(labels):
        raise record.error("question.choices", f"duplicate labels {labels}")
    answer_value = _label_text(record.get("answerKey"))
    if not isinstance(answer_value, str) or not answer_value.strip():
        raise record.error("answerKey", f"expected a label, found {answer_value!r}")
    answer = answer_value.strip()
    if answer not in labels:
        raise record.error(
            "answerKey", f"unknown answer label {answer!r}; expected one of {', '.join(labels)}"
        )
    metadata = multiple_choice_metadata(record, None)
    if isinstance(record.data.get("id"), str):
        metadata["source_id"] = str(record.data["id"])
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=stem.strip(),
        answer=answer,
        choices=tuple(texts),
        labels=tuple(labels),
        metadata=metadata,
    )
