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

import re
from fractions import Fraction
from functools import lru_cache
from math import prod

from probes.numeric.question.caps import (
    is_dollars,
    names_a_kind,
    names_multiplets,
    ordinal_only,
    per_unit_cap,
)
from probes.numeric.question.counts import (
    counts_company,
    day_counts,
    listed_count,
    name_counts,
    number_lists_in,
)
from probes.numeric.question.nouns import count_noun, named_after, named_near
from probes.numeric.question.quantities import Mention, find_mentions, fraction_parts
from probes.numeric.solution.arithmetic import Num, literals, parse_number
from probes.numeric.solution.chain import ChainError, Step, allowed_constants, parse_answer, parse_steps
from probes.numeric.solution.final import HUNDRED, apply_final_rule, final_rule
from probes.numeric.solution.orders import prose_orders
from probes.numeric.template.execution import PERCENT_TRANSFORMS, TRANSFORMS, alternative_choices, execute
from probes.numeric.template.mental_arithmetic import check_mental_arithmetic, hidden_operations
from probes.numeric.template.sources import (
    Key,
    Source,
    drop_dangling_readings,
    drop_self_divisions,
    has_relation,
    key_of,
    leaves,
    loosely_used,
    one_operation_keys,
    pin_commutative_twins,
    pin_forced_results,
    restated_as_one_unit,
    source_dependencies,
)
from probes.numeric.template.template import Template, Var

ONE = Fraction(1)
MAX_READINGS = 64
_DECIMAL_RE = re.compile(r"\d+(?:\.\d+)?")
_THRESHOLD_BEFORE_RE = re.compile(
    r"\b(?:over|above|below|under|at least|at most|more than|less than|fewer than|greater than|"
    r"exceeds?|exceeding|up to|no more than|no less than)\s+\$?$",
    re.IGNORECASE,
)
_ANOTHER_BEFORE_RE = re.compile(r"\banother\s+$")  # searched up to a mention ("another 2 children")
_MORE_AFTER_RE = re.compile(r"\s+more\b")  # matched right after a mention ("2 more")
_PERCENT_CONVERSION_RE = re.compile(r"[*x×]\s*100\s*%")
def _group_variables(mentions: list[Mention]) -> list[Var]:
    by_value: dict[tuple[int, int], Var] = {}  # by (numerator, denominator): Fractions hash slowly
    for mention in mentions:
        if not mention.resampleable:
            continue
        var = by_value.setdefault(mention.value.as_integer_ratio(), Var(mention.value, []))
        var.mentions.append(mention)
        var.percent = var.percent or mention.kind == "percent"
        var.decimals = max(var.decimals, mention.decimals)
        if mention.kind == "cents":
            var.frozen = True  # cents <-> dollars conversions are too easy to misread
    for (numerator, denominator), var in by_value.items():  # compared in ints (denominator > 0)
        year = 1900 * denominator <= numerator <= 2100 * denominator
        if numerator <= denominator or (var.decimals == 0 and year and not var.percent):
            var.frozen = True  # ones are units ("1 hour"), 1900-2100 are calendar years
    return list(by_value.values())


def _variable_readings(variables: list[Var]) -> dict[Key, list[tuple[int, str]]]:
    """Each value a variable gives, as stated or through a percent transform, as a key (tuples hash
    much faster than Fractions): (index, transform)."""
    by_value: dict[Key, list[tuple[int, str]]] = {}
    for i, var in enumerate(variables):
        for name in ("id", *PERCENT_TRANSFORMS) if var.percent else ("id",):
            by_value.setdefault(key_of(TRANSFORMS[name](var.value)), []).append((i, name))
    return by_value


