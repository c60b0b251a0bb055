"""The three word rules of `detect`: how a text becomes the words (or tokens) it is compared by.

The rules differ in results, so each is a named option rather than one silently replacing
another (changing a rule would change variant sets, overlap matches and scores):

- scan words (`split_words`, `normalize_text`): NFKC-normalised (non-ASCII text only),
  lower-cased runs of `str.isalnum()` characters; underscores separate words. The corpus
  overlap scan and its verification use this rule (it has a vectorised twin, `tokenize`).
- plain words (`plain_words`, `plain_text`): lower-cased runs of regex `\\w` characters
  (underscore included, no NFKC). Solution echo and continuation scoring use this rule.
- marked tokens (`marked_tokens`): case-sensitive alphanumeric runs plus every punctuation
  mark as its own token (underscores only separate). Variant verification uses it: option
  labels `A` and `a` differ and a changed sign or bracket counts as a change.
"""

from __future__ import annotations

import re
import unicodedata

_SCAN_WORD_RE = re.compile(r"[^\W_]+")  # \w minus underscore == str.isalnum()
_PLAIN_WORD_RE = re.compile(r"\w+")
_MARKED_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")  # case-sensitive words and punctuation marks


def prepare_text(text: str) -> str:
    """NFKC-normalise (non-ASCII text only) and lower-case: scan-word offsets index this text."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def split_words(text: str) -> list[str]:
    """The scan words of `text`: lower-cased alphanumeric runs after NFKC."""
    return _SCAN_WORD_RE.findall(prepare_text(text))


def normalize_text(text: str) -> str:
    """The scan words of `text` joined by single spaces."""
    return " ".join(split_words(text))


def plain_words(text: str) -> list[str]:
    """The plain words of `text`: lower-cased runs of `\\w` characters (underscore included)."""
    return _PLAIN_WORD_RE.findall(text.lower())


def plain_text(text: str) -> str:
    """The plain words of `text` joined by single spaces (punctuation and spacing dropped)."""
    return " ".join(_PLAIN_WORD_RE.findall(text.lower()))


def marked_tokens(text: str) -> list[str]:
    """Case-sensitive alphanumeric runs and single punctuation marks, in order."""
    return _MARKED_TOKEN_RE.findall(text)
