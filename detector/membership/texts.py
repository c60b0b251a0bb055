"""The text a likelihood score is taken of: an item's gold solution given its question.

`context + continuation` is exactly the document the contamination lab trains on, so the
lab's twins and any other model are scored on the same rendering.
"""

from __future__ import annotations

from detector.types import BenchmarkItem

QUESTION_CUE = "Question:"


def render_context(item: BenchmarkItem) -> str:
    """`Question: ...` (with labelled options for multiple choice) and the `Answer:` cue."""
    lines = [f"{QUESTION_CUE} {item.question.strip()}"]
    for label, choice in zip(item.labels, item.choices, strict=False):
        lines.append(f"{label}. {choice}")
    lines.append("Answer:")
    return "\n".join(lines)


def render_continuation(item: BenchmarkItem) -> str:
    """The worked solution and `#### answer` where the item has a solution, else the gold answer."""
    if item.solution:
        return f" {item.solution.strip()}\n#### {item.answer}"
    return f" {item.answer}"


def scoring_pair(item: BenchmarkItem, *, with_solution: bool = True) -> tuple[str, str]:
    """(context, continuation) for a backend's `logprobs`.

    With a worked solution (and `with_solution`): the solution given the question. Otherwise
    the whole item (question, options, answer) given the `Question:` cue, so that an original
    and a variant without a solution are still compared on the same kind of text.
    """
    if with_solution and item.solution:
        return render_context(item), render_continuation(item)
    text = render_context(item) + f" {item.answer}"
    return QUESTION_CUE, text[len(QUESTION_CUE) :]


def render_document(item: BenchmarkItem) -> str:
    """The whole item as one text: what the contamination lab trains on."""
    return render_context(item) + render_continuation(item)
