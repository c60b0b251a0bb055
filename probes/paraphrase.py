"""`paraphrase`: offline surface rewording that keeps meaning: curated synonyms, moving a leading
"If ..., " clause to the end of the question, and number formatting (1000 <-> 1,000).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant

# Curated word-for-word substitutions that keep meaning in any sentence they occur in.
SYNONYMS: dict[str, str] = {
    "buys": "purchases", "bought": "purchased", "purchases": "buys", "purchased": "bought",
    "gives": "hands", "gave": "handed", "wants": "would like", "large": "big", "big": "large",
    "begins": "starts", "began": "started", "starts": "begins", "started": "began",
    "quickly": "rapidly", "finishes": "completes", "finished": "completed",
    "altogether": "in all", "receives": "gets", "received": "got", "friends": "pals",
    "Calculate": "Compute", "Determine": "Find", "What is": "What's", "What's": "What is",
    "earns": "makes", "earned": "made", "however": "though", "However": "Still",
}
_SYNONYM_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b")
_IF_CLAUSE_RE = re.compile(r"(?:(?<=[.!?]\s)|^)If ([^,?]{3,}), ([a-z][^?]*)\?\s*$")
_BIG_NUMBER_RE = re.compile(
    r"(?<![\d.,])(\d{4,})(?![\d,]|\.\d)|(?<![\d.,])(\d{1,3}(?:,\d{3})+)(?![\d,]|\.\d)"
)
# What every match of _BIG_NUMBER_RE contains (4 digits, or a digit, comma, digit): a scan for it is
# ~15x faster, and most questions have neither.
_BIG_NUMBER_HINT_RE = re.compile(r"\d(?:\d\d\d|,\d)")


def _synonyms(text: str, rng: random.Random) -> str:
    def one(match: re.Match[str]) -> str:
        return SYNONYMS[match.group(0)] if rng.random() < 0.6 else match.group(0)
    return _SYNONYM_RE.sub(one, text)


def _move_if_clause(text: str, rng: random.Random) -> str:
    if "If " not in text:  # every match has it; the pattern is slow to fail
        return text

    def one(match: re.Match[str]) -> str:
        condition, main = match.group(1), match.group(2)
        return f"{main[0].upper()}{main[1:]} if {condition[0].lower()}{condition[1:]}?"
    return _IF_CLAUSE_RE.sub(one, text)


def _reformat_numbers(text: str, rng: random.Random) -> str:
    if not _BIG_NUMBER_HINT_RE.search(text):
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{int(match.group(1)):,}" if not 1900 <= int(match.group(1)) <= 2100 else match.group(1)
        return match.group(2).replace(",", "")
    return _BIG_NUMBER_RE.sub(one, text)


@lru_cache(maxsize=4096)
def _rewordable(question: str) -> bool:
    """Whether any rewrite can change the question (remembered across an item's draws)."""
    return bool(_SYNONYM_RE.search(question)
                or ("If " in question and _IF_CLAUSE_RE.search(question))
                or (_BIG_NUMBER_HINT_RE.search(question) and _BIG_NUMBER_RE.search(question)))


REWRITES = (("synonyms", _synonyms), ("if-clause", _move_if_clause), ("number-format", _reformat_numbers))


class ParaphraseProbe:
    name: ClassVar[str] = "paraphrase"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return True

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        if not _rewordable(item.question):
            raise ProbeSkip("nothing_to_reword")
        question = item.question
        applied = []
        for name, rewrite in REWRITES:
            if rng.random() < 0.7:
                new = rewrite(question, rng)
                if new != question:
                    applied.append(name)
                    question = new
        if not applied:
            return None
        return build_variant(
            item, self.name, self.version, 0, question=question, params={"rewrites": ",".join(applied)},
            gold_changed=False,
        )
