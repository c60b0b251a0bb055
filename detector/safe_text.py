"""Outside text made safe to show or store: no terminal escapes, no spreadsheet formulas, no secrets.

Benchmark files, file names, model replies and server errors are untrusted. Before such text
reaches a terminal, a Markdown or HTML page, it goes through `printable`; before it becomes a
CSV cell, through `csv_cell`; before a reply or an error is stored, through `redact_secret`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

# 7-bit and 8-bit escape sequences: CSI (colours, cursor moves), the string sequences OSC (hyperlinks,
# clipboard writes), DCS, SOS, PM and APC up to their terminator (or the end), and two-byte ESC X.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x7e]?"
)
# What is left of C0/C1 controls (tab and newline kept), DEL, and the bidirectional overrides
# that make text read differently from its bytes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A spreadsheet reads a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# The shortest run of a key's characters that counts as a leak of that key.
SECRET_FRAGMENT_CHARS = 6
REDACTED = "[redacted]"
# A key shown masked, as servers do in errors: "sk-ab***************wxyz".
_MASKED_KEY = re.compile(r"[\w-]{0,16}\*{4,}[\w-]{0,16}")


def printable(text: str) -> str:
    """`text` without escape sequences and control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def printable_tree(value: Any) -> Any:
    """`value` with `printable` applied to every string in it (mappings, lists and tuples walked)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {printable_tree(key): printable_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_tree(item) for item in value]
    return value


def csv_cell(text: str) -> str:
    """A text CSV cell a spreadsheet shows as text: a leading `=`, `+`, `-`, `@` gets a `'`."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def redact_secret(text: str, secret: str | None) -> str:
    """`text` with `secret` and every run of SECRET_FRAGMENT_CHARS or more of its characters removed.

    Masked keys ("sk-ab****wxyz") are removed as well. A secret shorter than the fragment
    length is removed only whole.
    """
    if not secret or not text:
        return text
    covered = bytearray(len(text))
    size = min(SECRET_FRAGMENT_CHARS, len(secret))
    found = False
    fragments, pattern = _fragment_pattern(secret)
    for match in pattern.finditer(text) if any(fragment in text for fragment in fragments) else ():
        covered[match.start() : match.start() + size] = b"\x01" * size
        found = True
    if found:
        parts, position = [], 0
        for run in re.finditer(rb"\x01+", bytes(covered)):
            parts += [text[position : run.start()], REDACTED]
            position = run.end()
        parts.append(text[position:])
        text = "".join(parts)
    if "****" in text:
        text = _MASKED_KEY.sub(REDACTED, text)
    return text


@lru_cache(maxsize=8)
def _fragment_pattern(secret: str) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """Finds, overlapping, every position where SECRET_FRAGMENT_CHARS characters of `secret` start."""
    size = min(SECRET_FRAGMENT_CHARS, len(secret))
    fragments = tuple(sorted({secret[i : i + size] for i in range(len(secret) - size + 1)}))
    return fragments, re.compile("(?=(?:" + "|".join(re.escape(fragment) for fragment in fragments) + "))")
