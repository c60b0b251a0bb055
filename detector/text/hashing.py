"""Stable hashes of scan words and shingles, in pure Python and vectorised with numpy.

Both paths give bit-identical values, so a corpus scan over numpy arrays and a reference
MinHash over shingle strings agree exactly. `sha1_hash32` is the hash datasketch's MinHash
applies to bytes by default (solution echo keeps its values).
"""

from __future__ import annotations

import hashlib
import struct
import unicodedata
from dataclasses import dataclass

import numpy as np

from detector.text.kernel import Kernels, kernels, lower_table, needs_python_lower
from detector.text.words import prepare_text

_MASK64 = (1 << 64) - 1
_CHAR_BASE = 0x100000001B3  # FNV-1a 64-bit prime: powers of it spread code points
_SHINGLE_BASE = 0x9E3779B97F4A7C15  # golden-ratio constant, odd
_SEGMENT_CHARS = 1 << 20  # tokenize long texts in segments of at most this many characters
_word_table: np.ndarray | None = None
_char_powers: np.ndarray | None = None
_char_inverse_powers: np.ndarray | None = None
_shingle_powers: np.ndarray | None = None
_word_codes: np.ndarray | None = None
_word_codes_lower: np.ndarray | None = None


def sha1_hash32(data: bytes) -> int:
    """The first 4 bytes of SHA-1, little-endian (datasketch's default 32-bit hash)."""
    value: int = struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]
    return value


# ---------------------------------------------------------------- hashing (pure Python)


def _fmix64(value: int) -> int:
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & _MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & _MASK64
    return value ^ (value >> 33)


def hash_word(word: str) -> int:
    """Stable 64-bit hash of one normalised word (same value as the numpy path)."""
    total = 0
    power = 1
    for char in word:
        total = (total + ord(char) * power) & _MASK64
        power = (power * _CHAR_BASE) & _MASK64
    return _fmix64(total)


def shingle_hash32(shingle: str) -> int:
    """Stable 32-bit hash of a shingle string (its words joined by spaces)."""
    total = 0
    power = 1
    for word in shingle.split(" "):
        total = (total + hash_word(word) * power) & _MASK64
        power = (power * _SHINGLE_BASE) & _MASK64
    return _fmix64(total) >> 32


# ---------------------------------------------------------------- hashing (numpy)


