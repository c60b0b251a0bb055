"""An item's kind, decided from the item itself when it is loaded or perturbed.

The kind says how an item is asked and scored: "math" (a numeric answer, compared as numbers),
"multiple_choice" (a label among the item's choices), "cloze" (the gold option's text) or
"continuation" (a truncated text whose real rest is compared by similarity) or "code" (a
programming task whose answer is run against its tests in the sandbox). Prompts and
scoring both read it from here, so they always agree.
"""

from __future__ import annotations

import re
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Final

from detector.types import BenchmarkItem

ITEM_KINDS: Final = ("continuation", "multiple_choice", "math", "cloze", "code")


def item_kind(item: BenchmarkItem, scoring: str = "answer") -> str:
    """One of "continuation", "multiple_choice", "math", "cloze", "code"."""
    if scoring == "continuation":
        return "continuation"
    if item.choices:
        return "multiple_choice"
    kind = item.metadata.get("kind", "")
    if kind == "code":
        return "code"
    if kind == "math":
        return "math"
    if kind == "multiple_choice" or kind == "cloze":
        return "cloze"
    return "math" if normalize_number(item.answer) is not None else "cloze"


def normalize_number(text: str) -> str | None:
    """Return the canonical decimal string of a number written in `text`, or None.

    "1,234.50" -> "1234.5", "$-3" -> "-3", "18.00" -> "18", "7%" -> "7", "3/4" -> "0.75".
    """
    cleaned = text.strip().replace("−", "-").replace("percent", "")
    cleaned = re.sub(r"[\s$€£¥,%\\]", "", cleaned)
    cleaned = cleaned.rstrip(".")
    numerator, slash, denominator = cleaned.partition("/")
    if cleaned.count("-") > 1 or ("-" in cleaned and not cleaned.startswith("-")):
        return None
    # Enough precision for every digit the model wrote: degenerate outputs hold hundreds of them.
    with localcontext() as context:
        context.prec = max(28, len(cleaned) + 2)
        try:
            value = Decimal(numerator)
            if slash:
                value = value / Decimal(denominator)
            if not value.is_finite():
                return None
            if value == value.to_integral_value():
                return format(value.to_integral_value(), "f")
            return format(value.normalize(), "f")
        except (InvalidOperation, DivisionByZero, ArithmeticError):
            return None
