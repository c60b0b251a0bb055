"""`cloze`: the same item in another format. Multiple choice becomes an open cloze (no options,
the gold is the correct option's text); open items get another instruction and answer format.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant
from probes.choices import gold_index

_REFERS_TO_OPTIONS_RE = re.compile(
    r"\b(which|what) (one )?of the (following|these|options|choices|statements)\b|\bthe following\b"
    r"|\b(above|below)\b",
    re.IGNORECASE,
)
OPEN_FORMATS: tuple[tuple[str, str], ...] = (
    ("problem-first", "Problem: {q}\nGive the final answer as a number."),
    ("task-instruction", "Solve the following problem and state the final answer.\n\n{q}"),
    ("answer-line", "{q}\nWrite your reasoning, then a last line of the form 'Answer: <number>'."),
    ("question-label", "Question: {q}\nAnswer:"),
)


class ClozeProbe:
    name: ClassVar[str] = "cloze"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return True

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        if not item.is_multiple_choice:
            fmt, template = rng.choice(OPEN_FORMATS)
            return build_variant(
                item, self.name, self.version, 0, question=template.format(q=item.question),
                params={"format": fmt}, gold_changed=False,
            )
        gold = gold_index(item)
        if gold is None:
            raise ProbeSkip("gold_not_a_label")
        if _REFERS_TO_OPTIONS_RE.search(item.question):
            raise ProbeSkip("question_refers_to_options")
        return build_variant(
            item, self.name, self.version, 0, choices=(), labels=(), answer=item.choices[gold],
            params={"format": "open-cloze"}, gold_changed=False,
        )
