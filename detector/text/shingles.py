"""Word shingles: overlapping runs of `n` words, in the three forms their users need.

All three agree on long texts (every run of `n` consecutive words, joined by single
spaces) and on texts without words (no shingles). They differ only for a text of 1 to
`n - 1` words, and keep their callers' outputs:

- `word_shingles` (scan words) and `token_shingle_set` (marked tokens) give one shingle of
  all the words;
- `plain_shingles` (plain words, solution echo) gives each word as its own shingle.
"""

from __future__ import annotations

from detector.text.words import _MARKED_TOKEN_RE, plain_words, split_words


def _check_size(n: int) -> None:
    if n < 1:
        raise ValueError(f"shingle size must be >= 1, got {n}")


def word_shingles(text: str, n: int = 5) -> list[str]:
    """The overlapping `n`-scan-word shingles of `text`, in order (with repeats).

    A text with fewer than `n` (but at least one) words has one shingle: all its words.
    Raises:
        ValueError: if `n` < 1.
    """
    _check_size(n)
    words = split_words(text)
    if not words:
        return []
    if len(words) < n:
        return [" ".join(words)]
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def token_shingle_set(text: str, n: int = 3) -> frozenset[str]:
    """The set of `n`-marked-token shingles of `text`; 1 to n-1 tokens give one shingle.

    A shingle is its tokens joined by spaces (tokens hold no whitespace: one string per token
    tuple). A string keeps its hash; a tuple rehashes its tokens in every set operation, which
    made `exact_jaccard` about 3x slower. Variant verification calls this once per variant.
    Raises:
        ValueError: if `n` < 1.
    """
    _check_size(n)
    tokens = _MARKED_TOKEN_RE.findall(text)
    if len(tokens) < n:
        return frozenset([" ".join(tokens)]) if tokens else frozenset()
    # zip reuses its tuple when join has let go of it; shorter tails end the windows
    return frozenset(map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False)))


def plain_shingles(text: str, n: int = 2) -> list[str]:
    """The `n`-plain-word shingles of `text`, in order; 1 to n-1 words give one shingle per word.

    Raises:
        ValueError: if `n` < 1.
    """
    _check_size(n)
    words = plain_words(text)
    if len(words) < n:
        return words
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
