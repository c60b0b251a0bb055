"""`none-of-the-above`: replace one option with "None of the above" (listed last), recompute gold.

Usually a wrong option is replaced (gold text unchanged, label may move); in a marked fraction
the correct option is replaced, and "None of the above" becomes the gold (WiCkeD-style).
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant
from probes.choices import NONE_OF_THE_ABOVE, movable_gold_index

REPLACE_CORRECT_FRACTION = 0.25
_NEGATED_STEM_RE = re.compile(r"\b(not|except|least|false|incorrect)\b", re.IGNORECASE)


class NoneOfTheAboveProbe:
    name: ClassVar[str] = "none-of-the-above"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return len(item.choices) >= 3

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        gold = movable_gold_index(item)
        if _NEGATED_STEM_RE.search(item.question):
            raise ProbeSkip("negated_question")  # "Which is NOT ...": a removed correct option misleads
        replace_correct = rng.random() < REPLACE_CORRECT_FRACTION
        if replace_correct:
            replaced = gold
        else:
            replaced = rng.choice([i for i in range(len(item.choices)) if i != gold])
        kept = [i for i in range(len(item.choices)) if i != replaced]
        choices = (*(item.choices[i] for i in kept), NONE_OF_THE_ABOVE)
        new_gold = len(choices) - 1 if replace_correct else kept.index(gold)
        return build_variant(
            item,
            self.name,
            self.version,
            0,
            choices=choices,
            answer=item.labels[new_gold],
            params={"replaced": "correct" if replace_correct else "wrong", "replaced_index": replaced},
        )
