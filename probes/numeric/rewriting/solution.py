"""Rewrite a worked solution: new annotations and, where unambiguous, new numbers in its prose."""

from __future__ import annotations

from fractions import Fraction

from probes.numeric.question.number_words import match_case, to_number_words
from probes.numeric.rewriting.number_style import format_like
from probes.numeric.rewriting.plan import Piece, plan_for
from probes.numeric.solution.arithmetic import format_number
from probes.numeric.template.template import Template


def rewrite_solution(template: Template, values: list[Fraction], results: list[Fraction],
                     literal_values: list[list[Fraction]]) -> str:
    """The worked solution with new annotations and, where unambiguous, new numbers in its prose."""
    plan = plan_for(template)
    news = [*values, *results, template.final_answer(results[-1])]  # "round up to 7"
    news += [new for lits in literal_values for new in lits]
    replacements: list[Fraction | None] = []  # per group: its one new value, None (keep the text) if several
    changed: list[bool] = []
    for indices, old_key in zip(plan.groups, plan.group_keys, strict=True):  # only the values prose shows
        new = news[indices[0]]
        key = new.as_integer_ratio()
        one = all(news[index].as_integer_ratio() == key for index in indices[1:])
        replacements.append(new if one else None)
        changed.append(key != old_key)
    out: list[str] = []

    def prose(pieces: list[Piece]) -> None:
        for text, group, same, words in pieces:
            new = None if group < 0 else replacements[group]
            if new is None:
                out.append(text)
            elif not changed[group]:
                out.append(same)
            elif not words:
                out.append(format_like(new, text))
            elif new.denominator != 1:
                out.append(text)
            else:
                out.append(match_case(to_number_words(int(new)), text))

    steps = zip(template.steps, results, literal_values, plan.steps, strict=True)
    for step, new_result, lits, step_plan in steps:
        if step_plan.before is None:  # `3/2 = 1.50 + 3.00 = 4.50`: the step starts with the last result
            first = 1  # build_template checked its first literal ends where the last step ended
        else:
            prose(step_plan.before)
            first = 0
        if step.annotated:
            out.append("<<")
        segments, texts, old_keys = step_plan.segments, step_plan.literal_texts, step_plan.literal_keys
        for k in range(first, len(lits)):
            new = lits[k]
            out.append(segments[k])
            out.append(texts[k] if new.as_integer_ratio() == old_keys[k] else format_number(new))
        out.append(segments[-1])
        if step.annotated:
            result_text = format_number(new_result)
            out.append(f"={result_text}>>")
            shown = step_plan.shown
            if shown is not None:  # plain digits are shown as the annotation writes them
                out.append(result_text if shown.isdigit() else format_like(new_result, shown))
        else:
            out.append(f"{step.glue}{format_like(new_result, step.result_text)}")
    prose(plan.after)
    return "".join(out)
