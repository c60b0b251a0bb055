"""Compiled kernels (numba) for the scan's hot loops, when numba is installed (the `fast` extra).

- `tokenize_codes`: one pass over the code points through a table (code point -> its lower
  case when that is a word character, else 0); each run of word characters is hashed as
  `fmix64(sum(c_i * B^i))`, exactly `hash_word` and the numpy path of `detector.text.hashing`
  (a test compares them).
- `shingle_kernel`: the shingle hashes of `shingle_hashes`, in one pass.
- `member_kernel`: which shingle hashes are in a sorted set (a bitmap, then binary search).
- `window_signatures`: MinHash signatures of shingle windows (`MinHasher.range_signatures`).
- `bucket_windows`: the windows of one bucket that hold enough item shingles (the numpy
  `_windows_with_hits` and its filter in `detector.overlap.windows`).

Compiled on first use and cached on disk next to this file (numba's `cache=True`);
`kernels()` is None when numba is missing, and the numpy paths run with the same results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

_KERNELS: Kernels | None = None
_TRIED = False
_LOWER_TABLE: np.ndarray | None = None
# Code points whose `str.lower()` is not one code point, or depends on context (final sigma).
CONTEXT_LOWER = ("\u0130", "\u03a3")


@dataclass(frozen=True, slots=True)
class Kernels:
    tokenize_codes: Any  # (codes, word_code_table, base) -> (hashes, starts, ends)
    shingle_kernel: Any  # (word_hashes, n, shingle_powers) -> uint32 shingle hashes
    member_kernel: Any  # (hashes, bitmap, shift, sorted_set) -> (positions, set_indexes)
    window_signatures: Any  # (hashes, starts, ends, a, b) -> (windows, num_perm) MinHash signatures
    bucket_windows: Any  # (hits, doc_start, doc_shingles, stride, width, min_held) -> (starts, ends)


def lower_table() -> np.ndarray:
    """uint32 code point -> its `str.lower()` where that is one code point (else itself)."""
    global _LOWER_TABLE
    if _LOWER_TABLE is None:
        every = "".join(map(chr, range(0x110000)))
        for special in CONTEXT_LOWER:
            every = every.replace(special, "a")
        lowered = every.lower()
        assert len(lowered) == len(every)
        table = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
        for special in CONTEXT_LOWER:
            table[ord(special)] = ord(special)
        _LOWER_TABLE = table
    return _LOWER_TABLE


def _build() -> Kernels:
    import numba

    @numba.njit(cache=True, nogil=True)
    def tokenize_codes(codes: Any, word_code: Any, base: Any) -> Any:  # pragma: no cover
        n = len(codes)
        limit = n // 2 + 1
        hashes = np.empty(limit, dtype=np.uint64)
        starts = np.empty(limit, dtype=np.int64)
        ends = np.empty(limit, dtype=np.int64)
        m1 = np.uint64(0xFF51AFD7ED558CCD)
        m2 = np.uint64(0xC4CEB9FE1A85EC53)
        s33 = np.uint64(33)
        count = 0
        i = 0
        while i < n:
            if word_code[codes[i]] == 0:
                i += 1
                continue
            begin = i
            total = np.uint64(0)
            power = np.uint64(1)
            while i < n:
                code = word_code[codes[i]]
                if code == 0:
                    break
                total += np.uint64(code) * power
                power *= base
                i += 1
            total ^= total >> s33
            total *= m1
            total ^= total >> s33
            total *= m2
            total ^= total >> s33
            hashes[count] = total
            starts[count] = begin
            ends[count] = i
            count += 1
        return hashes[:count].copy(), starts[:count].copy(), ends[:count].copy()

    @numba.njit(cache=True, nogil=True)
    def shingle_kernel(words: Any, n: int, powers: Any) -> Any:  # pragma: no cover
        count = len(words) - n + 1
        out = np.empty(max(count, 0), dtype=np.uint32)
        m1 = np.uint64(0xFF51AFD7ED558CCD)
        m2 = np.uint64(0xC4CEB9FE1A85EC53)
        s33 = np.uint64(33)
        for i in range(count):
            total = np.uint64(0)
            for j in range(n):
                total += words[i + j] * powers[j]
            total ^= total >> s33
            total *= m1
            total ^= total >> s33
            total *= m2
            total ^= total >> s33
            out[i] = np.uint32(total >> np.uint64(32))
        return out

    @numba.njit(cache=True, nogil=True)
    def member_kernel(hashes: Any, bitmap: Any, shift: int, values: Any) -> Any:  # pragma: no cover
        positions = np.empty(len(hashes), dtype=np.int64)
        where = np.empty(len(hashes), dtype=np.int64)
        count = 0
        size = len(values)
        for i in range(len(hashes)):
            value = hashes[i]
            if not bitmap[value >> shift]:
                continue
            k = np.searchsorted(values, value)
            if k < size and values[k] == value:
                positions[count] = i
                where[count] = k
                count += 1
        return positions[:count].copy(), where[:count].copy()

    @numba.njit(cache=True, nogil=True)
    def window_signatures(hashes: Any, starts: Any, ends: Any, a: Any, b: Any) -> Any:  # pragma: no cover
        low = starts.min()
        span = ends.max() - low
        cover = np.zeros(span + 1, dtype=np.int64)
        for w in range(len(starts)):
            cover[starts[w] - low] += 1
            cover[ends[w] - low] -= 1
        row_of = np.empty(span, dtype=np.int64)
        depth = 0
        needed = 0
        for k in range(span):
            depth += cover[k]
            if depth > 0:
                row_of[k] = needed
                needed += 1
            else:
                row_of[k] = -1
        perms = len(a)
        permuted = np.empty((needed, perms), dtype=np.uint32)
        mask = np.uint64(0xFFFFFFFF)
        for k in range(span):
            row = row_of[k]
            if row < 0:
                continue
            value = np.uint64(hashes[low + k])
            value ^= value >> np.uint64(16)
            value = (value * np.uint64(0x85EBCA6B)) & mask
            value ^= value >> np.uint64(13)
            value = (value * np.uint64(0xC2B2AE35)) & mask
            value ^= value >> np.uint64(16)
            for p in range(perms):
                permuted[row, p] = np.uint32((np.uint64(a[p]) * value + np.uint64(b[p])) & mask)
        out = np.full((len(starts), perms), np.uint32(0xFFFFFFFF), dtype=np.uint32)
        for w in range(len(starts)):
            first = row_of[starts[w] - low]
            for row in range(first, first + ends[w] - starts[w]):
                for p in range(perms):
                    if permuted[row, p] < out[w, p]:
                        out[w, p] = permuted[row, p]
        return out

    @numba.njit(cache=True, nogil=True)
    def bucket_windows(hits: Any, doc_start: Any, doc_shingles: Any, stride: int, width: int,
                       min_held: int) -> Any:  # pragma: no cover
        # Hits are sorted, so per document the window numbers k only grow: each window is made
        # once, in order; the window flush with the document end (the largest start) comes last.
        n = len(hits)
        starts = np.empty(n * 9 + 1, dtype=np.int64)
        ends = np.empty(n * 9 + 1, dtype=np.int64)
        count = 0
        last_k = -1
        tail_start = -1
        tail_end = -1
        for h in range(n):
            d0 = doc_start[h]
            size = doc_shingles[h]
            if h > 0 and d0 != doc_start[h - 1]:
                if tail_start >= 0 and (count == 0 or starts[count - 1] != tail_start):
                    starts[count] = tail_start
                    ends[count] = tail_end
                    count += 1
                last_k = -1
                tail_start = -1
            rel = hits[h] - d0
            top_k = max((size - width) // stride, 0)
            first = max(-((width - 1 - rel) // stride), 0)
            last = min(rel // stride, top_k)
            for k in range(max(first, last_k + 1), last + 1):
                starts[count] = d0 + k * stride
                ends[count] = d0 + k * stride + min(width, size)
                count += 1
            last_k = max(last_k, last)
            if size > width and rel >= size - width:
                tail_start = d0 + size - width
                tail_end = d0 + size
        if tail_start >= 0 and (count == 0 or starts[count - 1] != tail_start):
            starts[count] = tail_start
            ends[count] = tail_end
            count += 1
        # Keep windows holding at least `min_held` hits: starts and ends both grow, so two
        # pointers walk the sorted hits once.
        out_starts = np.empty(count, dtype=np.int64)
        out_ends = np.empty(count, dtype=np.int64)
        kept = 0
        lo = 0
        hi = 0
        for i in range(count):
            while lo < n and hits[lo] < starts[i]:
                lo += 1
            if hi < lo:
                hi = lo
            while hi < n and hits[hi] < ends[i]:
                hi += 1
            if hi - lo >= min_held:
                out_starts[kept] = starts[i]
                out_ends[kept] = ends[i]
                kept += 1
        return out_starts[:kept].copy(), out_ends[:kept].copy()

    return Kernels(tokenize_codes, shingle_kernel, member_kernel, window_signatures, bucket_windows)


def kernels() -> Kernels | None:
    """The compiled kernels, or None without numba."""
    global _KERNELS, _TRIED
    if not _TRIED:
        _TRIED = True
        try:
            _KERNELS = _build()
        except ImportError:
            _KERNELS = None
    return _KERNELS


def needs_python_lower(text: str) -> bool:
    """True where the lower-case table is not enough: a code point from `CONTEXT_LOWER`."""
    return any(special in text for special in CONTEXT_LOWER)
