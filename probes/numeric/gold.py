"""The numeric family's gold check: the new gold is a changed number that the rewritten solution
chain re-executes to (directly, or by the item's final rule: cents, rounding up, another unit)."""

from __future__ import annotations

from fractions import Fraction

from detector.types import BenchmarkItem, Variant
from probes.numeric.solution.chain import ChainError, parse_steps
from probes.numeric.solution.final import final_rule


def _as_number(text: str) -> Fraction | None:
    cleaned = text.replace(",", "").strip()
    if cleaned.isascii() and cleaned.isdigit():
        return Fraction(int(cleaned))  # what Fraction(cleaned) gives, without parsing the text again
    try:
        return Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        return None


def check_numeric_gold(variant: Variant, parent: BenchmarkItem) -> str | None:
    """Why the variant's numeric gold is wrong, or None when its solution re-executes to it."""
    new, old = _as_number(variant.item.answer), _as_number(parent.answer)
    if new is None:
        return "gold_not_numeric"
    if new == old or not variant.gold_changed:
        return "gold_unchanged"
    solution = variant.item.solution or ""
    # Prose equations matter only after the last annotation (where the final step may be one).
    tail = solution[solution.rfind(">>") + 2:] if ">>" in solution else solution
    try:
        steps = parse_steps(solution, prose="=" in tail or "equals" in tail)
    except ChainError:
        return "solution_does_not_re_execute"
    # `####` is the last result, or it in cents / rounded up / in another unit where the question says so.
    reached = final_rule(variant.item.question, steps[-1].result, new, solution[steps[-1].end:]) is not None
    return None if reached else "solution_does_not_reach_gold"
