"""Solution echo: MinHash Jaccard (`detector.text`) of an output with the worked solutions.

A model that memorized a worked solution reproduces it even after the numbers change: its
output is closer to the parent's solution than to the variant's own solution. Texts are
shingled into plain-word bigrams and hashed as datasketch's MinHash does (SHA-1, seed 1,
128 permutations: the same values); signatures are cached by text, because the same output
recurs across trials and variants.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from detector.text import MinHasher, plain_shingles, sha1_hash32, signature_similarity

NUM_PERM = 128
MINHASH_SEED = 1


@lru_cache(maxsize=1)
def _hasher() -> MinHasher:
    return MinHasher(NUM_PERM, MINHASH_SEED)


@lru_cache(maxsize=65536)
def signature(text: str) -> np.ndarray | None:
    """The MinHash hash values of `text`'s shingles, or None for a text without words."""
    shingles = plain_shingles(text, 2)
    if not shingles:
        return None
    hashes = np.array([sha1_hash32(shingle.encode("utf-8")) for shingle in shingles], dtype=np.uint32)
    values = _hasher().signature(hashes)
    values.setflags(write=False)
    return values


def minhash_jaccard(left: str, right: str) -> float:
    """Estimated Jaccard similarity (0-1) of two texts' word-bigram sets; 0 if either is empty."""
    return signature_similarity(signature(left), signature(right))


def solution_echo(output: str, parent_solution: str, own_solution: str) -> tuple[float, float]:
    """(Jaccard with the parent's solution, Jaccard with the variant's own solution)."""
    return minhash_jaccard(output, parent_solution), minhash_jaccard(output, own_solution)
