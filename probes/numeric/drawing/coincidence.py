"""Coincidences a draw keeps: a solution literal that is both a stated number and an earlier result.

`2 hours of TV, reads half as long ... 2/2 = 1 hour; 3 times a week ... 3*3`: the second 3 may be
the stated "3 times" or the result 2+1 = 3. Rather than guessing, the stated number is made to
follow that result in every draw (it is computed from the other numbers, not drawn), so both
readings stay equal and the new gold is right whichever one the solution's author meant.
"""

from __future__ import annotations

from probes.numeric.drawing.float_chain import exact_number
from probes.numeric.question.quantities import find_mentions
from probes.numeric.template.sources import leaves, source_dependencies
from probes.numeric.template.template import Template


def step_dependencies(template: Template) -> list[set[int]]:
    """For each step, the variables its result may depend on under any reading (transitively)."""
    return source_dependencies(template.sources)


def coincidences(template: Template) -> list[tuple[int, int]]:
    """(variable, step) pairs: the free variable that is computed as that step's result in a draw.

    Only a literal read as exactly one variable (as stated, not as a percentage) and exactly one
    earlier result qualifies, and not when the variable's value is the sum, difference or product of
    two stated numbers the result does not use (a relation the chain does not show); the result must
    not depend on the variable nor on another computed variable, and no computed variable's result
    may depend on it (so one pass computes them all).
    """
    free = set(template.free)
    candidates = []  # (variable, step) of each literal read as one stated variable and one result
    for row in template.sources:
        for readings in row:
            if len(readings) != 2:
                continue
            variables = [source for source in readings if source.kind == "var"]
            results = [source.index for source in readings if source.kind == "result"]
            if len(variables) != 1 or len(results) != 1:
                continue
            if variables[0].transform == "id" and variables[0].index in free:
                candidates.append((variables[0].index, results[0]))
    if not candidates:  # most templates: no need to find dependencies or stated numbers
        return []
    depends = step_dependencies(template)
    values = [var.value for var in template.variables]
    # "his 3 friends ... Two of them ... One of them": fixed words count as operands of a relation too
    stated = sorted({m.value for m in find_mentions(template.question) if m.kind == "fixed" and m.value >= 1})
    derived: dict[int, int] = {}
    for index, step in candidates:
        if index in derived:
            continue
        if index in depends[step] or depends[step] & derived.keys():
            continue
        if any(index in depends[other] for other in derived.values()):
            continue
        # whole values as ints (equal to their Fractions): int arithmetic is far cheaper
        others = [exact_number(value) for i, value in enumerate(values)
                  if i != index and i not in depends[step]]
        others += [exact_number(value) for value in stated]
        pairs = [(a, b) for x, a in enumerate(others) for b in others[x + 1:]]
        if any(values[index] in (a + b, a * b, a - b, b - a) for a, b in pairs):
            continue  # "4 hours, then 2 hours ... for 6 hours": the value has a relation of its own
        derived[index] = step
    return sorted(derived.items(), key=lambda pair: pair[1])


def pinned_variables(template: Template, derived: list[tuple[int, int]]) -> set[int]:
    """The variables that every reading of an ambiguous literal depends on (a computed variable's
    own coincidence excepted): kept at their values, they keep all readings equal, so a draw that
    changes only other variables gives the same gold under every reading ("$400 + $60": the 60 is
    12 * 5 or 60 minutes; holding 12 and 5 keeps both)."""
    depends = step_dependencies(template)
    handled = {(index, step) for index, step in derived}
    pinned: set[int] = set()
    for row in template.sources:
        for readings in row:
            if len(readings) < 2:
                continue
            variables = [r.index for r in readings if r.kind == "var"]
            results = [r.index for r in readings if r.kind == "result"]
            if len(readings) == 2 and len(variables) == 1 and len(results) == 1 and (
                    (variables[0], results[0]) in handled):
                continue
            for reading in readings:
                for leaf in leaves(reading):
                    if leaf.kind == "var":
                        pinned.add(leaf.index)
                    elif leaf.kind == "result":
                        pinned |= depends[leaf.index]
    return pinned
