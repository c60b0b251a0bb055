"""Turn a GSM8K item into a template: question quantities -> variables, solution literals -> sources.

Every literal of every `<<expr=result>>` annotation must be explained by exactly one source: a
question quantity (possibly as a percentage: v/100, 1+v/100, 1-v/100, 100-v), an earlier step's
result, or a fixed value (fixed words like "twice", written fractions, licensed unit constants).
When a literal could come from a variable and also from a fixed value, the variable is frozen
(kept at its value), which makes both readings agree. When it could also be an earlier result,
every reading is kept, and a resampled variant is accepted only if all readings give the same
final answer: the new gold is right whichever reading the solution's author meant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from math import prod

from probes.arithmetic import evaluate, literals
from probes.chain import ChainError, Step, allowed_constants, parse_answer, parse_steps
from probes.quantities import Mention, find_mentions, fraction_parts

HUNDRED = Fraction(100)
TRANSFORMS: dict[str, Callable[[Fraction], Fraction]] = {
    "id": lambda v: v,
    "pct": lambda v: v / HUNDRED,
    "pct_up": lambda v: 1 + v / HUNDRED,
    "pct_down": lambda v: 1 - v / HUNDRED,
    "pct_rest": lambda v: HUNDRED - v,
}
PERCENT_TRANSFORMS = ("pct", "pct_up", "pct_down", "pct_rest")
MAX_READINGS = 16


@dataclass(slots=True)
class Var:
    """A question quantity (all mentions with one value share it) that may be resampled."""

    value: Fraction
    mentions: list[Mention]
    percent: bool = False
    decimals: int = 0
    frozen: bool = False
    used: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """Where a solution literal comes from: ('var', i, transform), ('result', j) or ('const', value)."""

    kind: str
    index: int = -1
    transform: str = "id"
    value: Fraction = Fraction(0)


@dataclass(slots=True)
class Template:
    question: str
    solution: str
    steps: list[Step]
    variables: list[Var]
    sources: list[list[tuple[Source, ...]]]
    final_value: Fraction
    constants: list[Fraction] = field(default_factory=list)
    sampler: object | None = field(default=None, repr=False, compare=False)  # built by numeric_sampling

    @property
    def free(self) -> list[int]:
        return [i for i, var in enumerate(self.variables) if var.used and not var.frozen]


def _group_variables(mentions: list[Mention]) -> list[Var]:
    by_value: dict[Fraction, Var] = {}
    for mention in mentions:
        if not mention.resampleable:
            continue
        var = by_value.setdefault(mention.value, Var(mention.value, []))
        var.mentions.append(mention)
        var.percent = var.percent or mention.kind == "percent"
        var.decimals = max(var.decimals, mention.decimals)
        if mention.kind == "cents":
            var.frozen = True  # cents <-> dollars conversions are too easy to misread
    for var in by_value.values():
        value = var.value
        if value <= 1 or (var.decimals == 0 and 1900 <= value <= 2100 and not var.percent):
            var.frozen = True  # ones are units ("1 hour"), 1900-2100 are calendar years
    return list(by_value.values())


def _explain(literal: Fraction, step_index: int, steps: list[Step], variables: list[Var],
             fixed: set[Fraction]) -> tuple[Source, ...]:
    """Every reading of one literal, the preferred one first (see the module docstring)."""
    var_hits: list[tuple[int, str]] = []
    for i, var in enumerate(variables):
        names = ("id", *PERCENT_TRANSFORMS) if var.percent else ("id",)
        var_hits.extend((i, name) for name in names if TRANSFORMS[name](var.value) == literal)
    readings: list[Source] = [Source("result", j) for j in range(step_index - 1, -1, -1)
                              if steps[j].result == literal]
    if len(var_hits) == 1 and literal not in fixed:
        i, name = var_hits[0]
        variables[i].used = True
        readings.append(Source("var", i, name))
    elif var_hits or literal in fixed:
        for i, _ in var_hits:
            variables[i].frozen = True
            variables[i].used = True
        readings.append(Source("const", value=literal))
    if not readings:
        raise ChainError("unexplained_literal", f"{literal} in step {step_index + 1}")
    return tuple(readings)


def _maybe_used_implicitly(value: Fraction, chain_literals: list[Fraction], known: set[Fraction]) -> bool:
    """True if some chain literal is one operation away from `value` and another known number
    (e.g. "four pizzas, two cost $30, the other two" gives 2 = 4 - 2): then the number may be used
    in unwritten arithmetic and the item is skipped rather than guessed."""
    for literal in chain_literals:
        for other in known:
            candidates = [value + other, value - other, other - value, value * other]
            if other:
                candidates += [value / other, other / value] if value else [value / other]
            if literal in candidates:
                return True
    return False


def build_template(question: str, solution: str, answer: str) -> Template:
    """Build the template of one item, or raise ChainError naming why it cannot be re-derived.

    Raises:
        ChainError: with `reason` one of no_annotations, unparseable_annotation,
            annotation_mismatch, final_not_numeric, final_not_last_result, ambiguous_literal,
            unexplained_literal, unmapped_question_number, no_free_numbers.
    """
    steps = parse_steps(solution)
    final_value = parse_answer(answer)
    if steps[-1].result != final_value:
        raise ChainError("final_not_last_result", f"#### {answer} vs last result {steps[-1].result_text}")
    mentions = find_mentions(question)
    variables = _group_variables(mentions)
    fixed = set(allowed_constants(question)) | set(fraction_parts(mentions))
    sources = [
        [_explain(lit.value, i, steps, variables, fixed) for lit in literals(step.tree)]
        for i, step in enumerate(steps)
    ]
    chain_literals = [lit.value for step in steps for lit in literals(step.tree)]
    known = {v.value for v in variables} | {step.result for step in steps} | fixed | set(chain_literals)
    for var in variables:
        if not var.used and not var.frozen:
            if _maybe_used_implicitly(var.value, chain_literals, known):
                raise ChainError("unmapped_question_number", f"{var.mentions[0].text} may be used implicitly")
            var.frozen = True  # stated but not used by the chain: kept as it is
    constants = sorted({s.value for row in sources for readings in row for s in readings
                        if s.kind == "const" and s.value > 1})
    if prod(len(readings) for row in sources for readings in row) > MAX_READINGS:
        raise ChainError("ambiguous_literal", "too many readings of the chain")
    template = Template(question, solution, steps, variables, sources, final_value, constants)
    if not template.free:
        raise ChainError("no_free_numbers")
    originals = [var.value for var in variables]
    for combo in [{}, *alternative_choices(template)]:
        results, _ = execute(template, originals, combo)
        if results != [step.result for step in steps] or results[-1] != final_value:
            raise ChainError("identity_mismatch", "re-executing with the original numbers differs")
    return template


def _literal_value(source: Source, values: list[Fraction], results: list[Fraction]) -> Fraction:
    if source.kind == "var":
        return TRANSFORMS[source.transform](values[source.index])
    if source.kind == "result":
        return results[source.index]
    return source.value


def execute(template: Template, values: list[Fraction], choice: dict[tuple[int, int], int] | None = None
            ) -> tuple[list[Fraction], list[list[Fraction]]]:
    """Re-execute the chain with variable values; returns step results and literal values.

    `choice` picks a non-primary reading for some literals (step, literal) -> reading index.
    Raises:
        ExpressionError: on division by zero.
    """
    results: list[Fraction] = []
    literal_values: list[list[Fraction]] = []
    for s, (step, row) in enumerate(zip(template.steps, template.sources, strict=True)):
        lits = [
            _literal_value(readings[(choice or {}).get((s, k), 0)], values, results)
            for k, readings in enumerate(row)
        ]
        results.append(evaluate(step.tree, lits))
        literal_values.append(lits)
    return results, literal_values


def alternative_choices(template: Template) -> list[dict[tuple[int, int], int]]:
    """Every combination of non-primary readings of the ambiguous literals."""
    ambiguous = [((s, k), len(readings)) for s, row in enumerate(template.sources)
                 for k, readings in enumerate(row) if len(readings) > 1]
    combos: list[dict[tuple[int, int], int]] = [{}]
    for key, count in ambiguous:
        combos = [{**combo, key: r} for combo in combos for r in range(count)]
    return [combo for combo in combos if any(combo.values())]


@lru_cache(maxsize=4096)
def cached_template(question: str, solution: str, answer: str) -> Template | ChainError:
    """build_template, remembered per item (an error is remembered too)."""
    try:
        return build_template(question, solution, answer)
    except ChainError as exc:
        return exc