def _explain(literal: Fraction, step_index: int, steps: list[Step], variables: list[Var],
             fixed: set[Fraction], marks: list[tuple[int, bool]], hidden: bool,
             by_value: dict[Key, list[tuple[int, str]]], result_keys: list[Key], fixed_keys: set[Key]
             ) -> tuple[Source, ...]:
    """Every reading of one literal, the preferred one first (see the module docstring). With
    `hidden`, a literal nothing else explains may be one unwritten operation (`_hidden_operations`).

    Variables the readings use are appended to `marks` as (index, frozen), applied by the caller.
    `by_value` is `_variable_readings(variables)`, `result_keys` the steps' results and `fixed_keys`
    the fixed values, as keys.
    """
    key = key_of(literal)
    var_hits = by_value.get(key, [])
    is_fixed = key in fixed_keys
    readings: list[Source] = [Source("result", j) for j in range(step_index - 1, -1, -1)
                              if result_keys[j] == key]
    if len(var_hits) == 1 and not is_fixed:
        i, name = var_hits[0]
        marks.append((i, False))
        readings.append(Source("var", i, name))
    elif var_hits or is_fixed:
        marks.extend((i, True) for i, _ in var_hits)
        readings.append(Source("const", value=literal))
    if not readings:
        company = [i for i, var in enumerate(variables) if var.company and var.value + 1 == literal]
        if len(company) == 1:  # "Jenna has 4 roommates ... 1200/5": 5 = 4 + Jenna
            marks.append((company[0], False))
            person = (Source("var", company[0]), Source("const", value=ONE))
            readings = [Source("op", op="+", operands=person)]
    if not readings and hidden:
        readings = hidden_operations(literal, step_index, steps, variables, fixed, marks)
    if not readings:
        raise ChainError("unexplained_literal", f"{literal} in step {step_index + 1}")
    return tuple(readings)


def _explain_steps(steps: list[Step], variables: list[Var], fixed: set[Fraction], stated: set[Fraction]
                   ) -> tuple[list[Step], list[list[tuple[Source, ...]]]]:
    """The steps kept and the readings of their literals. A prose step read across words is dropped
    when a literal of it has no reading; then its result may explain nothing later. A bare
    annotation (`<<12=12>>`) read as a constant must be a value the question states in words."""
    kept: list[Step] = []
    sources: list[list[tuple[Source, ...]]] = []
    dropped: set[Fraction] = set()
    by_value = _variable_readings(variables)
    fixed_keys = {key_of(value) for value in fixed}
    kept_keys: list[Key] = []
    for step in steps:
        marks: list[tuple[int, bool]] = []
        try:
            row = []
            for lit in literals(step.tree):
                if dropped and lit.value in dropped:
                    raise ChainError("unexplained_literal", f"{lit.value} may be a dropped prose result")
                hidden = step.annotated and not isinstance(step.tree, Num)
                row.append(_explain(lit.value, len(kept), kept, variables, fixed, marks, hidden, by_value,
                                    kept_keys, fixed_keys))
            if isinstance(step.tree, Num) and (step.result == 1 or step.result not in stated) and all(
                source.kind == "const" for source in row[0]
            ):
                # `<<1=1>>` after a computation in words: the value was computed, from what is unknown
                raise ChainError("unexplained_literal", f"bare annotation {step.result_text}")
        except ChainError:
            if not step.worded:
                raise
            dropped.add(step.result)
            continue
        for i, frozen in marks:
            variables[i].used = True
            variables[i].frozen = variables[i].frozen or frozen
        kept.append(step)
        kept_keys.append(key_of(step.result))
        sources.append(row)
    return kept, sources


