"""Where a numeric template's solution literals come from (the readings of a literal)."""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction
from math import gcd
from typing import NamedTuple

from probes.numeric.solution.arithmetic import BinOp, Neg, Num, literals
from probes.numeric.solution.chain import UNIT_CONSTANTS, Step


class Source(NamedTuple):
    """Where a solution literal comes from: ('var', i, transform), ('result', j), ('const', value) or
    ('op', op, operands): one unwritten operation on two of the others (mental arithmetic).
    (A NamedTuple: immutable, a frozen dataclass's equality and hash, and about 3x faster to build.)"""

    kind: str
    index: int = -1  # type: ignore[assignment]  # shadows tuple.index(), which no caller uses
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


Key = tuple[int, int]  # a value as (numerator, denominator) in lowest terms, denominator > 0


def key_of(value: Fraction) -> Key:
    return value.numerator, value.denominator


def _ratio(numerator: int, denominator: int) -> Key:
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    common = gcd(numerator, denominator)
    return numerator // common, denominator // common


def one_operation_keys(a: Key, b: Key) -> set[Key]:
    """`one_operation` on keys, in integers only (no Fraction is made)."""
    (an, ad), (bn, bd) = a, b
    cross, other, below = an * bd, bn * ad, ad * bd
    out = {_ratio(cross + other, below), _ratio(cross - other, below), _ratio(other - cross, below),
           _ratio(an * bn, below)}
    if bn:
        out.add(_ratio(cross, other))
    if an:
        out.add(_ratio(other, cross))
    return out


def drop_dangling_readings(sources: list[list[tuple[Source, ...]]], restated: set[int] | None = None) -> None:
    """Keep only the readings that some combination leaving no result unused takes: a solution uses
    every result it computes but the last, so `24/2 = 12 cubic inches; 12/4` reads 12 as the shelf,
    not 12 inches a foot, and `500*0.2 = 100; 500-100 = 400; 400*0.25 = 100; 400-100` reads the
    first 100 as 500*0.2 and the second as 400*0.25. When every combination leaves one unused
    (or none does), nothing changes. `5*12 = 60; 60*60`: both 60s keep both readings. A stated
    number is always kept as a reading (`25/5 = 5; 5/1`: 5 stays the result and the stated 5).
    The `restated` steps (see `restated_as_one_unit`) need no later use: their result is also the
    unit constant, so every reading of it is kept and a variant must make them agree."""
    ambiguous = [(s, k) for s, row in enumerate(sources) for k, readings in enumerate(row)
                 if len(readings) > 1]
    if not ambiguous or math.prod(len(sources[s][k]) for s, k in ambiguous) > 1024:
        return
    needed = set(range(len(sources) - 1)) - (restated or set())
    fixed_uses = {leaf.index for row in sources for readings in row if len(readings) == 1
                  for leaf in leaves(readings[0]) if leaf.kind == "result"}
    keep: list[set[int]] = [set() for _ in ambiguous]
    for combo in itertools.product(*(range(len(sources[s][k])) for s, k in ambiguous)):
        used = set(fixed_uses)
        for (s, k), r in zip(ambiguous, combo, strict=True):
            used |= {leaf.index for leaf in leaves(sources[s][k][r]) if leaf.kind == "result"}
        if needed <= used:
            for kept, r in zip(keep, combo, strict=True):
                kept.add(r)
    if not any(keep):
        return
    for (s, k), kept in zip(ambiguous, keep, strict=True):
        sources[s][k] = tuple(reading for r, reading in enumerate(sources[s][k])
                              if r in kept or reading.kind == "var")  # a stated number is never dropped


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


def _shape(node: BinOp | Num | Neg) -> object:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg):
        return ("neg", _shape(node.operand))
    return (node.op, _shape(node.left), _shape(node.right))


def drop_self_divisions(trees: list[BinOp | Num | Neg], sources: list[list[tuple[Source, ...]]]) -> None:
    """A divisor is not the result of dividing the same dividend: in `12/3 = 4; 12/4` the second 4 is
    the constant of "a quarter", not 12/3 (12 / (12/3) is 3 whatever 12 is; no solution computes it).
    Drops the reading `result j` of a step `X / d` when step j is `X / c` with X read the same way
    and another reading of d remains."""
    for s, tree in enumerate(trees):
        if not (isinstance(tree, BinOp) and tree.op == "/" and isinstance(tree.right, Num)):
            continue
        k = tree.right.index
        dividend = [sources[s][num.index] for num in literals(tree.left)]
        drop: list[Source] = []
        for reading in sources[s][k]:
            if reading.kind != "result" or len(sources[s][k]) - len(drop) < 2:
                continue
            other = trees[reading.index]
            if (isinstance(other, BinOp) and other.op == "/" and _shape(other.left) == _shape(tree.left)
                    and [sources[reading.index][num.index] for num in literals(other.left)] == dividend):
                drop.append(reading)
        if drop:
            sources[s][k] = tuple(reading for reading in sources[s][k] if reading not in drop)


