"""How a GSM8K item's `####` answer follows from its chain's last result: the same number, that
number in cents, rounded up to whole packs, or converted to the unit the question asks for."""

from __future__ import annotations

import re
from fractions import Fraction
from math import ceil

HUNDRED = Fraction(100)
_IN_CENTS_RE = re.compile(r"\b(?:in cents|how many cents)\b", re.IGNORECASE)
_WHOLE_UNITS_RE = re.compile(
    r"\b(?:only buy whole|whole (?:packs|boxes|bags|cases|packages|cartons|bottles))\b", re.IGNORECASE)
# (smaller unit, larger unit, smaller units per larger unit)
_CONVERSIONS: tuple[tuple[str, str, int], ...] = (
    ("quarts?", "gallons?", 4), ("pints?", "quarts?", 2), ("pints?", "gallons?", 8),
    ("cups?", "gallons?", 16), ("ounces?", "pounds?", 16), ("inch(?:es)?", "f(?:ee|oo)t", 12),
    ("f(?:ee|oo)t", "yards?", 3), ("seconds?", "minutes?", 60), ("minutes?", "hours?", 60),
    ("hours?", "days?", 24), ("days?", "weeks?", 7), ("months?", "years?", 12),
    ("grams?", "kilograms?", 1000), ("meters?", "kilometers?", 1000), ("milliliters?", "liters?", 1000),
)


def _asks_for(question: str, unit: str) -> bool:
    return re.search(rf"\b(?:how (?:many|much)|in)\s+{unit}\b", question, re.IGNORECASE) is not None


def _conversion(question: str, after: str, last: Fraction, final: Fraction) -> str | None:
    """"per:4" (the last result divided by 4) or "times:4" when the solution writes the last result
    in one unit ("48 quarts") and the question asks for it in another ("how many gallons")."""
    for small, large, factor in _CONVERSIONS:
        for unit, asked, rule, value in ((small, large, "per", last / factor),
                                         (large, small, "times", last * factor)):
            if value != final or not re.match(rf"\$?[\d,.]*\s*{unit}\b", after, re.IGNORECASE):
                continue
            if _asks_for(question, asked) and re.search(rf"\b{unit}\b", question, re.IGNORECASE):
                return f"{rule}:{factor}"
    return None


def final_rule(question: str, last: Fraction, final: Fraction, after: str = "") -> str | None:
    """How `####` follows from the last result: "same", "cents" (a dollar amount asked in cents),
    "ceil" (a fraction of a pack rounded up where the question says only whole packs are bought),
    "per:N" / "times:N" (a unit conversion: `after`, the solution right after the last result's
    annotation, names the result's unit, which the question uses, and the question asks for
    another), or None."""
    if last == final:
        return "same"
    if last * HUNDRED == final and _IN_CENTS_RE.search(question) and "$" in question:
        return "cents"
    if last > 0 and last.denominator != 1 and final == ceil(last) and _WHOLE_UNITS_RE.search(question):
        return "ceil"
    return _conversion(question, after, last, final) if after else None


def apply_final_rule(rule: str, last: Fraction) -> Fraction:
    """The `####` answer a last result gives under a final_rule."""
    if rule == "cents":
        return last * HUNDRED
    if rule == "ceil":
        return Fraction(ceil(last))
    if rule.startswith("per:"):
        return last / int(rule[4:])
    if rule.startswith("times:"):
        return last * int(rule[6:])
    return last
