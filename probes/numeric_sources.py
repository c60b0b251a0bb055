"""Where a numeric template's solution literals come from (the readings of a literal)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Source:
    """Where a solution literal comes from: ('var', i, transform), ('result', j), ('const', value) or
    ('op', op, operands): one unwritten operation on two of the others (mental arithmetic)."""

    kind: str
    index: int = -1
    transform: str = "id"
    value: Fraction = Fraction(0)
    op: str = ""
    operands: tuple[Source, ...] = ()


def leaves(source: Source) -> tuple[Source, ...]:
    """The var/result/const sources a reading is made of (an 'op' reading's operands)."""
    return source.operands if source.kind == "op" else (source,)


def apply_op(op: str, a: Fraction, b: Fraction) -> Fraction:
    """`a op b` for one of + - * /."""
    return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b


def one_operation(a: Fraction, b: Fraction) -> list[Fraction]:
    """Every value one operation on a and b gives."""
    out = [a + b, a - b, b - a, a * b]
    if b:
        out.append(a / b)
    if a:
        out.append(b / a)
    return out
