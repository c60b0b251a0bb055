"""LSH banding over MinHash signatures, joined with numpy.

`BandIndex` returns exactly the candidates that datasketch's `MinHashLSH.query` returns for
the same threshold and num_perm (same bands and rows, exact band equality), but for a whole
matrix of query signatures at once: band keys are hashed to 64 bits, joined with
`searchsorted`, and every joined pair is checked for exact band equality.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)
_WEIGHT = 0.5  # datasketch's default weight of false positives and of false negatives


@lru_cache(maxsize=64)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch's MinHashLSH picks for `threshold` and `num_perm`.

    The same search as datasketch (version 2, `MinHashLSH(threshold, num_perm)` with its
    default weights 0.5/0.5), re-implemented because datasketch keeps it private: over every
    b bands of r rows with b * r <= num_perm, minimise the mean of the false-positive area
    (integral of P(candidate | s) = 1 - (1 - s^r)^b over s in [0, threshold]) and the
    false-negative area (integral of 1 - P over [threshold, 1]), both by `scipy.integrate.quad`,
    keeping the first (b, r) in (b, then r) order on ties. A test checks it against datasketch.
    Raises:
        ValueError: if the threshold is not in (0, 1).
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    from scipy.integrate import quad

    best_error = float("inf")
    best = (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            b, r = float(bands), float(rows)
            false_positive, _ = quad(lambda s, b=b, r=r: 1 - (1 - s**r) ** b, 0.0, threshold)
            false_negative, _ = quad(lambda s, b=b, r=r: 1 - (1 - (1 - s**r) ** b), threshold, 1.0)
            error = false_positive * _WEIGHT + false_negative * _WEIGHT
            if error < best_error:
                best_error, best = error, (bands, rows)
    return best


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(len(signatures), bands) uint64 keys: a hash of each band's `rows` values."""
    sig = np.asarray(signatures, dtype=np.uint64)[:, : bands * rows].reshape(len(signatures), bands, rows)
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            keys = (keys ^ sig[:, :, row]) * _MIX
            keys ^= keys >> np.uint64(29)
    return keys


class BandIndex:
    """An LSH index of item signatures, queried with many window signatures at once."""

    def __init__(self, signatures: np.ndarray, threshold: float, num_perm: int) -> None:
        if signatures.ndim != 2 or signatures.shape[1] != num_perm:
            raise ValueError(f"signatures must be (n, {num_perm}), got {signatures.shape}")
        self.bands, self.rows = band_params(threshold, num_perm)
        self.signatures = np.ascontiguousarray(signatures, dtype=np.uint32)
        keys = band_keys(self.signatures, self.bands, self.rows)
        self._order = np.argsort(keys, axis=0, kind="stable")
        sorted_keys = np.take_along_axis(keys, self._order, axis=0)
        # Per band: the distinct keys, where each one's run starts in `_order`, and its length.
        self._unique: list[np.ndarray] = []
        self._first: list[np.ndarray] = []
        self._count: list[np.ndarray] = []
        for band in range(self.bands):
            unique, first, count = np.unique(sorted_keys[:, band], return_index=True, return_counts=True)
            self._unique.append(unique)
            self._first.append(first)
            self._count.append(count)

    def __len__(self) -> int:
        return len(self.signatures)

    def query(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (query row, indexed row), unique, sorted by query then indexed row."""
        empty = np.zeros(0, dtype=np.int64)
        if len(queries) == 0 or len(self) == 0:
            return empty, empty
        keys = band_keys(queries, self.bands, self.rows)
        found_q: list[np.ndarray] = []
        found_i: list[np.ndarray] = []
        for band in range(self.bands):
            unique = self._unique[band]
            where = np.minimum(np.searchsorted(unique, keys[:, band]), len(unique) - 1)
            hit = np.flatnonzero(unique[where] == keys[:, band])
            if len(hit) == 0:
                continue
            left = self._first[band][where[hit]]
            counts = self._count[band][where[hit]]
            q_rows = np.repeat(hit, counts)
            positions = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts - left, counts)
            i_rows = self._order[positions, band]
            lo, hi = band * self.rows, (band + 1) * self.rows
            exact = (queries[q_rows, lo:hi] == self.signatures[i_rows, lo:hi]).all(axis=1)
            found_q.append(q_rows[exact])
            found_i.append(i_rows[exact])
        if not found_q:
            return empty, empty
        pairs = np.unique(np.concatenate(found_q) * len(self) + np.concatenate(found_i))
        return pairs // len(self), pairs % len(self)
