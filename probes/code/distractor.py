"""`code-distractor`: one sentence irrelevant to the task is added to its description (after its
first prose line, in the same indentation); code, examples and tests stay as they are. A
sentence is used only when none of its content words occurs in the item.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip
from probes.code.source import is_code, prose_spans, reworded_variant, verify

SENTENCES = (
    "This exercise was first drafted during a rainy afternoon at a seaside library.",
    "A colleague once sketched a similar idea on a paper napkin in a cafeteria.",
    "The author of this exercise also enjoys gardening and birdwatching on weekends.",
    "Some people find it relaxing to hum a tune while they think about puzzles like this.",
    "The office where this exercise was written has a view of a small harbour.",
    "Tea and coffee were both served at the workshop where this exercise was presented.",
    "A cat named Biscuit was sleeping on the keyboard while this was being typed.",
    "The meeting room next door was being repainted in a pale shade of green.",
)


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


class CodeDistractorProbe:
    name: ClassVar[str] = "code-distractor"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return is_code(item)

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        spans = prose_spans(item)
        if not spans:
            raise ProbeSkip("no_description")
        item_words = _content_words(item.question + (item.solution or "") + item.metadata["test"])
        usable = [i for i, s in enumerate(SENTENCES) if not _content_words(s) & item_words]
        if not usable:
            raise ProbeSkip("no_unrelated_sentence")
        index = rng.choice(usable)
        start, end = spans[0]
        line = item.question[start:end]
        indent = (
            line[: len(line) - len(line.lstrip())] if item.metadata.get("code_format") == "humaneval" else ""
        )
        if item.metadata.get("code_format") == "humaneval":
            insert = f"\n{indent}{SENTENCES[index]}"
        else:
            insert = f" {SENTENCES[index]}"
        question = item.question[:end] + insert + item.question[end:]
        variant = reworded_variant(
            item, self.name, self.version, question=question, reword=lambda text: text + insert,
            params={"sentence": index},
        )  # fmt: skip
        return verify(variant)