def pin_forced_results(sources: list[list[tuple[Source, ...]]]) -> set[int]:
    """A result that only one literal can use, in the very next step, is that literal: `7-2-1 = 4;
    4/2` reads 4 as the 4 just computed, not the stated "four packs" (a solution uses what it computes,
    and uses it at once). Only where the literal's other readings are stated numbers. Returns the
    variables some reading still reads."""
    users: dict[int, set[tuple[int, int]]] = {}  # result -> the literals that may read it (one pass)
    for s, row in enumerate(sources):
        for k, readings in enumerate(row):
            for leaf in (leaf for r in readings for leaf in leaves(r)):
                if leaf.kind == "result":
                    users.setdefault(leaf.index, set()).add((s, k))
    for j in range(len(sources) - 1):
        if len(users.get(j, ())) != 1:
            continue
        ((s, k),) = users[j]  # a pin drops only stated-number readings: `users` stays true
        if s != j + 1:
            continue
        readings = sources[s][k]
        pinned = Source("result", j)
        if pinned in readings and all(r == pinned or r.kind == "var" for r in readings) and len(readings) > 1:
            sources[s][k] = (pinned,)
    return {leaf.index for row in sources for readings in row for r in readings for leaf in leaves(r)
            if leaf.kind == "var"}


def _flat_operands(node: BinOp | Num | Neg, op: str) -> list[BinOp | Num | Neg] | None:
    if isinstance(node, BinOp) and node.op == op:
        left, right = _flat_operands(node.left, op), _flat_operands(node.right, op)
        return None if left is None or right is None else left + right
    return [node] if isinstance(node, Num) else None


def pin_commutative_twins(trees: list[BinOp | Num | Neg], sources: list[list[tuple[Source, ...]]]) -> None:
    """`210/70 = 3; 240/80 = 3; 3+3`: each 3 may be either result, and only these two literals can
    read them; in a plain sum (or product) either way gives the same value, so the first reads the
    first result and the second the second."""
    for s, tree in enumerate(trees):
        nums = _flat_operands(tree, "+") or _flat_operands(tree, "*") or []
        row = sources[s]
        for a, b in itertools.combinations([num.index for num in nums if isinstance(num, Num)], 2):
            pair = row[a]
            if pair != row[b] or len(pair) != 2 or any(r.kind != "result" for r in pair):
                continue
            others = [readings for t, other in enumerate(sources) for k, readings in enumerate(other)
                      if (t, k) not in ((s, a), (s, b))]
            if any(r in pair for readings in others for r in readings):
                continue
            row[a], row[b] = (pair[0],), (pair[1],)


# `= <<20+4=24>>24 hours or 1 day`: the prose declares a result to be one unit
_ONE_UNIT_AFTER_RE = re.compile(
    r"\s*\$?[\d,.]*\s*(?:[a-z]+\s+){0,2}?(?:or|is|equals|makes|making|which is)\s+(?:exactly\s+)?"
    r"(?:1|one|a|an)\s+(?:full\s+|whole\s+)?([a-z]+)", re.IGNORECASE)


def restated_as_one_unit(steps: list[Step], solution: str) -> set[int]:
    """Steps whose result the prose right after calls one unit whose constant it equals ("20+4 = 24
    hours or 1 day", "2*30 = 60 minutes or 1 hour"). A later 24 may then be that result or the 24
    hours of a day: the solution relies on the coincidence, which a new draw must keep."""
    restated = set()
    for j, step in enumerate(steps):
        match = _ONE_UNIT_AFTER_RE.match(solution, step.end)
        if match is None:
            continue
        unit = match.group(1).lower()
        if any(unit in (word, word + "s") for word in UNIT_CONSTANTS.get(step.result, ()) if word):
            restated.add(j)
    return restated


def source_dependencies(sources: list[list[tuple[Source, ...]]]) -> list[set[int]]:
    """For each step, the variables its result may depend on under any reading (transitively)."""
    depends: list[set[int]] = []
    for row in sources:
        needs: set[int] = set()
        for readings in row:
            for source in (leaf for reading in readings for leaf in leaves(reading)):
                if source.kind == "var":
                    needs.add(source.index)
                elif source.kind == "result":
                    needs |= depends[source.index]
        depends.append(needs)
    return depends
