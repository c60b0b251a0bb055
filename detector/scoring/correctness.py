"""Score one model output against an item's gold answer.

An item is scored by its kind: math (numeric answer, compared as numbers), multiple choice
(the chosen label in the prompt's label scheme), cloze (the gold option's text), or a
continuation (rapidfuzz similarity of the output to the real rest of the item).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from rapidfuzz import fuzz

from detector.benchmarks import item_kind
from detector.scoring.choices import extract_choice
from detector.scoring.numbers import extract_number, numbers_equal
from detector.text import plain_text
from detector.types import BenchmarkItem

# The most of one reply that is scored: its first and last MAX_SCORED_CHARS // 2 characters.
# A base model answers at the start, a reasoning model at the end; the full reply is still stored.
MAX_SCORED_CHARS = 32_000
# A continuation at least this similar (0-1, rapidfuzz ratio) to the real rest is verbatim.
VERBATIM_THRESHOLD = 0.9
# A cloze answer at least this similar (0-1) to the gold option text counts as that option.
CLOZE_THRESHOLD = 0.9

_ANSWER_SPAN_RE = re.compile(r"answer\s*(?:is|:)\s*(.+)", re.IGNORECASE | re.DOTALL)
# Reasoning models served raw (DeepSeek-R1, QwQ, Qwen3 ...) think aloud before answering.
_THINK_OPEN_RE = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_THINK_CLOSE_RE = re.compile(r"</(think|thinking|reasoning)>", re.IGNORECASE)


# A base model on /completions goes on after its answer with a new example in the prompt's format.
# (Blank lines before the new example are skipped by matching at its last newline: linear time.)
_NEXT_EXAMPLE_RE = re.compile(r"\n[^\S\n]*(?:Problem|Question|Q)[^\S\n]*:", re.IGNORECASE)
_ANSWER_GIVEN_RE = re.compile(r"answer\s*(?:is|:)|####|\\boxed", re.IGNORECASE)


_SHORT_ANSWER_RE = re.compile(r"[^\n]{0,40}\d[^\n]{0,40}|[\s\*\(\[]*\w{1,4}[\s\*\)\]\.]*")
_SHORT_ANSWER_MAX = 200  # longer than any text _SHORT_ANSWER_RE accepts in practice


def scored_text(text: str) -> str:
    """The part of a reply that is scored: all of it, or its head and tail past MAX_SCORED_CHARS."""
    if len(text) <= MAX_SCORED_CHARS:
        return text
    half = MAX_SCORED_CHARS // 2
    return text[:half] + "\n" + text[-half:]


def cut_next_example(text: str) -> str:
    """`text` up to where the model starts a new "Problem:"/"Question:" after having answered.

    It has answered when an answer marker comes before, or all before is a short answer
    (" B", " 18 apples") as base models give after a prompt ending in "Answer:".
    """
    given = _ANSWER_GIVEN_RE.search(text)
    for match in _NEXT_EXAMPLE_RE.finditer(text):
        if given is not None and given.end() <= match.start():
            return text[: match.start()]
        if match.start() > _SHORT_ANSWER_MAX + len(text) - len(text.lstrip()):
            if given is None:
                return text  # past any short answer and no marker anywhere before: nothing to cut
            continue
        before = text[: match.start()]
        if _SHORT_ANSWER_RE.fullmatch(before.strip()):
            return before
    return text


def answer_part(text: str) -> str:
    """The part of an output that holds its answer: no thinking blocks, no run-on next example."""
    return cut_next_example(strip_thinking(text))


def _remove_thinking_blocks(text: str) -> str:
    """`text` with each closed `<think>...</think>` (or thinking, reasoning) block made a space.

    The same as `re.sub(r"<(think|...)>.*?</\\1>", " ", text)` with IGNORECASE, in linear time.
    """
    closes: dict[str, list[tuple[int, int]]] = {}
    for match in _THINK_CLOSE_RE.finditer(text):
        closes.setdefault(match.group(1).lower(), []).append((match.start(), match.end()))
    if not closes:
        return text
    parts, position = [], 0
    for opening in _THINK_OPEN_RE.finditer(text):
        if opening.start() < position:
            continue
        spans = closes.get(opening.group(1).lower(), [])
        index = bisect_left(spans, (opening.end(), -1))
        if index == len(spans):
            continue
        parts += [text[position : opening.start()], " "]
        position = spans[index][1]
    parts.append(text[position:])
    return "".join(parts)


def strip_thinking(text: str) -> str:
    """`text` without closed `<think>...</think>` blocks, unless nothing else is left."""
    answer = _remove_thinking_blocks(text)
    if "</think>" in answer.lower() and "<think>" not in answer.lower():  # the opening tag was in the prompt
        answer = answer[answer.lower().rindex("</think>") + len("</think>") :]
    return answer if answer.strip() else text


@dataclass(frozen=True, slots=True)
class Score:
    """The answer read from an output and whether it is right.

    `correct` is None when there is no output (a failed request). `similarity` is set for
    continuation scoring only.
    """

    kind: str
    extracted: str | None
    correct: bool | None
    similarity: float | None = None
    execution: str | None = None  # code items: `passed`, or why the run failed




def continuation_similarity(output: str, expected: str) -> float:
    """Similarity 0-1 of the output's opening to the expected continuation (rapidfuzz ratio)."""
    want = plain_text(expected)
    got = plain_text(output)
    if not want:
        return 0.0
    return float(fuzz.ratio(got[: len(want)], want)) / 100.0


def _cloze_span(text: str) -> str:
    match = _ANSWER_SPAN_RE.search(text)
    span = match.group(1) if match else text
    return span.strip().splitlines()[0] if span.strip() else ""


def match_cloze(text: str, gold_text: str) -> tuple[str, bool]:
    """The answer span read from `text` and whether it names the gold option text."""
    span = _cloze_span(text)
    got, want = plain_text(span), plain_text(gold_text)
    if not want or not got:
        return span, False
    contains = re.search(r"(?<!\w)" + re.escape(want) + r"(?!\w)", got) is not None
    if got == want or (contains and len(got) <= 2 * len(want) + 20):
        return span, True
    return span, fuzz.ratio(got, want) / 100.0 >= CLOZE_THRESHOLD


def score_response(item: BenchmarkItem, text: str | None, scoring: str = "answer") -> Score:
    """Read the answer from `text` and compare it with `item`'s gold."""
    kind = item_kind(item, scoring)
    if text is None:
        return Score(kind, None, None, None)
    text = scored_text(text)
    if kind == "code":
        from detector.scoring.code import score_code

        return score_code(item, text)
    if kind != "continuation":
        text = answer_part(text)
    if kind == "continuation":
        similarity = continuation_similarity(text, item.answer)
        return Score(kind, None, similarity >= VERBATIM_THRESHOLD, similarity)
    if kind == "multiple_choice":
        label = extract_choice(text, item.labels, item.choices)
        return Score(kind, label, label is not None and label == item.answer)
    if kind == "math":
        number = extract_number(text, keep_percent=True)  # "75%" matches a gold of 75 or 0.75
        return Score(kind, number, numbers_equal(number, item.answer))
    span, correct = match_cloze(text, item.answer)
    return Score(kind, span or None, correct)


def same_answer(kind: str, extracted: str | None, other_gold: str) -> bool:
    """Whether an extracted answer equals another gold (e.g. the parent's old answer)."""
    if extracted is None:
        return False
    if kind == "math":
        return numbers_equal(extracted, other_gold)
    if kind == "multiple_choice":
        return extracted == other_gold
    if kind == "cloze":
        return plain_text(extracted) == plain_text(other_gold)
    return False
