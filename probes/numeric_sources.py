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


def prefer_chained_results(sources: list[list[tuple[Source, ...]]]) -> None:
    """Read a literal as the result just computed rather than an equal constant, when that is the
    only place the result could be used: `24/2 = 12 cubic inches; 12/4 = 3` (12 is no inches-per-foot
    here). Only a literal read as exactly one result of the step before and constants qualifies, and
    only when no other literal may be that result (`5*12 = 60; 60*60`: one 60 is minutes per hour):
    read as the constant, the result would be computed and never used."""
    uses: dict[int, int] = {}
    for row in sources:
        for readings in row:
            for leaf in (leaf for reading in readings for leaf in leaves(reading)):
                if leaf.kind == "result":
                    uses[leaf.index] = uses.get(leaf.index, 0) + 1
    for s, row in enumerate(sources):
        for k, readings in enumerate(row):
            results = [r for r in readings if r.kind == "result"]
            if len(readings) < 2 or len(results) != 1:
                continue
            if any(r.kind not in ("result", "const") for r in readings):
                continue
            if results[0].index == s - 1 and uses[s - 1] == 1:
                row[k] = (results[0],)


def loosely_used(sources: list[list[tuple[Source, ...]]]) -> set[int]:
    """Variables that some reading uses but no literal needs (never its only reading): the chain may
    not use them at all (`3*2` where 3 is the result 60/20 or "his 3 friends")."""
    seen: set[int] = set()
    needed: set[int] = set()
    for row in sources:
        for readings in row:
            indices = {leaf.index for reading in readings for leaf in leaves(reading) if leaf.kind == "var"}
            seen |= indices
            if len(readings) == 1:
                needed |= indices
    return seen - needed


def has_relation(value: Fraction, others: list[Fraction], counts: list[Fraction]) -> bool:
    """Whether `value` is the sum, difference or product of one of `counts` (fixed words: "One of
    them") and another of `others` or `counts` ("his 3 friends ... Two of ... One of ...")."""
    pool = others + counts
    return any(value in (a + b, a * b, a - b, b - a) for a in counts for b in pool if b is not a)
