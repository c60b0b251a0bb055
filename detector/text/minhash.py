"""Vectorised MinHash, bit-identical to datasketch's default (affine32) scheme.

datasketch's `MinHash(num_perm, seed)` (version 2) maps each 32-bit input hash h through
the MurmurHash3 finaliser and then through `num_perm` affine permutations
`a * h + b mod 2^32`, keeping the minimum per permutation. `affine_permutations` draws the
parameters as datasketch does (so a seed means the same thing; the tests check it against
datasketch), and the arithmetic runs on whole arrays of shingle hashes at once.

Empty texts follow the package's convention (see `jaccard`): `signature_similarity` of a
missing signature (a text without shingles) is 0.0.
"""

from __future__ import annotations

import numpy as np

from detector.text.jaccard import EMPTY_SIMILARITY
from detector.text.kernel import kernels

MAX_HASH = np.uint32(0xFFFFFFFF)


def _fmix32(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def affine_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) uint32 parameters of datasketch's affine32 permutations (every `a` odd)."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


class MinHasher:
    """Affine MinHash over uint32 shingle hashes, with datasketch's permutations.

    Raises:
        ValueError: if `num_perm` < 1.
    """

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be >= 1, got {num_perm}")
        a, b = affine_permutations(num_perm, seed)
        self.num_perm = num_perm
        self.seed = seed
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)

    def permuted(self, hashes: np.ndarray) -> np.ndarray:
        """Return the (len(hashes), num_perm) matrix of permuted hash values (uint32)."""
        mixed = _fmix32(np.asarray(hashes, dtype=np.uint32))
        return mixed[:, None] * self._a[None, :] + self._b[None, :]

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """MinHash signature (uint32[num_perm]) of a set of shingle hashes; all-max when empty."""
        if len(hashes) == 0:
            return np.full(self.num_perm, MAX_HASH, dtype=np.uint32)
        return self.permuted(np.unique(hashes)).min(axis=0)

    def signatures(self, hash_sets: list[np.ndarray]) -> np.ndarray:
        """Signatures of many sets as a (len(hash_sets), num_perm) uint32 matrix."""
        out = np.full((len(hash_sets), self.num_perm), MAX_HASH, dtype=np.uint32)
        for row, hashes in enumerate(hash_sets):
            out[row] = self.signature(hashes)
        return out

    def permuted_columns(self, hashes: np.ndarray) -> np.ndarray:
        """The permuted values as a (num_perm, len(hashes)) matrix: the layout fast minima need."""
        mixed = _fmix32(np.asarray(hashes, dtype=np.uint32))
        return self._a[:, None] * mixed[None, :] + self._b[:, None]

    def range_signatures(
        self, hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray, *, compiled_ok: bool = True
    ) -> np.ndarray:
        """Signatures of the windows hashes[starts[i]:ends[i]] (each non-empty), vectorised
        (compiled with numba where installed; `compiled_ok=False` forces numpy: the same values).

        Each needed row is permuted once, however many windows overlap it; windows may
        overlap and come in any order.
        """
        if len(starts) == 0:
            return np.zeros((0, self.num_perm), dtype=np.uint32)
        lengths = ends - starts
        if np.any(lengths <= 0):
            raise ValueError("every window must hold at least one shingle")
        compiled = kernels() if compiled_ok else None
        if compiled is not None:
            values = np.asarray(hashes, dtype=np.uint32)
            window_starts, window_ends = starts.astype(np.int64), ends.astype(np.int64)
            result: np.ndarray = compiled.window_signatures(
                values, window_starts, window_ends, self._a, self._b
            )
            return result
        low = int(starts.min())
        size = int(ends.max()) - low + 1
        cover = np.bincount(starts - low, minlength=size) - np.bincount(ends - low, minlength=size)
        needed = low + np.flatnonzero(np.cumsum(cover)[:-1] > 0)
        local = np.searchsorted(needed, starts)
        columns = self.permuted_columns(hashes[needed])
        columns = np.concatenate([columns, np.zeros((self.num_perm, 1), dtype=np.uint32)], axis=1)
        # reduceat over [start, end) pairs: odd outputs are the (ignored) stretches between windows.
        bounds = np.stack([local, local + lengths], axis=1).ravel()
        return np.minimum.reduceat(columns, bounds, axis=1)[:, ::2].T.copy()


def estimate_jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity: the share of equal signature values, row by row."""
    return (np.atleast_2d(left) == np.atleast_2d(right)).mean(axis=1)


def signature_similarity(left: np.ndarray | None, right: np.ndarray | None) -> float:
    """Estimated Jaccard similarity of two signatures; 0.0 where either text had no shingles (None)."""
    if left is None or right is None:
        return EMPTY_SIMILARITY
    if left.shape != right.shape:
        raise ValueError(f"signatures of different sizes: {left.shape} and {right.shape}")
    return float(np.count_nonzero(left == right)) / len(left)
