"""`option-shuffle`: reorder the options of a multiple-choice item; the gold moves with its text.

Option order moves accuracy for every model tested (Gupta et al. 2024); a model that memorized
"the answer is B" keeps answering B.
"""

from __future__ import annotations

import random
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant
from probes.choices import movable_gold_index


class OptionShuffleProbe:
    name: ClassVar[str] = "option-shuffle"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return len(item.choices) >= 2

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        gold = movable_gold_index(item)
        if len(set(item.choices)) != len(item.choices):
            raise ProbeSkip("duplicate_options")
        order = list(range(len(item.choices)))
        while order == sorted(order):
            rng.shuffle(order)
        choices = tuple(item.choices[i] for i in order)
        return build_variant(
            item,
            self.name,
            self.version,
            0,
            choices=choices,
            answer=item.labels[order.index(gold)],
            params={"order": ",".join(str(i) for i in order)},
        )
