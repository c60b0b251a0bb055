"""A numeric template's chain compiled once into closures, in floating point (the fast, inexact
screen of a draw), over numpy arrays of floats (the same screen for many draws at once) or exactly
over rationals (the check that decides). Exactly, a whole value is a Python int and any other a
Fraction: int arithmetic is exact and many times faster than Fraction arithmetic, and a division
that does not come out whole makes a Fraction.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from probes.numeric.solution.arithmetic import BinOp, Neg, Node, Num
from probes.numeric.template.sources import Source
from probes.numeric.template.template import Template

# (variable values, earlier results) -> value; floats for the screen, fractions for the exact check.
# Called with those two lists; `...` because each closure binds what it uses as default arguments.
FloatFn = Callable[..., Any]

_TRANSFORM: dict[str, Callable[[float], float]] = {
    "id": lambda v: v, "pct": lambda v: v / 100, "pct_up": lambda v: 1 + v / 100,
    "pct_down": lambda v: 1 - v / 100, "pct_rest": lambda v: 100 - v,
}


Rational = int | Fraction


def divide_exactly(numerator: Rational, denominator: Rational) -> Rational:
    """numerator / denominator as an int when whole ints divide evenly, else as a Fraction.
    Raises ZeroDivisionError on a zero denominator, like Fraction."""
    if isinstance(numerator, int):
        if isinstance(denominator, int):
            if denominator and numerator % denominator == 0:
                return numerator // denominator
            return Fraction(numerator, denominator)
        return Fraction(numerator) / denominator
    return numerator / denominator


def exact_number(value: Fraction) -> Rational:
    """A Fraction as the exact chain computes with it: an int when whole."""
    return value.numerator if value.denominator == 1 else value


_EXACT_TRANSFORM: dict[str, Callable[[Rational], Rational]] = {
    "id": lambda v: v, "pct": lambda v: divide_exactly(v, 100),
    "pct_up": lambda v: 1 + divide_exactly(v, 100), "pct_down": lambda v: 1 - divide_exactly(v, 100),
    "pct_rest": lambda v: 100 - v,
}


def divide_or_nan(numerator: Any, denominator: Any) -> Any:
    """Elementwise division over arrays where a zero divisor gives NaN (which every later
    operation keeps), so a draw that would raise ZeroDivisionError one at a time is marked."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(denominator == 0, np.nan, np.true_divide(numerator, denominator))


def _combine(op: str, first: FloatFn, second: FloatFn, vector: bool, exact: bool = False) -> FloatFn:
    """`first op second` as one closure (op one of + - * /; with `vector`, x/0 gives NaN; with
    `exact`, a division of ints that is not whole gives a Fraction).

    Here and below, what a closure uses is bound as a default argument rather than a closure cell:
    a function and its defaults tuple instead of a function, a cells tuple and a cell per name.
    The samplers of a GSM8K run keep 67k fewer objects for the garbage collector to track."""
    if op == "+":
        return lambda values, results, a=first, b=second: a(values, results) + b(values, results)
    if op == "-":
        return lambda values, results, a=first, b=second: a(values, results) - b(values, results)
    if op == "*":
        return lambda values, results, a=first, b=second: a(values, results) * b(values, results)
    if vector:
        return lambda values, results, a=first, b=second: divide_or_nan(
            a(values, results), b(values, results))
    if exact:
        return lambda values, results, a=first, b=second: divide_exactly(
            a(values, results), b(values, results))
    return lambda values, results, a=first, b=second: a(values, results) / b(values, results)


def compile_source(source: Source, exact: bool = False, vector: bool = False) -> FloatFn:
    index = source.index
    if source.kind == "op":
        first, second = (compile_source(operand, exact, vector) for operand in source.operands)
        return _combine(source.op, first, second, vector, exact)
    if source.kind == "result":
        return lambda values, results, i=index: results[i]
    if source.kind == "const":
        constant = exact_number(source.value) if exact else float(source.value)
        return lambda values, results, c=constant: c
    if source.transform == "id":
        return lambda values, results, i=index: values[i]
    transform = (_EXACT_TRANSFORM if exact else _TRANSFORM)[source.transform]
    return lambda values, results, i=index, f=transform: f(values[i])


def compile_node(node: Node, leaves: list[FloatFn], vector: bool = False, exact: bool = False) -> FloatFn:
    """The tree as one closure; `leaves[i]` gives literal i. Raises ZeroDivisionError when evaluated
    on a zero divisor (with `vector`: gives NaN there)."""
    if isinstance(node, Num):
        return leaves[node.index]
    if isinstance(node, Neg):
        operand = compile_node(node.operand, leaves, vector, exact)
        return lambda values, results, a=operand: -a(values, results)
    assert isinstance(node, BinOp)
    left = compile_node(node.left, leaves, vector, exact)
    right = compile_node(node.right, leaves, vector, exact)
    return _combine(node.op, left, right, vector, exact)


def _compile_step(template: Template, s: int, choice: dict[tuple[int, int], int] | None,
                  exact: bool, vector: bool) -> FloatFn:
    picks = [readings[(choice or {}).get((s, k), 0)] for k, readings in enumerate(template.sources[s])]
    leaves = [compile_source(source, exact, vector) for source in picks]
    return compile_node(template.steps[s].tree, leaves, vector, exact)


def compile_chain(template: Template, choice: dict[tuple[int, int], int] | None = None,
                  exact: bool = False, vector: bool = False) -> list[FloatFn]:
    """One closure per step; `choice` picks non-primary readings as in `template.execution.execute`.
    With `exact`, the closures compute over ints and Fractions (see `exact_number`; ZeroDivisionError on /0);
    with `vector`, over numpy float arrays (NaN on /0)."""
    return [_compile_step(template, s, choice, exact, vector) for s in range(len(template.steps))]


class Chains:
    """A template's chain in one arithmetic (float, `exact` or `vector`, as in `compile_chain`) under
    its primary reading and under each alternative choice of readings, compiled at first use."""

    def __init__(self, template: Template, alternatives: list[dict[tuple[int, int], int]],
                 exact: bool = False, vector: bool = False) -> None:
        self.template = template
        self.alternatives = alternatives
        self.exact = exact
        self.vector = vector
        self._primary: list[FloatFn] | None = None
        self._tails: list[tuple[int, list[FloatFn]] | None] = [None] * len(alternatives)

    @property
    def primary(self) -> list[FloatFn]:
        if self._primary is None:
            self._primary = compile_chain(self.template, exact=self.exact, vector=self.vector)
        return self._primary

    def alternative(self, k: int) -> tuple[int, list[FloatFn]]:
        """(first, tail): alternative k's chain from its first changed step on. The steps before
        `first` give the primary's results, so a caller starts from those and runs `tail`; a later
        step whose readings the choice leaves primary reuses the primary's closure."""
        found = self._tails[k]
        if found is None:
            choice = self.alternatives[k]
            changed = {s for (s, _), reading in choice.items() if reading}
            first = min(changed)
            primary = self.primary
            tail = [_compile_step(self.template, s, choice, self.exact, self.vector) if s in changed
                    else primary[s] for s in range(first, len(primary))]
            found = self._tails[k] = (first, tail)
        return found
