"""The lab's ground truth as benchmark files: the items the contaminated twin saw and the items
neither twin saw, each a JSONL file that `detect probe --benchmark` reads as it is.

GSM8K-style items keep their worked solution (`answer` ends in `#### N`, so the numeric family
can recompute answers); multiple-choice items use the hub layout (`question`, `choices`, `answer`
index, `subject`); other items a `question`/`answer` pair.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from detector.types import BenchmarkItem

ITEM_FILES = ("contaminated", "unseen")


def item_record(item: BenchmarkItem) -> dict[str, Any]:
    """One item as a JSON object in a format the benchmark loaders detect by its fields."""
    if item.choices and item.answer in item.labels:
        record: dict[str, Any] = {
            "question": item.question,
            "choices": list(item.choices),
            "answer": item.labels.index(item.answer),
        }
        if item.metadata.get("subject"):
            record["subject"] = item.metadata["subject"]
        return record
    if item.solution:
        return {"question": item.question, "answer": f"{item.solution}\n#### {item.answer}"}
    return {"question": item.question, "answer": item.answer}


def write_item_files(
    contaminated: Sequence[BenchmarkItem], unseen: Sequence[BenchmarkItem], folder: Path
) -> dict[str, dict[str, Any]]:
    """Write `contaminated.jsonl` and `unseen.jsonl` in `folder`; returns what each holds.

    The returned map (for lab.json) names each file and the original item ids in file order:
    the loader numbers the file's items `contaminated/0`, `contaminated/1`, ... in that order.
    """
    described: dict[str, dict[str, Any]] = {}
    for name, items in zip(ITEM_FILES, (contaminated, unseen), strict=True):
        path = folder / f"{name}.jsonl"
        lines = [json.dumps(item_record(item), ensure_ascii=False) for item in items]
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        described[name] = {"file": path.name, "item_ids": [item.item_id for item in items]}
    return described


def file_labels(item_files: object) -> dict[str, int]:
    """Membership labels of the file items: `contaminated/i` -> 1, `unseen/i` -> 0."""
    labels: dict[str, int] = {}
    if not isinstance(item_files, dict):
        return labels
    for name, label in (("contaminated", 1), ("unseen", 0)):
        entry = item_files.get(name)
        if isinstance(entry, dict) and isinstance(entry.get("item_ids"), list):
            labels.update({f"{name}/{i}": label for i in range(len(entry["item_ids"]))})
    return labels


def probe_commands(out: Path | str) -> list[str]:
    """The commands that audit both twins on the items they saw and did not see."""
    files = " ".join(f"--benchmark {Path(out) / f'{name}.jsonl'}" for name in ITEM_FILES)
    return [f"detect probe --model hf/{Path(out) / twin} {files}" for twin in ("contaminated", "clean")]