def _freeze_unused(variables: list[Var], steps: list[Step], sources: list[list[tuple[Source, ...]]],
                   fixed: set[Fraction], question: str = "", solution: str = "") -> None:
    """Freeze every stated number the chain does not use, with what it may implicitly relate to.

    An unused number u may still feed the chain in unwritten arithmetic: a chain literal L is one
    operation from u and another number o ("four pizzas, two cost $30, the other two": 2 = 4 - 2).
    Then u and every variable that L or o is or depends on (through the steps whose result they
    may be) are frozen, which keeps the relation true whatever it means; unless u counts a noun
    ("the three girls") that no solution line holding L names (see question/nouns.py).

    Raises:
        ChainError: `unmapped_question_number` when o is a number nothing explains.
    """
    if all(var.used or var.frozen for var in variables):
        return  # nothing to freeze (the common case: skip the relation search and the noun reading)
    depends = source_dependencies(sources)

    # Values as (numerator, denominator) keys: tuples hash and compare much faster than Fractions.
    readings_of: dict[Key, set[Source]] = {}
    for step, row in zip(steps, sources, strict=True):
        for lit, readings in zip(literals(step.tree), row, strict=True):
            readings_of.setdefault(key_of(lit.value), set()).update(readings)
    var_keys = [key_of(var.value) for var in variables]
    result_keys = [key_of(step.result) for step in steps]
    fixed_keys = {key_of(value) for value in fixed}

    def behind(value: Key) -> set[int]:
        """The variables a number is, is read from (`0.25` from 25%), or comes from as a result."""
        found = {i for i, key in enumerate(var_keys) if key == value}
        found |= {leaf.index for source in readings_of.get(value, ()) for leaf in leaves(source)
                  if leaf.kind == "var"}
        for key, needs in zip(result_keys, depends, strict=True):
            if key == value:
                found |= needs
        return found

    others = set(var_keys) | fixed_keys | set(result_keys) | set(readings_of)
    to_freeze: set[int] = set()
    unused = {v.value for v in variables if not v.used}
    # "the lowest, 71": an unused number the solution reasons with (Fractions only when one is unused)
    relax = not unused or not any(parse_number(x) in unused for x in _DECIMAL_RE.findall(solution))
    for u, var in enumerate(variables):
        if var.used or var.frozen:
            continue
        to_freeze.add(u)
        found = [count_noun(question, m) for m in var.mentions]
        nouns = [noun for noun in found if noun] if relax and all(found) else []
        for other in others - {var_keys[u]}:
            for literal in one_operation_keys(var_keys[u], other) & readings_of.keys():
                near = [m for v, key in zip(variables, var_keys, strict=True) if key in (other, literal)
                        for m in v.mentions]
                if nouns and not any(named_near(noun, Fraction(*literal), solution, steps)
                                     or named_after(noun, question, near) for noun in nouns):
                    continue  # "the three girls" never named where 5 - 2 could be computed
                if not (other in fixed_keys or behind(other)):
                    raise ChainError("unmapped_question_number",
                                     f"{var.mentions[0].text} may be used implicitly")
                to_freeze |= behind(other) | behind(literal)
    for i in to_freeze:
        variables[i].frozen = True


