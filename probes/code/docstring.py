"""`code-docstring`: the task description is reworded by fixed rules (no model); examples, code
and tests stay as they are. Each rule swaps a phrase for one of a few equivalents, only on prose
lines of the description (never on example lines), keeping the first letter's case.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip
from probes.code.source import is_code, prose_spans, replace_spans, reworded_variant, verify

MIN_REWORDS = 2
# (phrase, equivalents): whole words, matched case-insensitively at their first letter.
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("write a python function to", ("create a Python function that will", "implement a Python function to")),
    ("write a function to", ("create a function that will", "implement a function to")),
    ("write a function that", ("create a function which", "implement a function which")),
    ("write a function which", ("create a function that", "implement a function that")),
    ("you are given", ("you receive", "you get")),
    ("your task is to", ("you need to", "the job is to")),
    ("given a", ("for a", "taking a")),
    ("given an", ("for an", "taking an")),
    ("check if", ("determine whether", "test whether")),
    ("check whether", ("determine whether", "test whether")),
    ("returns", ("gives back", "outputs")),
    ("return", ("give back", "output")),
    ("find", ("determine", "work out")),
    ("calculate", ("compute", "work out")),
    ("compute", ("calculate", "work out")),
    ("for example", ("for instance", "as an illustration")),
    ("examples", ("sample cases", "instances")),
    ("example", ("instance", "illustration")),
    ("should", ("must", "ought to")),
    ("contains", ("holds", "includes")),
    ("consists of", ("is made up of", "is composed of")),
    ("each", ("every", "any single")),
    ("largest", ("biggest", "greatest")),
    ("smallest", ("least", "lowest")),
    ("number of", ("count of", "amount of")),
    ("otherwise", ("else", "if not")),
    ("whether", ("if",)),
    ("elements", ("items", "entries")),
    ("element", ("item", "entry")),
    ("note", ("remark", "observe")),
    ("the input", ("the given input", "the provided input")),
    ("in order to", ("to", "so as to")),
    ("determine", ("decide", "establish")),
    ("function", ("routine", "procedure")),
    ("empty", ("blank", "vacant")),
)
_PATTERN = re.compile(r"(?<![\w.])(" + "|".join(re.escape(p) for p, _ in RULES) + r")(?!\w)", re.IGNORECASE)
_EQUIVALENTS = {phrase: options for phrase, options in RULES}


def _keep_case(original: str, new: str) -> str:
    return new[0].upper() + new[1:] if original[0].isupper() else new


def reword(text: str, rng: random.Random) -> tuple[str, int]:
    """`text` with every matched phrase swapped for an equivalent; the number swapped."""
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return _keep_case(match.group(0), rng.choice(_EQUIVALENTS[match.group(0).lower()]))

    return _PATTERN.sub(swap, text), count


class CodeDocstringProbe:
    name: ClassVar[str] = "code-docstring"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return is_code(item)

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        spans = prose_spans(item)
        edits, total = [], 0
        for start, end in spans:
            new, count = reword(item.question[start:end], rng)
            if count:
                edits.append((start, end, new))
                total += count
        if total < MIN_REWORDS:
            raise ProbeSkip("too_few_rewordable_phrases")
        question = replace_spans(item.question, edits)
        variant = reworded_variant(
            item, self.name, self.version, question=question, reword=lambda text: replace_spans(text, edits),
            params={"reworded": total},
        )  # fmt: skip
        return verify(variant)
