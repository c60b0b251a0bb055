"""`option-relabel`: change the label scheme (A-D to 1-4, a-d, i-iv); the gold label follows.

Models carry priors over label tokens (Zheng et al. 2023); a memorized letter does not survive.
"""

from __future__ import annotations

import random
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import build_variant
from probes.choices import LABEL_SCHEMES, movable_gold_index, scheme_of


class OptionRelabelProbe:
    name: ClassVar[str] = "option-relabel"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return 2 <= len(item.choices) <= 10

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        gold = movable_gold_index(item)
        current = scheme_of(item.labels)
        names = [name for name in LABEL_SCHEMES if name != current]
        scheme = rng.choice(names)
        labels = LABEL_SCHEMES[scheme][: len(item.choices)]
        return build_variant(
            item,
            self.name,
            self.version,
            0,
            labels=labels,
            answer=labels[gold],
            params={"scheme": scheme},
        )