def build_template(question: str, solution: str, answer: str) -> Template:
    """Build the template of one item, or raise ChainError naming why it cannot be re-derived.

    Raises:
        ChainError: with `reason` one of no_annotations, unparseable_annotation,
            annotation_mismatch, final_not_numeric, final_not_last_result, ambiguous_literal,
            unexplained_literal, unmapped_question_number, no_free_numbers.
    """
    steps = parse_steps(solution)
    final_value = parse_answer(answer)
    rule = final_rule(question, steps[-1].result, final_value, solution[steps[-1].end:])
    if rule is None:
        raise ChainError("final_not_last_result", f"#### {answer} vs last result {steps[-1].result_text}")
    mentions = find_mentions(question)
    variables = _group_variables(mentions)
    for var in variables:
        var.cap = per_unit_cap(question, var.mentions)
        var.company = counts_company(question, var.mentions)
        if len({is_dollars(question, m) for m in var.mentions}) > 1:
            var.frozen = True  # "4 to a pack and cost $4.00": one value in two roles, a coincidence
    fixed = set(allowed_constants(question)) | set(fraction_parts(mentions))
    fixed |= day_counts(question) | name_counts(question)  # "on Monday and Friday", "Zoey and Sydney"
    if _PERCENT_CONVERSION_RE.search(solution):
        fixed.add(HUNDRED)  # "... / 150 spools * 100% = 40%": 100 is the percent conversion
    stated = ({m.value for m in mentions if m.kind == "fixed"}  # read only for bare annotations (`<<12=12>>`)
              if any(isinstance(step.tree, Num) for step in steps) else set())
    steps, sources = _explain_steps(steps, variables, fixed, stated)
    ones = any(m.text.lower() in ("1", "one") and m.value == 1 for m in mentions)  # not "each", "every"
    check_mental_arithmetic(steps, sources, variables, fixed, ones)
    drop_self_divisions([step.tree for step in steps], sources)
    pin_commutative_twins([step.tree for step in steps], sources)
    drop_dangling_readings(sources, restated_as_one_unit(steps, solution))
    read = {leaf.index for row in sources for readings in row for s in readings for leaf in leaves(s)
            if leaf.kind == "var"}
    for i in read - pin_forced_results(sources):
        variables[i].used = False  # "four packs", once `7-2-1 = 4; 4/2` reads 4 as the result: unused
    another = "another" in question  # else no "another" before any mention
    more = {var.value + 1 for var in variables if var.used and not var.frozen and any(
        (another and _ANOTHER_BEFORE_RE.search(question, 0, m.start)) or _MORE_AFTER_RE.match(question, m.end)
        for m in var.mentions)}
    ordinal = ordinal_only(question, mentions) & more  # 3 = 1 + "another 2 children", not "the third street"
    if any(all(r.kind == "const" and r.value in ordinal for r in readings) for row in sources
           for readings in row):
        raise ChainError("unexplained_literal", "a literal only an ordinal explains ('the third street')")
    if not steps or apply_final_rule(rule, steps[-1].result) != final_value:
        raise ChainError("final_not_last_result", "the last prose step could not be read")
    for before, step in zip(steps, steps[1:], strict=False):
        if step.start < before.end and step.start + literals(step.tree)[0].end != before.end:
            raise ChainError("unparseable_annotation", "overlapping computations")
    for var in variables:
        if not var.used and any(_THRESHOLD_BEFORE_RE.search(question, 0, m.start) for m in var.mentions):
            # "an extra point if they have over 20 points": compared with, not computed with
            raise ChainError("unmapped_question_number", f"{var.mentions[0].text} may be a threshold")
    _freeze_unused(variables, steps, sources, fixed, question, solution)
    counts = [m.value for m in mentions if m.kind == "fixed" and m.value >= 1  # "Two of ..., One of ..."
              and m.text.lower() not in ("a", "an", "per", "each", "every")]
    for i in loosely_used(sources):  # a number the chain may not use, one operation from others: a count
        if has_relation(variables[i].value, [v.value for j, v in enumerate(variables) if j != i], counts):
            variables[i].frozen = True
    number_lists = number_lists_in(question)
    for var in variables:
        listed = [listed_count(question, m.end) for m in var.mentions]
        listed += [count for m in var.mentions for start, end, count in number_lists
                   if start <= m.start < end]
        if any(count is not None and count == var.value for count in listed):  # None == Fraction is slow
            var.frozen = True  # "three speeds: low, medium, and high" counts what the question lists
        if any(names_a_kind(question, m) for m in var.mentions):
            var.frozen = True  # "2 twenty dollar bills", "$5 bills", "a 30 day month": not amounts
        if var.decimals and any(re.match(r"\s*times\b", question[m.end:]) for m in var.mentions):
            var.frozen = True  # "1.25 times faster" may not fall to 0.82 times
        if names_multiplets(question, var.value):
            var.frozen = True  # "her 3 grandchildren. They're triplets"
    constants = sorted({leaf.value for row in sources for readings in row for s in readings
                        for leaf in leaves(s) if leaf.kind == "const" and leaf.value > 1})
    if prod(len(readings) for row in sources for readings in row) > MAX_READINGS:
        raise ChainError("ambiguous_literal", "too many readings of the chain")
    orders = prose_orders(solution, steps, [var.value for var in variables])
    template = Template(question, solution, steps, variables, sources, final_value, constants, rule, orders)
    if not template.free:
        raise ChainError("no_free_numbers")
    originals = [var.value for var in variables]
    stated_results = [step.result.as_integer_ratio() for step in steps]  # int pairs: Fraction == is slow
    for combo in [{}, *alternative_choices(template)]:
        results, _ = execute(template, originals, combo)
        if ([result.as_integer_ratio() for result in results] != stated_results
                or apply_final_rule(rule, results[-1]) != final_value):
            raise ChainError("identity_mismatch", "re-executing with the original numbers differs")
    return template


@lru_cache(maxsize=4096)
def cached_template(question: str, solution: str, answer: str) -> Template | ChainError:
    """build_template, remembered per item (an error is remembered too)."""
    try:
        return build_template(question, solution, answer)
    except ChainError as exc:
        return exc
