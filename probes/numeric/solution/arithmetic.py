"""A small, safe arithmetic evaluator: numbers, + - * /, parentheses, unary minus. No eval.

Also accepted, as written in worked solutions: `x`/`×` for times, `÷`, the minus sign `−`, a `$`
before a number, and thousands commas (`80,000`).

Expressions are parsed once into a tiny tree whose leaves are numbers (with their text span),
so a caller can substitute new values for chosen leaves and evaluate again exactly
(`fractions.Fraction`, no floating point).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple, cast

# One token with its leading space and `$` (`lead`), or else the one character no token starts with.
_TOKEN = re.compile(
    r"(\s*\$?\s*)(?:(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)|([-+*/()x×÷−–]))|([\s\S])"
)


class ExpressionError(ValueError):
    """The text is not a plain arithmetic expression (or divides by zero)."""


class Num(NamedTuple):
    """A literal number in an expression; `index` numbers the literals left to right.

    The nodes are NamedTuples: immutable, with a frozen dataclass's equality and hash, and about
    3x faster to build (a GSM8K numeric run builds ~30k)."""

    value: Fraction
    index: int  # type: ignore[assignment]  # shadows tuple.index(), which no caller uses
    start: int
    end: int


class BinOp(NamedTuple):
    op: str
    left: Node
    right: Node


class Neg(NamedTuple):
    operand: Node


Node = Num | BinOp | Neg


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


@lru_cache(maxsize=65536)
def parse_number(text: str) -> Fraction:
    """Parse `1,234.50`-style text into an exact Fraction (remembered: fractions are immutable).

    Raises:
        ExpressionError: if the text is not a plain decimal number.
    """
    cleaned = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(cleaned):
        raise ExpressionError(f"not a number: {text!r}")
    # from ints, not from the text: Fraction's own string parsing is about 4x slower
    whole, _, decimals = cleaned.partition(".")
    if not decimals:
        return Fraction(int(whole))
    scale = 10 ** len(decimals)
    return Fraction(int(whole or "0") * scale + int(decimals), scale)


_OPERATOR_OF = {"x": "*", "×": "*", "÷": "/", "−": "-", "–": "-"}


def tokenize(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, symbol, start, end) of each number ("num") and operator ("op"), operators normalised.

    Raises:
        ExpressionError: on a character that starts no token.
    """
    tokens: list[tuple[str, str, int, int]] = []
    pos = 0
    # findall gives no positions: they are summed from the lengths (tokens are contiguous)
    for lead, number, op, bad in _TOKEN.findall(text, 0, len(text.rstrip())):
        if bad:
            raise ExpressionError(f"unexpected character {bad!r} at {pos} in {text!r}")
        start = pos + len(lead)
        if number:
            pos = start + len(number)
            tokens.append(("num", number, start, pos))
        else:
            pos = start + 1
            tokens.append(("op", _OPERATOR_OF.get(op, op), start, pos))
    return tokens


