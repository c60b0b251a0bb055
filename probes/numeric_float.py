"""The floating-point screen of a numeric template: its chain compiled once into closures.

Draws are screened with these (fast, inexact) before the exact check with fractions decides.
"""

from __future__ import annotations

from collections.abc import Callable

from probes.arithmetic import BinOp, Neg, Node, Num
from probes.numeric_template import Source, Template

FloatFn = Callable[[list[float], list[float]], float]  # (variable values, earlier results) -> value

_TRANSFORM: dict[str, Callable[[float], float]] = {
    "id": lambda v: v, "pct": lambda v: v / 100, "pct_up": lambda v: 1 + v / 100,
    "pct_down": lambda v: 1 - v / 100, "pct_rest": lambda v: 100 - v,
}


def compile_source(source: Source) -> FloatFn:
    index = source.index
    if source.kind == "result":
        return lambda values, results: results[index]
    if source.kind == "const":
        constant = float(source.value)
        return lambda values, results: constant
    if source.transform == "id":
        return lambda values, results: values[index]
    transform = _TRANSFORM[source.transform]
    return lambda values, results: transform(values[index])


def compile_node(node: Node, leaves: list[FloatFn]) -> FloatFn:
    """The tree as one closure; `leaves[i]` gives literal i. Raises ZeroDivisionError when evaluated
    on a zero divisor."""
    if isinstance(node, Num):
        return leaves[node.index]
    if isinstance(node, Neg):
        operand = compile_node(node.operand, leaves)
        return lambda values, results: -operand(values, results)
    assert isinstance(node, BinOp)
    left, right = compile_node(node.left, leaves), compile_node(node.right, leaves)
    if node.op == "+":
        return lambda values, results: left(values, results) + right(values, results)
    if node.op == "-":
        return lambda values, results: left(values, results) - right(values, results)
    if node.op == "*":
        return lambda values, results: left(values, results) * right(values, results)
    return lambda values, results: left(values, results) / right(values, results)


def compile_chain(template: Template, choice: dict[tuple[int, int], int] | None = None) -> list[FloatFn]:
    """One closure per step; `choice` picks non-primary readings as in `numeric_template.execute`."""
    chain = []
    for s, (step, row) in enumerate(zip(template.steps, template.sources, strict=True)):
        leaves = [compile_source(readings[(choice or {}).get((s, k), 0)]) for k, readings in enumerate(row)]
        chain.append(compile_node(step.tree, leaves))
    return chain
