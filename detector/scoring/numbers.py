"""Extract the final number from a free-text answer and compare numbers numerically.

GSM8K-style outputs end with `#### 42`; chat models write "The answer is $1,234.50."
We take the `####` number when present, else the number after "answer is"/"Answer:", else
the last number in the text. Commas, currency signs, percent signs and trailing units are
dropped; decimals compare numerically ("18.00" == "18").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER = r"[-−]?[$€£¥]?\s?[-−]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)"
_NUMBER_RE = re.compile(_NUMBER)
_HASHES_RE = re.compile(r"####\s*(" + _NUMBER + ")")
_ANSWER_IS_RE = re.compile(
    r"(?:answer\s*(?:is|:|=)|answer\s+is\s*:)\s*\**\s*(?:\\boxed\{)?\s*(" + _NUMBER + ")", re.IGNORECASE
)
_BOXED_RE = re.compile(r"\\boxed\{\s*(" + _NUMBER + r")")


def normalize_number(text: str) -> str | None:
    """Return the canonical decimal string of a number written in `text`, or None.

    "1,234.50" -> "1234.5", "$-3" -> "-3", "18.00" -> "18", "7%" -> "7".
    """
    cleaned = text.strip().replace("−", "-")
    cleaned = re.sub(r"[\s$€£¥,%]", "", cleaned)
    cleaned = cleaned.rstrip(".")
    if cleaned.count("-") > 1 or ("-" in cleaned and not cleaned.startswith("-")):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    normal = value.normalize()
    return format(normal, "f")


def extract_number(text: str) -> str | None:
    """Return the model's final numeric answer in canonical form, or None if it gave none."""
    for pattern in (_HASHES_RE, _BOXED_RE, _ANSWER_IS_RE):
        matches = pattern.findall(text)
        if matches:
            value = normalize_number(matches[-1])
            if value is not None:
                return value
    for raw in reversed(_NUMBER_RE.findall(text)):
        value = normalize_number(raw)
        if value is not None:
            return value
    return None


def numbers_equal(left: str | None, right: str | None, *, rel_tol: float = 1e-9) -> bool:
    """Whether two number strings denote the same value (numerically, not textually)."""
    if left is None or right is None:
        return False
    a, b = normalize_number(left), normalize_number(right)
    if a is None or b is None:
        return False
    da, db = Decimal(a), Decimal(b)
    if da == db:
        return True
    scale = max(abs(da), abs(db))
    return bool(abs(da - db) <= Decimal(str(rel_tol)) * scale)
