"""A tiny perturbation family that lives in the tests: it swaps two neighbouring words of the
question. It shows that a family is one module plus one registry line (see test_family_registry)."""

from __future__ import annotations

import random
from collections import Counter
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes import FamilySpec, with_family
from probes.base import ProbeSkip, build_variant

MIN_WORDS = 6


class WordSwapProbe:
    """Swap two neighbouring words of the question; the gold stays the parent's."""

    name: ClassVar[str] = "word-swap"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return not item.is_multiple_choice

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        words = item.question.split()
        if len(words) < MIN_WORDS:
            raise ProbeSkip("too_short")
        k = rng.randrange(len(words) - 1)
        if words[k] == words[k + 1]:
            return None  # swapping equal words changes nothing: another draw may
        words[k], words[k + 1] = words[k + 1], words[k]
        return build_variant(item, self.name, self.version, 0, question=" ".join(words),
                             params={"swapped_at": k})


def check_same_words(variant: Variant, parent: BenchmarkItem) -> str | None:
    """The family's gold check: the question keeps every word (only their order may change)."""
    same = Counter(variant.item.question.split()) == Counter(parent.question.split())
    return None if same else "words_changed"


# The one registry line: a new read-only registry, the default one plus this family.
REGISTRY = with_family(FamilySpec(WordSwapProbe, ceiling=0.97, floor=0.5, keeps_gold=True,
                                  gold_check=check_same_words))
