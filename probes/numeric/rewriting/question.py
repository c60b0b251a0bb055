"""Rewrite a question: every mention of a changed variable in its original style (digits, commas,
words), with the article before it refitted."""

from __future__ import annotations

from fractions import Fraction

from probes.numeric.question.number_words import match_case, to_number_words
from probes.numeric.rewriting.articles import article_for
from probes.numeric.rewriting.plan import plan_for
from probes.numeric.solution.arithmetic import format_number
from probes.numeric.template.template import Template, Var


def _format_mention(var: Var, new: Fraction, text: str, commas: bool, word: bool) -> str:
    if word and new.denominator == 1:
        return match_case(to_number_words(int(new)), text)
    out = format_number(new, var.decimals)
    if commas:
        whole, _, frac = out.partition(".")
        out = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return out


def rewrite_question(template: Template, values: list[Fraction]) -> str:
    """The question with every mention of a changed variable rewritten in its original style."""
    plan = plan_for(template)
    edits = []
    for var, new, old_key, mentions in zip(template.variables, values, plan.value_keys, plan.mentions,
                                           strict=True):
        if new.as_integer_ratio() == old_key:
            continue
        for m in mentions:
            new_text = _format_mention(var, new, m.text, m.commas, m.word)
            if m.article is not None:  # `a 18%` -> `an 18%`, `an 8` -> `a 9`
                new_text = article_for(new_text, m.article) + m.gap + new_text
            edits.append((m.start, m.end, new_text))
    question = template.question
    out: list[str] = []
    pos = 0
    for start, end, new_text in sorted(edits):  # mentions never overlap
        out += (question[pos:start], new_text)
        pos = end
    out.append(question[pos:])
    return "".join(out)
