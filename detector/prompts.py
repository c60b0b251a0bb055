"""Render benchmark items and variants as prompts: zero-shot by default, few-shot on request.

Every prompt asks for a final line "The answer is X" so that answers can be read back. Few-shot
examples come from the benchmark's dev or train split (found by `detector.benchmarks.shot_files`),
never from the items under test; multiple-choice examples are shown in the label scheme of the
item they precede.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from detector.benchmarks import item_kind
from detector.types import BenchmarkItem

MATH_INSTRUCTION = (
    "Solve the following math problem. Reason briefly, then end with a line of the form "
    '"The answer is N", where N is a number.'
)
CHOICE_INSTRUCTION = (
    "Answer the following multiple-choice question. End with a line of the form "
    '"The answer is X", where X is one of {labels}.'
)
CLOZE_INSTRUCTION = (
    "Answer the following question with the text of the answer. End with a line of the form "
    '"The answer is <answer>".'
)
CODE_INSTRUCTION = (
    "Complete the following Python task. Reply with the complete function (with its imports) in "
    "one ```python code block."
)
CONTINUATION_INSTRUCTION = (
    "Continue the following text exactly from where it stops. Reply with the continuation only."
)


def _choice_block(item: BenchmarkItem, labels: Sequence[str]) -> str:
    return "\n".join(f"{label}. {choice}" for label, choice in zip(labels, item.choices, strict=True))


def _shot_text(shot: BenchmarkItem, target: BenchmarkItem, kind: str) -> str | None:
    """One worked example in the target's format, or None if the shot does not fit it."""
    if kind == "multiple_choice":
        if len(shot.choices) != len(target.choices) or shot.answer not in shot.labels:
            return None
        labels = target.labels
        answer = labels[shot.labels.index(shot.answer)]
        return f"Question: {shot.question}\n{_choice_block(shot, labels)}\nAnswer: The answer is {answer}."
    if kind == "math":
        solution = _clean_solution(shot.solution or "")
        body = f"{solution}\n" if solution else ""
        return f"Problem: {shot.question}\nSolution: {body}The answer is {shot.answer}."
    if kind == "cloze":
        return f"Question: {shot.question}\nAnswer: The answer is {shot.gold_text}."
    return None


def _clean_solution(solution: str) -> str:
    """A worked solution without GSM8K's <<expr=result>> calculator annotations."""
    return re.sub(r"<<[^>]*>>", "", solution).strip()


def render_prompt(
    item: BenchmarkItem, *, scoring: str = "answer", shots: Sequence[BenchmarkItem] = ()
) -> str:
    """The prompt for `item` (an original or a variant), with optional few-shot examples."""
    kind = item_kind(item, scoring)
    if kind == "continuation":
        return f"{CONTINUATION_INSTRUCTION}\n\n{item.question}"
    if kind == "code":
        return f"{CODE_INSTRUCTION}\n\n{item.question}"
    examples = [text for shot in shots if (text := _shot_text(shot, item, kind)) is not None]
    prefix = "".join(f"{text}\n\n" for text in examples)
    if kind == "multiple_choice":
        instruction = CHOICE_INSTRUCTION.format(labels=", ".join(item.labels))
        return (
            f"{instruction}\n\n{prefix}Question: {item.question}\n{_choice_block(item, item.labels)}\nAnswer:"
        )
    if kind == "math":
        return f"{MATH_INSTRUCTION}\n\n{prefix}Problem: {item.question}\nSolution:"
    return f"{CLOZE_INSTRUCTION}\n\n{prefix}Question: {item.question}\nAnswer:"


def select_shots(pool: Sequence[BenchmarkItem], item: BenchmarkItem, n: int) -> tuple[BenchmarkItem, ...]:
    """The first `n` pool items of the item's subject (then of any subject), in file order."""
    if n <= 0 or not pool:
        return ()
    subject = item.metadata.get("subject")
    if subject is None:  # called for every item and variant: stay O(n) on big pools (GSM8K train)
        return tuple(pool[:n])
    same = [shot for shot in pool if shot.metadata.get("subject") == subject]
    if len(same) >= n:
        return tuple(same[:n])
    rest = [shot for shot in pool if shot not in same]
    return tuple((same + rest)[:n])
