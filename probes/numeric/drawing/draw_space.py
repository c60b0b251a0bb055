"""What the screen and the exact check read of a template's sampler: its precomputed draw space.

A structural type, so that `screen` and `exact` depend on this description and `sampler` on them,
not on each other.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from probes.numeric.drawing.float_chain import Chains
    from probes.numeric.drawing.ranges import Range
    from probes.numeric.template.sources import Source
    from probes.numeric.template.template import Template


class DrawSpace(Protocol):
    """A template's values, their ranges, orders and compiled chains, and the cheap draw tests."""

    template: Template
    free: list[int]
    ranges: dict[int, Range]
    hidden: list[tuple[Source, Fraction]]  # (reading, value) of literals computed by an unwritten operation
    derived: list[tuple[int, int]]  # (variable, step) of variables computed from a step's result
    alternatives: list[dict[tuple[int, int], int]]
    base: list[Fraction]
    anchors: list[tuple[int, int]]
    below: dict[int, list[int]]
    above: dict[int, list[int]]
    float_chains: Chains
    vector_chains: Chains
    exact_chains: Chains
    results: list[Fraction]
    signs: list[int]
    scales: list[float]
    final: float
    at_most_100: list[bool]

    def derive(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]] | None: ...

    def keeps_order(self, pairs: list[tuple[int, int]]) -> bool: ...

    def float_screen(self, floats: list[float]) -> bool: ...
