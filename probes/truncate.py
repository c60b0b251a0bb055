"""`truncate`: a memorization probe. The first part of the question is the prompt, the rest the
expected continuation (scored by similarity, `scoring="continuation"`).
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant

MIN_PREFIX_WORDS = 8
MIN_REST_WORDS = 5


class TruncateProbe:
    name: ClassVar[str] = "truncate"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return True

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        cuts = [m.start() for m in re.finditer(r"\s+", item.question.strip())]
        words = len(cuts) + 1
        if words < MIN_PREFIX_WORDS + MIN_REST_WORDS:
            raise ProbeSkip("too_short")
        low = max(MIN_PREFIX_WORDS, int(words * 0.4))
        high = min(words - MIN_REST_WORDS, int(words * 0.7))
        k = rng.randint(low, max(low, high))
        text = item.question.strip()
        prefix, rest = text[: cuts[k - 1]], text[cuts[k - 1]:].lstrip()
        return build_variant(
            item, self.name, self.version, 0, question=prefix, answer=rest, choices=(), labels=(),
            params={"prefix_words": k, "total_words": words}, scoring="continuation", gold_changed=False,
        )
