"""Mental arithmetic in a worked solution: a literal that is one unwritten operation on available
numbers (`1.25 hours = 75 minutes`, then `75 + 5`), and the checks that keep such readings safe."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from probes.numeric.solution.arithmetic import literals
from probes.numeric.solution.chain import ChainError, Step
from probes.numeric.template.sources import Source, apply_op, leaves, one_operation

if TYPE_CHECKING:
    from probes.numeric.template.template import Var

MAX_HIDDEN = 3


def hidden_operations(literal: Fraction, step_index: int, steps: list[Step], variables: list[Var],
                       fixed: set[Fraction], marks: list[tuple[int, bool]]) -> list[Source]:
    """Readings of a literal as ONE unwritten product or quotient of two available numbers (stated
    numbers, earlier results, licensed constants other than 1): `1.25 hours = 75 minutes`. All
    are kept as readings (a draw must make them agree); more than MAX_HIDDEN is too ambiguous.
    Two constants never qualify, nor two stated numbers, nor a small whole literal (<= 12)."""
    operands: list[tuple[Source, Fraction]] = [(Source("const", value=c), c) for c in sorted(fixed) if c != 1]
    operands += [(Source("var", i), var.value) for i, var in enumerate(variables) if var.value not in fixed]
    operands += [(Source("result", j), steps[j].result) for j in range(step_index)]
    found: list[Source] = []
    if literal.denominator == 1 and abs(literal) <= 12:
        return []  # `2 sides`, `8 = 3.5 + 4.5`, `5 days`: small counts are too often something else
    for x, (a, va) in enumerate(operands):
        for b, vb in operands[x:]:
            for op, first, second in (("*", a, b), ("/", a, b), ("/", b, a)):
                if first == second or first.kind == second.kind == "var":
                    continue  # `20` for "twenties" is not 10 + 10: a stated number meets a result or a unit
                v1, v2 = (va, vb) if first is a else (vb, va)
                if (op == "/" and not v2) or apply_op(op, v1, v2) != literal:
                    continue
                if first.kind == second.kind == "const":
                    continue
                found.append(Source("op", op=op, operands=(first, second)))
    found = list(dict.fromkeys(found))
    if not found or len(found) > MAX_HIDDEN:
        return []
    for source in found:
        for leaf in leaves(source):
            if leaf.kind == "var":
                marks.append((leaf.index, False))
            elif leaf.kind == "const":
                marks.extend((i, True) for i, var in enumerate(variables) if var.value == leaf.value)
    return found


def check_mental_arithmetic(steps: list[Step], sources: list[list[tuple[Source, ...]]], variables: list[Var],
                             fixed: set[Fraction], states_one: bool) -> None:
    """A literal 1 the question does not write (as 1 or one) must not follow a result equal to a unit
    constant (`100 cents = $1`).
    A solution that computes in its head once may do it again where the result happens to equal a
    stated number (`24 green - 12 fewer = 12 white`, then `... + 12`): when a literal needs an unwritten
    operation, no later literal read as a stated number or a constant may also be one operation on
    such a literal and another available number (a stated number, a constant, an earlier result).

    Raises:
        ChainError: `unexplained_literal` naming the literal.
    """
    units: set[Fraction] | None = None  # 100 cents, 60 minutes, 12 inches, 16 ounces... (when needed)
    base: set[Fraction] | None = None  # stated numbers and constants (when some literal is hidden)
    earlier: set[Fraction] = set()  # results of the steps before this one
    hidden: set[Fraction] = set()  # literals computed in the head, up to this step
    for step, row in zip(steps, sources, strict=True):
        lits = literals(step.tree)
        hidden |= {lit.value for lit, readings in zip(lits, row, strict=True) if readings[0].kind == "op"}
        made: set[Fraction] = set()
        if hidden:  # most chains have no hidden literal: nothing is made, skip the set arithmetic
            if base is None:
                base = {var.value for var in variables} | (fixed - {1})
            available = hidden | base | earlier
            made = {value for a in hidden for b in available - {a} for value in one_operation(a, b)}
        for lit, readings in zip(lits, row, strict=True):
            if not states_one and earlier and lit.value == 1:
                if units is None:
                    units = {c for c in fixed if c >= 10}
                constant = all(source.kind == "const" for source in readings)
                numerator = step.expr_text[lit.end:].lstrip().startswith("/")  # `1/4` is a fraction
                if earlier & units and constant and not numerator:
                    # `100 cents = $1` then `5 - 1`: the 1 may be a result in other units
                    raise ChainError("unexplained_literal", "1 may be a converted result")
            if made and lit.value in made and any(source.kind in ("var", "const") for source in readings):
                raise ChainError("unexplained_literal", f"{lit.value} may be mental arithmetic too")
        earlier.add(step.result)
