"""The rewrite plan of a template, made once: the solution cut into prose and expression pieces and
the question's mentions found, so that each rewrite only fills in new numbers."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

from probes.numeric.question.number_words import find_number_words, parse_number_words
from probes.numeric.question.quantities import Mention
from probes.numeric.rewriting.articles import article_before
from probes.numeric.rewriting.number_style import format_like
from probes.numeric.solution.arithmetic import format_number, literals, parse_number
from probes.numeric.template.template import Template

_NUMBER_IN_TEXT = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")

Key = tuple[int, int]  # (numerator, denominator): tuples hash and compare much faster than Fractions
# A prose piece: (text, group, same, words). Plain text has group -1; a number in digits or in words
# (words True) has the index of its group in SolutionPlan.groups (the new values that may replace
# it) and `same`, its text when its value is unchanged (`.5` is written `0.5`).
Piece = tuple[str, int, str, bool]


def number_spans(text: str) -> list[tuple[int, int, Fraction | int]]:
    """Every number in prose, in digits or in words, in order."""
    spans: list[tuple[int, int, Fraction | int]] = [
        (m.start(), m.end(), parse_number(m.group(0))) for m in _NUMBER_IN_TEXT.finditer(text)
    ]
    words = find_number_words(text)
    if not words:  # most prose: the digit numbers are in order already
        return spans
    for m in words:
        value = parse_number_words(m.group(0))
        if value is not None:
            spans.append((m.start(), m.end(), value))
    return sorted(spans, key=lambda span: span[0])


class _StepPlan(NamedTuple):
    """One step: the prose before it (None: chained to the last step), its expression cut at its literals."""

    before: list[Piece] | None
    segments: list[str]  # the expression's text before each literal, then after the last
    literal_texts: list[str]
    literal_keys: list[Key]
    shown: str | None  # the result as the prose repeats it after an annotation


class _MentionPlan(NamedTuple):
    """A mention of a variable in the question, with the article before it, if any (`an 8`)."""

    start: int  # where a rewrite begins: at the article, if any
    end: int
    text: str
    commas: bool
    word: bool  # written in words (`twelve`, `ten percent`)
    article: str | None  # as written: `a`, `An`
    gap: str  # the text between the article and the number


class SolutionPlan:
    """The solution cut once into prose and expression pieces, and the question's mentions found once,
    so a rewrite only fills in new numbers."""

    def __init__(self, template: Template) -> None:
        literal_lists = [literals(step.tree) for step in template.steps]
        self.value_keys = [var.value.as_integer_ratio() for var in template.variables]
        self.value_texts = [format_number(var.value) for var in template.variables]
        self.mentions = [[mention_plan(template.question, m) for m in var.mentions]
                         for var in template.variables]
        # the old value of each new value `rewrite_solution` lists, in its order
        old_keys = self.value_keys + [step.result.as_integer_ratio() for step in template.steps]
        old_keys += [template.final_value.as_integer_ratio()]
        old_keys += [lit.value.as_integer_ratio() for lits in literal_lists for lit in lits]
        self._indices: dict[Key, list[int]] = {}  # old value -> where its new values are listed
        for index, key in enumerate(old_keys):
            self._indices.setdefault(key, []).append(index)
        self.groups: list[list[int]] = []  # per old value the prose shows: where its new values are listed
        self.group_keys: list[Key] = []  # the old value of each group
        self._group_of: dict[Key, int] = {}
        self.steps: list[_StepPlan] = []
        pos = 0
        solution = template.solution
        for step, nums in zip(template.steps, literal_lists, strict=True):
            before = None if step.start < pos else self._prose(solution[pos:step.start])
            pos = step.end
            shown = _NUMBER_IN_TEXT.match(solution, pos) if step.annotated else None
            if shown and parse_number(shown.group(0)) == step.result:
                pos = shown.end()
            else:
                shown = None
            expr = step.expr_text
            ends = [0] + [num.end for num in nums]  # literals are numbered left to right
            segments = [expr[end:num.start] for end, num in zip(ends, nums, strict=False)] + [expr[ends[-1]:]]
            self.steps.append(_StepPlan(
                before, segments,
                [expr[num.start:num.end] for num in nums], [num.value.as_integer_ratio() for num in nums],
                None if shown is None else shown.group(0),
            ))
        self.after = self._prose(solution[pos:])

    def _prose(self, text: str) -> list[Piece]:
        """Prose cut at the numbers a rewrite may replace (those among the old values)."""
        pieces: list[Piece] = []
        pos = 0
        for start, end, number in number_spans(text):
            key = number.as_integer_ratio()
            if key not in self._indices:
                continue
            group = self._group_of.get(key)
            if group is None:
                group = self._group_of[key] = len(self.groups)
                self.groups.append(self._indices[key])
                self.group_keys.append(key)
            pieces.append((text[pos:start], -1, "", False))
            number_text = text[start:end]
            if isinstance(number, Fraction):
                plain = number_text.isascii() and number_text.isdigit() and (
                    number_text[0] != "0" or number_text == "0")
                same = number_text if plain else format_like(number, number_text)  # `05` -> `5`
                pieces.append((number_text, group, same, False))
            else:
                pieces.append((number_text, group, number_text, True))
            pos = end
        pieces.append((text[pos:], -1, "", False))
        return pieces


def mention_plan(question: str, m: Mention) -> _MentionPlan:
    word = m.kind == "word" or (m.kind == "percent" and not m.text[:1].isdigit())
    article = article_before(question, m.start)
    if article is None:
        return _MentionPlan(m.start, m.end, m.text, m.commas, word, None, "")
    return _MentionPlan(article.start(), m.end, m.text, m.commas, word, article.group(1), article.group(2))


def plan_for(template: Template) -> SolutionPlan:
    if template.plan is None:
        template.plan = SolutionPlan(template)
    assert isinstance(template.plan, SolutionPlan)
    return template.plan
