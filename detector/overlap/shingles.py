"""Text normalisation, word shingles and their stable 32-bit hashes.

A word is a maximal run of characters for which `str.isalnum()` is true, after NFKC
normalisation (non-ASCII text only) and lower-casing; everything else separates words.
`normalize_text` joins the words with single spaces. The same rule has a vectorised
numpy path (`tokenize`) that also returns each word's character offset, and a pure Python
path (`shingle_hash32`) that gives bit-identical hashes, so a corpus scan and a reference
MinHash over shingle strings agree exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

_WORD_RE = re.compile(r"[^\W_]+")  # \w minus underscore == str.isalnum()
_MASK64 = (1 << 64) - 1
_CHAR_BASE = 0x100000001B3  # FNV-1a 64-bit prime: powers of it spread code points
_SHINGLE_BASE = 0x9E3779B97F4A7C15  # golden-ratio constant, odd
_SEGMENT_CHARS = 1 << 20  # tokenize long texts in segments of at most this many characters
_word_table: np.ndarray | None = None
_char_powers: np.ndarray | None = None
_char_inverse_powers: np.ndarray | None = None
_shingle_powers: np.ndarray | None = None


def prepare_text(text: str) -> str:
    """NFKC-normalise (non-ASCII text only) and lower-case: word offsets index this text."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def split_words(text: str) -> list[str]:
    """Return the normalised words of `text` (lower-cased alphanumeric runs)."""
    return _WORD_RE.findall(prepare_text(text))


def normalize_text(text: str) -> str:
    """Lower-case, NFKC-normalise and reduce `text` to its words separated by single spaces."""
    return " ".join(split_words(text))


def word_shingles(text: str, n: int = 5) -> list[str]:
    """Return the overlapping `n`-word shingles of `text`, in order (with repeats).

    A text with fewer than `n` (but at least one) words has one shingle: all its words.
    Raises:
        ValueError: if `n` < 1.
    """
    if n < 1:
        raise ValueError(f"shingle size must be >= 1, got {n}")
    words = split_words(text)
    if not words:
        return []
    if len(words) < n:
        return [" ".join(words)]
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard similarity of two collections taken as sets (1.0 when both are empty)."""
    set_a, set_b = set(a), set(b)
    union = set_a | set_b
    return len(set_a & set_b) / len(union) if union else 1.0


def shingle_jaccard(text_a: str, text_b: str, n: int = 5) -> float:
    """Jaccard similarity of the `n`-word shingle sets of two texts."""
    return jaccard(word_shingles(text_a, n), word_shingles(text_b, n))


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


def tokenize(text: str, *, prepared: bool = False) -> Tokens:
    """Split `text` into words (the `split_words` rule) and hash them, vectorised.

    `prepared=True` says `text` already went through `prepare_text`. Long texts are
    processed in segments cut at non-word characters, so memory stays bounded. Offsets
    index the prepared text: exact for ASCII, approximate where NFKC or lower-casing
    changed the length of non-ASCII text.
    """
    table, powers, inverse, _ = _tables()
    if not prepared:
        text = prepare_text(text)
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        table = table[:128]
    else:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
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
    total = np.zeros(count - width + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            total += word_hashes[j : count - width + 1 + j] * powers[j]
    return (_fmix64_array(total) >> np.uint64(32)).astype(np.uint32)


def text_shingle_hashes(text: str, n: int = 5) -> np.ndarray:
    """32-bit hashes of the `n`-word shingles of `text` (equal to hashing `word_shingles`)."""
    return shingle_hashes(tokenize(text).hashes, n)