def _powers(base: int, count: int) -> np.ndarray:
    powers = np.full(count, base, dtype=np.uint64)
    powers[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(powers, dtype=np.uint64)


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    global _word_table, _char_powers, _char_inverse_powers, _shingle_powers
    if _word_table is None:
        _word_table = np.fromiter((chr(c).isalnum() for c in range(0x110000)), dtype=bool, count=0x110000)
        _char_powers = _powers(_CHAR_BASE, _SEGMENT_CHARS + 1)
        _char_inverse_powers = _powers(pow(_CHAR_BASE, -1, 1 << 64), _SEGMENT_CHARS + 1)
        _shingle_powers = _powers(_SHINGLE_BASE, 64)
    assert _char_powers is not None and _char_inverse_powers is not None and _shingle_powers is not None
    return _word_table, _char_powers, _char_inverse_powers, _shingle_powers


def _fmix64_array(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a text as hashes, with each word's [start, end) character offsets."""

    hashes: np.ndarray  # uint64, one per word
    starts: np.ndarray  # int64 character offsets into the prepared text
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def _tokenize_segment(
    codes: np.ndarray, table: np.ndarray, powers: np.ndarray, inverse: np.ndarray
) -> Tokens:
    """Hash the words of one segment: sum(c_i * B^i) over the word, shifted to start at B^0."""
    is_word = table[codes]
    edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    with np.errstate(over="ignore"):
        weighted = (codes * is_word).astype(np.uint64)  # separators count as 0
        weighted *= powers[: len(codes)]
        prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
        np.cumsum(weighted, out=prefix[1:])
        sums = (prefix[ends] - prefix[starts]) * inverse[starts]
    return Tokens(_fmix64_array(sums), starts.astype(np.int64), ends.astype(np.int64))


def tokenize(text: str, *, prepared: bool = False, compiled: bool = True, lower_only: bool = False) -> Tokens:
    """Split `text` into words (the `split_words` rule) and hash them, vectorised.

    `prepared=True` says `text` already went through `prepare_text`. With numba installed
    (and `compiled`), one compiled pass does it and lower-cases on the way
    (`detector.text.kernel`); otherwise numpy, in segments cut at non-word characters, so
    memory stays bounded. Both give the same values. Offsets index the prepared text: exact
    for ASCII, approximate where NFKC or lower-casing changed the length of non-ASCII text.
    `lower_only=True` says the text is prepared but for lower-casing, which keeps its length
    (its pieces are prepared or pass `is_kernel_ready`).
    """
    compiled_kernels = kernels() if compiled else None
    if lower_only:
        if compiled_kernels is not None:
            return _tokenize_compiled(text, compiled_kernels, lower=True)
        text, prepared = text.lower(), True
    if compiled_kernels is not None and not prepared and is_kernel_ready(text):
        return _tokenize_compiled(text, compiled_kernels, lower=True)
    if not prepared:
        text = prepare_text(text)
    if compiled_kernels is not None:
        return _tokenize_compiled(text, compiled_kernels, lower=False)
    table = _tables()[0]
    if text.isascii():
        return _tokenize_numpy(np.frombuffer(text.encode("ascii"), dtype=np.uint8), table[:128])
    return _tokenize_numpy(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), table)


def is_kernel_ready(text: str) -> bool:
    """True when the compiled tokeniser can lower-case `text` itself: ASCII, or NFKC-normal
    text without a code point whose lower case needs context (`prepare_text` would keep its length)."""
    return text.isascii() or (
        unicodedata.is_normalized("NFKC", text) and not needs_python_lower(text)
    )


def _word_code_table(lower: bool) -> np.ndarray:
    """Code point -> the code point hashed (its one-to-one lower case if `lower`), 0 for separators."""
    global _word_codes, _word_codes_lower
    if (_word_codes_lower if lower else _word_codes) is None:
        is_word = _tables()[0]
        mapping = lower_table() if lower else np.arange(0x110000, dtype=np.uint32)
        table = np.where(is_word[mapping], mapping, np.uint32(0)).astype(np.uint32)
        if lower:
            _word_codes_lower = table
        else:
            _word_codes = table
    result = _word_codes_lower if lower else _word_codes
    assert result is not None
    return result


def _tokenize_compiled(text: str, compiled_kernels: Kernels, *, lower: bool) -> Tokens:
    """The compiled pass; `lower` maps code points through `str.lower`'s one-to-one table."""
    table = _word_code_table(lower)
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        table = table[:128]
    else:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    hashes, starts, ends = compiled_kernels.tokenize_codes(codes, table, np.uint64(_CHAR_BASE))
    return Tokens(hashes, starts, ends)


def _tokenize_numpy(codes: np.ndarray, table: np.ndarray) -> Tokens:
    """The numpy path: segments of at most `_SEGMENT_CHARS` code points, cut at separators."""
    _, powers, inverse, _ = _tables()
    parts: list[Tokens] = []
    begin = 0
    while begin < len(codes):
        stop = min(begin + _SEGMENT_CHARS, len(codes))
        while stop < len(codes) and stop > begin and table[codes[stop - 1]]:
            stop -= 1  # cut after a separator, never inside a word
        if stop == begin:
            stop = min(begin + _SEGMENT_CHARS, len(codes))  # one giant word: cut it
        part = _tokenize_segment(codes[begin:stop], table, powers, inverse)
        parts.append(Tokens(part.hashes, part.starts + begin, part.ends + begin))
        begin = stop
    if len(parts) == 1:
        return parts[0]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(np.zeros(0, dtype=np.uint64), empty, empty)
    return Tokens(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([p.starts for p in parts]),
        np.concatenate([p.ends for p in parts]),
    )


def shingle_hashes(word_hashes: np.ndarray, n: int = 5) -> np.ndarray:
    """32-bit hashes of the `n`-word shingles over `word_hashes` (uint32, one per shingle).

    Fewer than `n` words (but at least one) give one shingle of all the words, as in
    `word_shingles`. Raises:
        ValueError: if `n` is not in 1..64.
    """
    if not 1 <= n <= 64:
        raise ValueError(f"shingle size must be in 1..64, got {n}")
    powers = _tables()[3]
    count = len(word_hashes)
    if count == 0:
        return np.zeros(0, dtype=np.uint32)
    width = min(n, count)
    compiled_kernels = kernels()
    if compiled_kernels is not None:
        return compiled_kernels.shingle_kernel(np.asarray(word_hashes, dtype=np.uint64), width, powers)  # type: ignore[no-any-return]
    total = np.zeros(count - width + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            total += word_hashes[j : count - width + 1 + j] * powers[j]
    return (_fmix64_array(total) >> np.uint64(32)).astype(np.uint32)


def text_shingle_hashes(text: str, n: int = 5) -> np.ndarray:
    """32-bit hashes of the `n`-word shingles of `text` (equal to hashing `word_shingles`)."""
    return shingle_hashes(tokenize(text).hashes, n)
