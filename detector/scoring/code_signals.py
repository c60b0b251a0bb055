"""Memorization signals for code replies: stale behaviour and solution echo on code tokens.

- Stale: a variant's reply uses what only the original had (the old function name, an original
  example call); the placebo is the original's reply using what only the variant has. Both
  read the `stale_markers` / `fresh_markers` a code family records in the variant's metadata.
- Echo: Jaccard similarity of code-token 3-gram sets (Python tokens, no comments or layout)
  of a reply with the original's reference and with the variant's own reference.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from functools import lru_cache

from detector.types import BenchmarkItem

NGRAM = 3
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
         tokenize.ENCODING, tokenize.ENDMARKER}  # fmt: skip
_FALLBACK_RE = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\"|\S")


@lru_cache(maxsize=65536)
def code_tokens(code: str) -> tuple[str, ...]:
    """Python tokens of `code` without comments and layout; a regex split where it does not tokenize."""
    try:
        return tuple(tok.string for tok in tokenize.generate_tokens(io.StringIO(code).readline)
                     if tok.type not in _SKIP)  # fmt: skip
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return tuple(_FALLBACK_RE.findall(code))


def token_ngrams(code: str, n: int = NGRAM) -> frozenset[tuple[str, ...]]:
    tokens = code_tokens(code)
    if len(tokens) < n:
        return frozenset([tokens]) if tokens else frozenset()
    return frozenset(zip(*(tokens[k:] for k in range(n)), strict=False))


def code_jaccard(left: str, right: str) -> float:
    a, b = token_ngrams(left), token_ngrams(right)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def code_echo(reply: str, parent_solution: str, own_solution: str) -> tuple[float, float]:
    """(Jaccard with the original's reference, Jaccard with the variant's own reference), of the
    reply's code (its longest fenced block, or all of it)."""
    from detector.scoring.code import extract_code

    code = extract_code(reply, "")
    return code_jaccard(code, parent_solution), code_jaccard(code, own_solution)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace('"', "'")


def _markers(item: BenchmarkItem, key: str) -> list[str]:
    try:
        values = json.loads(item.metadata.get(key, "[]"))
    except ValueError:
        return []
    return [str(v) for v in values if str(v)]


def _mentions(reply: str, marker: str) -> bool:
    if marker.isidentifier():  # a name: as a whole token of the reply's code
        return marker in code_tokens(reply)
    return _squash(marker) in _squash(reply)


def stale_code(variant_item: BenchmarkItem, reply: str) -> bool:
    """Whether a variant's reply uses something only the original had."""
    return any(_mentions(reply, m) for m in _markers(variant_item, "stale_markers"))


def placebo_code(variant_item: BenchmarkItem, original_reply: str) -> bool:
    """Whether the original's reply uses something only the variant has (the chance rate)."""
    return any(_mentions(original_reply, m) for m in _markers(variant_item, "fresh_markers"))
