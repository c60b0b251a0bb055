"""Orders a solution states in prose and builds on: "He can make 20 glasses because 20 < 40".

The chain goes on with one of two values because of their order; the `<<...>>` annotations do not
record that choice, so a draw that flips the order would keep the old choice and a wrong gold.
Each stated order becomes a constraint that a draw must keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from probes.numeric.solution.arithmetic import parse_number
from probes.numeric.solution.chain import ANNOTATION_RE, ChainError, Step

_NUMBER = r"\$?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SYMBOL_RE = re.compile(rf"{_NUMBER}\s*[a-z%]*\s*(<=|>=|≤|≥|<|>)\s*{_NUMBER}")
_WORDS_RE = re.compile(
    rf"{_NUMBER}\s*(?:[a-z]+\s+){{0,2}}?is\s+(?:(greater|more|larger|bigger|higher)|(less|smaller|fewer|lower))"
    rf"\s+than\s+{_NUMBER}",
    re.IGNORECASE,
)
# Every `_SYMBOL_RE` match holds one of these and every `_WORDS_RE` match a `than`: quick tests skip
# the two scans (each ~30 us a solution, tried at every position) where no order is stated.
_SYMBOLS = ("<", ">", "≤", "≥")
_THAN_RE = re.compile(r"than", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Order:
    """`low` < `high` (or <= when not `strict`); each side is ("result", step) or ("var", index)."""

    low: tuple[str, int]
    high: tuple[str, int]
    strict: bool = True


def _sides(value: Fraction, steps: list[Step], stated: list[Fraction]) -> list[tuple[str, int]]:
    sides = [("result", j) for j, step in enumerate(steps) if step.result == value]
    return sides or [("var", i) for i, v in enumerate(stated) if v == value]


def prose_orders(solution: str, steps: list[Step], stated: list[Fraction]) -> list[Order]:
    """The orders the solution states between its results or stated numbers.

    Raises:
        ChainError: `compared_in_prose` when a compared number is neither a result nor stated, or the
            stated order is false.
    """
    prose = ANNOTATION_RE.sub(" ", solution)  # every annotation holds '<' and '>': test the prose
    found: list[tuple[Fraction, Fraction, bool]] = []  # (low, high, strict)
    if any(symbol in prose for symbol in _SYMBOLS):
        for match in _SYMBOL_RE.finditer(prose):
            left, symbol, right = parse_number(match.group(1)), match.group(2), parse_number(match.group(3))
            strict = symbol in ("<", ">")
            found.append((left, right, strict) if symbol in ("<", "<=", "≤") else (right, left, strict))
    if _THAN_RE.search(prose):
        for match in _WORDS_RE.finditer(prose):
            left, right = parse_number(match.group(1)), parse_number(match.group(4))
            found.append((right, left, True) if match.group(2) else (left, right, True))
    orders: list[Order] = []
    for low, high, strict in found:
        if not (low < high or (not strict and low <= high)):
            raise ChainError("compared_in_prose", f"the stated order of {low} and {high} is false")
        lows, highs = _sides(low, steps, stated), _sides(high, steps, stated)
        if not lows or not highs:
            raise ChainError("compared_in_prose", f"{low} or {high} is neither a result nor stated")
        orders.extend(Order(a, b, strict) for a in lows for b in highs)
    return orders


def keeps_orders(orders: list[Order], values: Sequence[Fraction], results: Sequence[Fraction | int]) -> bool:
    """Whether new values and step results keep every stated order."""
    for order in orders:
        low = results[order.low[1]] if order.low[0] == "result" else values[order.low[1]]
        high = results[order.high[1]] if order.high[0] == "result" else values[order.high[1]]
        if low > high or (order.strict and low == high):
            return False
    return True
