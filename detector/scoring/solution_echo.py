"""Solution echo: MinHash Jaccard (datasketch) of an output with the worked solutions.

A model that memorized a worked solution reproduces it even after the numbers change: its
output is closer to the parent's solution than to the variant's own solution. Texts are
shingled into lower-cased word bigrams; MinHash signatures are cached by text, because the
same output recurs across trials and variants.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
MINHASH_SEED = 1
_WORD_RE = re.compile(r"\w+")


def shingles(text: str, size: int = 2) -> list[bytes]:
    """Lower-cased word n-grams of `text` (unigrams when the text is shorter than `size`)."""
    words = _WORD_RE.findall(text.lower())
    if len(words) < size:
        return [word.encode("utf-8") for word in words]
    return [" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)]


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)


@lru_cache(maxsize=65536)
def signature(text: str) -> np.ndarray | None:
    """The MinHash hash values of `text`'s shingles, or None for a text without words."""
    tokens = shingles(text)
    if not tokens:
        return None
    template = _template()
    minhash = MinHash(
        num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=template.permutations, scheme=template.scheme
    )
    minhash.update_batch(tokens)
    values = minhash.hashvalues.copy()
    values.setflags(write=False)
    return values


def minhash_jaccard(left: str, right: str) -> float:
    """Estimated Jaccard similarity (0-1) of two texts' word-bigram sets; 0 if either is empty."""
    a, b = signature(left), signature(right)
    if a is None or b is None:
        return 0.0
    return float(np.count_nonzero(a == b)) / NUM_PERM


def solution_echo(output: str, parent_solution: str, own_solution: str) -> tuple[float, float]:
    """(Jaccard with the parent's solution, Jaccard with the variant's own solution)."""
    return minhash_jaccard(output, parent_solution), minhash_jaccard(output, own_solution)
