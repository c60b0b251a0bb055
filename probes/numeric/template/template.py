"""A numeric template: the question's quantities as variables and, for every solution literal,
its readings (sources); built by `template.build`, drawn from by `drawing`, rewritten by `rewriting`."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from probes.numeric.question.quantities import Mention
from probes.numeric.solution.chain import Step
from probes.numeric.solution.final import apply_final_rule
from probes.numeric.solution.orders import Order
from probes.numeric.template.sources import Source


@dataclass(slots=True)
class Var:
    """A question quantity (all mentions with one value share it) that may be resampled."""

    value: Fraction
    mentions: list[Mention]
    percent: bool = False
    decimals: int = 0
    frozen: bool = False
    used: bool = False
    cap: Fraction | None = None  # "6 days a week": a new value stays at most 7
    company: bool = False  # "4 roommates": the group with the one who has them is one more


@dataclass(slots=True)
class Template:
    question: str
    solution: str
    steps: list[Step]
    variables: list[Var]
    sources: list[list[tuple[Source, ...]]]
    final_value: Fraction
    constants: list[Fraction] = field(default_factory=list)
    final_rule: str = "same"  # how `####` follows from the last result (see final_rule)
    orders: list[Order] = field(default_factory=list)  # orders the prose states ("20 < 40"), kept by draws

    def final_answer(self, last: Fraction) -> Fraction:
        return apply_final_rule(self.final_rule, last)
    sampler: object | None = field(default=None, repr=False, compare=False)  # built by drawing/sampler.py
    plan: object | None = field(default=None, repr=False, compare=False)  # a SolutionPlan (rewriting/plan.py)

    @property
    def free(self) -> list[int]:
        return [i for i, var in enumerate(self.variables) if var.used and not var.frozen]
