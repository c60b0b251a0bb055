"""HellaSwag: JSONL with `ctx`, `endings` (four texts) and `label` (index of the right ending).

The source has no option labels, so items get A-D; the index is kept as `metadata["source_label"]`.
"""

from __future__ import annotations

from detector.benchmarks.mmlu import LETTERS, multiple_choice_metadata
from detector.benchmarks.records import Record, index_from_text
from detector.types import BenchmarkItem


def parse_hellaswag(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build an item from a HellaSwag row. Raises: BenchmarkFormatError naming the bad field."""
    context = record.text("ctx")
    endings = record.text_list("endings")
    if len(endings) > len(LETTERS):
        raise record.error("endings", f"at most {len(LETTERS)} endings supported, found {len(endings)}")
    raw = record.get("label")
    if isinstance(raw, str) and index_from_text(raw) is not None:
        raw = index_from_text(raw)
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw < len(endings):
        raise record.error("label", f"unknown label {raw!r}; expected an index 0-{len(endings) - 1}")
    activity = record.data.get("activity_label")
    metadata = multiple_choice_metadata(record, activity if isinstance(activity, str) else None)
    metadata["source_label"] = str(raw)
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=context.strip(),
        answer=LETTERS[raw],
        choices=tuple(ending.strip() for ending in endings),
        labels=LETTERS[: len(endings)],
        metadata=metadata,
    )
