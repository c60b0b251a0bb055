"""Multiple-choice helpers shared by the option families: label schemes and positional options."""

from __future__ import annotations

import re

from detector.types import BenchmarkItem
from probes.base import ProbeSkip

ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
LABEL_SCHEMES: dict[str, tuple[str, ...]] = {
    "upper": tuple("ABCDEFGHIJ"),
    "digits": tuple(str(n) for n in range(1, 11)),
    "lower": tuple("abcdefghij"),
    "roman": ROMAN,
}
NONE_OF_THE_ABOVE = "None of the above"

# Options whose meaning depends on their position or on the other options' labels.
_POSITIONAL_RE = re.compile(
    r"\b(all|none|both|neither) of (the )?(above|these|those|them)\b|\b(both|neither|either) [A-Ea-e1-5]\b"
    r"|\b[A-E] (and|or|&) [A-E]\b|\babove\b|\bbelow\b",
    re.IGNORECASE,
)


def has_positional_option(item: BenchmarkItem) -> bool:
    """True if some option refers to other options or to its position ("All of the above")."""
    return any(_POSITIONAL_RE.search(choice) for choice in item.choices)


def scheme_of(labels: tuple[str, ...]) -> str | None:
    """The name of the label scheme `labels` follow, or None."""
    for name, scheme in LABEL_SCHEMES.items():
        if tuple(labels) == scheme[: len(labels)]:
            return name
    return None


def gold_index(item: BenchmarkItem) -> int | None:
    """Index of the gold option, or None when the answer is not one of the labels."""
    if item.answer in item.labels and len(item.labels) == len(item.choices):
        return item.labels.index(item.answer)
    return None


def movable_gold_index(item: BenchmarkItem) -> int:
    """Index of the gold option of an item whose options may be moved, replaced or relabelled.

    Raises: ProbeSkip when the answer is not a label, or an option refers to other options.
    """
    gold = gold_index(item)
    if gold is None:
        raise ProbeSkip("gold_not_a_label")
    if has_positional_option(item):
        raise ProbeSkip("positional_option")
    return gold