def _parse_flat(tokens: list[tuple[str, str, int, int]]) -> Node | None:
    """The tree of `n op n op ... n` with + - * / only (most annotations), built in one loop
    exactly as `_Parser` builds it; None for anything else (brackets, signs, malformed)."""
    count = len(tokens)
    if not count % 2:
        return None
    for i in range(1, count, 2):
        if tokens[i - 1][0] != "num" or tokens[i][0] != "op" or tokens[i][1] not in "+-*/":
            return None
    if tokens[-1][0] != "num":
        return None
    _, digits, start, end = tokens[0]
    term: Node = Num(parse_number(digits), 0, start, end)  # the product or quotient being built
    total: Node | None = None  # the sum of the terms before it
    add = ""
    for index in range(1, count // 2 + 1):
        op = tokens[2 * index - 1][1]
        _, digits, start, end = tokens[2 * index]
        num = Num(parse_number(digits), index, start, end)
        if op in "*/":
            term = BinOp(op, term, num)
        else:
            total = term if total is None else BinOp(add, total, term)
            add, term = op, num
    return term if total is None else BinOp(add, total, term)


class _Parser:
    """Recursive descent: expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*."""

    def __init__(self, text: str, tokens: list[tuple[str, str, int, int]]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.count = 0

    def _peek(self) -> tuple[str, str, int, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("empty expression")
        node = self._expr()
        if self.pos != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.pos][1]!r} in {self.text!r}")
        return node

    def _expr(self) -> Node:
        node = self._term()
        while (tok := self._peek()) is not None and tok[0] == "op" and tok[1] in "+-":
            self.pos += 1
            node = BinOp(tok[1], node, self._term())
        return node

    def _term(self) -> Node:
        node = self._unary()
        while (tok := self._peek()) is not None and (
            (tok[0] == "op" and tok[1] in "*/(") or (tok[0] == "num" and self.tokens[self.pos - 1][1] == ")")
        ):
            # `2(40+9)`, `(1/2) 278`: a bracket right after an operand, or an operand right after
            # a bracket, multiplies
            if tok[0] == "op" and tok[1] != "(":
                self.pos += 1
            node = BinOp(tok[1] if tok[1] in "*/" else "*", node, self._unary())
        return node

    def _unary(self) -> Node:
        tok = self._peek()
        if tok is None:
            raise ExpressionError(f"expression ends early: {self.text!r}")
        if tok[0] == "op" and tok[1] == "-":
            self.pos += 1
            return Neg(self._unary())
        if tok[0] == "op" and tok[1] == "(":
            self.pos += 1
            node = self._expr()
            close = self._peek()
            if close is None or close[1] != ")":
                raise ExpressionError(f"missing ')' in {self.text!r}")
            self.pos += 1
            return node
        if tok[0] == "num":
            self.pos += 1
            node = Num(parse_number(tok[1]), self.count, tok[2], tok[3])
            self.count += 1
            return node
        raise ExpressionError(f"unexpected {tok[1]!r} in {self.text!r}")


@lru_cache(maxsize=16384)
def parse_expression(text: str) -> Node:
    """Parse arithmetic text into a tree (remembered: trees are immutable). Anything but numbers,
    + - * / ( ) is rejected.

    Raises:
        ExpressionError: on any other character, a malformed expression, or empty text.
    """
    tokens = tokenize(text)
    flat = _parse_flat(tokens)
    return flat if flat is not None else _Parser(text, tokens).parse()


def literals(node: Node) -> list[Num]:
    """The literal numbers of a tree, left to right."""
    if isinstance(node, Num):
        return [node]
    if isinstance(node, Neg):
        return literals(node.operand)
    return literals(node.left) + literals(node.right)


def evaluate(node: Node, values: Sequence[Fraction] | None = None) -> Fraction:
    """Evaluate exactly; `values[i]` replaces literal i when given.

    Raises:
        ExpressionError: on division by zero.
    """
    value = _exact(node, values)
    return Fraction(value) if isinstance(value, int) else value


def _exact(node: Node, values: Sequence[Fraction] | None) -> int | Fraction:
    """`evaluate` in ints while values are whole (int arithmetic is about 50x cheaper than
    Fraction arithmetic); a Fraction only where a literal or a quotient is not whole."""
    if type(node) is Num:
        value = node.value if values is None else values[node.index]
        return value.numerator if value.denominator == 1 else value
    if type(node) is Neg:
        return -_exact(node.operand, values)
    assert type(node) is BinOp
    left = _exact(node.left, values)
    right = _exact(node.right, values)
    op = node.op
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        raise ExpressionError("division by zero")
    if isinstance(left, int) and isinstance(right, int):
        return left // right if left % right == 0 else Fraction(left, right)
    return cast(Fraction, left / right)  # a Fraction operand makes a Fraction, not a float


def evaluates_to(node: Node, value: Fraction) -> bool:
    """Whether `node` evaluates exactly to `value` (a whole result compared as ints, with no
    Fraction built).

    Raises:
        ExpressionError: on division by zero.
    """
    computed = _exact(node, None)
    if type(computed) is int:
        return value.denominator == 1 and value.numerator == computed
    return computed == value


def evaluate_text(text: str) -> Fraction:
    """Parse and evaluate arithmetic text exactly (the safe replacement for `eval`)."""
    return evaluate(parse_expression(text))


def format_number(value: Fraction, decimals: int | None = None) -> str:
    """Format an exact value as plain decimal text (`18`, `3.5`); None if it does not terminate.

    With `decimals`, round half-up to that many places and keep trailing zeros (`2.50`).
    """
    numerator, denominator = value.numerator, value.denominator
    if decimals is None:
        if denominator == 1:
            return str(numerator)
        decimals = decimal_places(value)
        if decimals is None:
            raise ExpressionError(f"{value} has no finite decimal form")
        return _fixed_point(numerator, denominator, decimals).rstrip("0").rstrip(".")
    return _fixed_point(numerator, denominator, decimals)


def _fixed_point(numerator: int, denominator: int, decimals: int) -> str:
    """numerator/denominator rounded half away from zero to `decimals` places, in integers only
    (floor((2|n|10^k + d) / 2d) is |n/d| * 10^k rounded half up; no Fraction is made)."""
    rounded = (2 * abs(numerator) * 10**decimals + denominator) // (2 * denominator)
    sign = "-" if numerator < 0 and rounded else ""
    digits = str(rounded).rjust(decimals + 1, "0")
    if decimals == 0:
        return sign + digits
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


def decimal_places(value: Fraction) -> int | None:
    """How many decimal places `value` needs, or None if its decimal form does not terminate."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    return max(twos, fives) if den == 1 else None
