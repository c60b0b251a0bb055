"""Exact Jaccard similarity of shingle sets, with the package's one convention for empty texts.

Empty texts: a text without words has no shingles and is similar to nothing, another empty
text included: any similarity with an empty set is 0.0. Solution echo, continuation scoring
and the overlap verification already returned 0.0 there; variant verification never meets
an empty text on real data (its items and variants all hold words), so no output changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from detector.text.shingles import word_shingles

EMPTY_SIMILARITY = 0.0  # the similarity of an empty text to any text, itself included


def exact_jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b| of two shingle sets; 0.0 if either is empty."""
    shared = len(a & b)
    union = len(a) + len(b) - shared  # the size of a | b, without building it
    return shared / union if shared else EMPTY_SIMILARITY


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard similarity of two collections taken as sets; 0.0 if either is empty."""
    return exact_jaccard(frozenset(a), frozenset(b))


def shingle_jaccard(text_a: str, text_b: str, n: int = 5) -> float:
    """Jaccard similarity of the `n`-scan-word shingle sets of two texts."""
    return jaccard(word_shingles(text_a, n), word_shingles(text_b, n))
