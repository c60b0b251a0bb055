"""The text a likelihood score is taken of: an item's gold solution given its question.

`context + continuation` is exactly the document the contamination lab trains on, so the
lab's twins and any other model are scored on the same rendering.
"""

from __future__ import annotations

from detector.types import BenchmarkItem


def render_context(item: BenchmarkItem) -> str:
    """`Question: ...` (with labelled options for multiple choice) and the `Answer:` cue."""
    lines = [f"Question: {item.question.strip()}"]
    for label, choice in zip(item.labels, item.choices, strict=False):
        lines.append(f"{label}. {choice}")
    lines.append("Answer:")
    return "\n".join(lines)


def render_continuation(item: BenchmarkItem) -> str:
    """The worked solution and `#### answer` where the item has a solution, else the gold answer."""
    if item.solution:
        return f" {item.solution.strip()}\n#### {item.answer}"
    return f" {item.answer}"


def scoring_pair(item: BenchmarkItem) -> tuple[str, str]:
    """(context, continuation) for a backend's `logprobs`."""
    return render_context(item), render_continuation(item)


def render_document(item: BenchmarkItem) -> str:
    """The whole item as one text: what the contamination lab trains on."""
    return render_context(item) + render_continuation(item)
