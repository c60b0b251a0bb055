"""Normalisation, shingles and the numpy/pure-Python hash agreement."""

from __future__ import annotations

import numpy as np
import pytest

from detector.text import (
    hash_word,
    jaccard,
    normalize_text,
    shingle_hash32,
    shingle_jaccard,
    split_words,
    text_shingle_hashes,
    tokenize,
    word_shingles,
)
from detector.text import hashing as shingles

TEXT = "Natalia sold clips to 48 of her friends in April, and then she sold half as many in May."


def test_normalize_text_lowercases_and_drops_punctuation() -> None:
    assert normalize_text("  Héllo,   WORLD!\n snake_case ﬁne ") == "héllo world snake case fine"


def test_word_shingles_overlap_and_short_text() -> None:
    assert word_shingles("a b c d", 3) == ["a b c", "b c d"]
    assert word_shingles("a b", 5) == ["a b"]
    assert word_shingles("!!", 5) == []
    with pytest.raises(ValueError):
        word_shingles("a", 0)


def test_jaccard() -> None:
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert jaccard([], []) == 0.0  # an empty text is similar to nothing (detector.text convention)
    assert shingle_jaccard(TEXT, TEXT.upper()) == 1.0


@pytest.mark.parametrize("text", [TEXT, "Ünïcode café, naïve — “quoted” x2", "a b", "one", ""])
@pytest.mark.parametrize("n", [1, 3, 5, 13])
def test_numpy_hashes_equal_pure_python(text: str, n: int) -> None:
    expected = np.array([shingle_hash32(s) for s in word_shingles(text, n)], dtype=np.uint32)
    assert np.array_equal(text_shingle_hashes(text, n), expected)


def test_tokenize_offsets_and_word_hashes() -> None:
    tokens = tokenize(TEXT)
    words = [TEXT[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert words[:3] == ["Natalia", "sold", "clips"]
    assert list(tokens.hashes) == [hash_word(w) for w in split_words(TEXT)]


def test_tokenize_segments_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (TEXT + " ") * 50
    whole = tokenize(text)
    monkeypatch.setattr(shingles, "_SEGMENT_CHARS", 37)
    cut = tokenize(text)
    assert np.array_equal(whole.hashes, cut.hashes)
    assert np.array_equal(whole.starts, cut.starts)
