"""`numeric`: resample the numbers of a GSM8K-style item and recompute its gold by re-executing
the solution's `<<expr=result>>` chain (GSM-Symbolic / GSM-Plus style, built automatically).

Constraints kept from the original: integer intermediates stay integers, signs stay the same,
decimals stay terminating and short, magnitudes stay within about x0.5-x2 and keep their
roundness, and the order between every two stated quantities (and the unit constants the chain
uses) is preserved. Items that cannot be re-derived safely raise ProbeSkip with a named reason.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from typing import ClassVar, NamedTuple

from detector.types import BenchmarkItem, Variant
from probes.arithmetic import decimal_places, format_number, literals, parse_number
from probes.base import ProbeSkip, build_variant
from probes.chain import ChainError
from probes.number_words import find_number_words, match_case, parse_number_words, to_number_words
from probes.numeric_sampling import sampler_for
from probes.numeric_template import Template, Var, cached_template, execute


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
    edits = []
    for var, new in zip(template.variables, values, strict=True):
        if new == var.value:
            continue
        for m in var.mentions:
            word = m.kind == "word" or (m.kind == "percent" and not m.text[:1].isdigit())
            edits.append((m.start, m.end, _format_mention(var, new, m.text, m.commas, word)))
    text = template.question
    for start, end, new_text in sorted(edits, reverse=True):
        text = _fix_article(text[:start], new_text) + new_text + text[end:]
    return text


_ARTICLE_RE = re.compile(r"\b(a|an|A|An)(\s+\$?)$")


def _fix_article(before: str, new_text: str) -> str:
    """`a 18%` -> `an 18%`, `an 8` -> `a 9`: the article must fit the new number's sound."""
    match = _ARTICLE_RE.search(before)
    if match is None:
        return before
    digits = new_text.replace(",", "").split(".")[0]
    eleven_or_eighteen = digits in ("11", "18") or (len(digits) in (5, 8) and digits[:2] in ("11", "18"))
    if new_text[:1].isalpha():
        vowel = new_text[:1].lower() in "aeiou"
    else:
        vowel = digits.startswith("8") or eleven_or_eighteen
    article = ("an" if vowel else "a")
    article = article.capitalize() if match.group(1)[0].isupper() else article
    return before[: match.start()] + article + match.group(2)


_NUMBER_IN_TEXT = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")

Key = tuple[int, int]  # (numerator, denominator): tuples hash and compare much faster than Fractions
# A prose piece: plain text (value None), or a number in digits (Fraction) or in words (int) with the
# index of its group in SolutionPlan.groups (the new values that may replace it).
Piece = tuple[str, Fraction | int | None, int]


def _key(value: Fraction | int) -> Key:
    return value.numerator, value.denominator


def _number_spans(text: str) -> list[tuple[int, int, Fraction | int]]:
    """Every number in prose, in digits or in words, in order."""
    spans: list[tuple[int, int, Fraction | int]] = [
        (m.start(), m.end(), parse_number(m.group(0))) for m in _NUMBER_IN_TEXT.finditer(text)
    ]
    for m in find_number_words(text):
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


class SolutionPlan:
    """The solution cut once into prose and expression pieces, so a rewrite only fills in new numbers."""

    def __init__(self, template: Template) -> None:
        literal_lists = [literals(step.tree) for step in template.steps]
        # the old value of each new value `rewrite_solution` lists, in its order
        old_keys = [_key(var.value) for var in template.variables]
        old_keys += [_key(step.result) for step in template.steps] + [_key(template.final_value)]
        old_keys += [_key(lit.value) for lits in literal_lists for lit in lits]
        self._indices: dict[Key, list[int]] = {}  # old value -> where its new values are listed
        for index, key in enumerate(old_keys):
            self._indices.setdefault(key, []).append(index)
        self.groups: list[list[int]] = []  # per old value the prose shows: where its new values are listed
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
                [expr[num.start:num.end] for num in nums], [_key(num.value) for num in nums],
                None if shown is None else shown.group(0),
            ))
        self.after = self._prose(solution[pos:])

    def _prose(self, text: str) -> list[Piece]:
        """Prose cut at the numbers a rewrite may replace (those among the old values)."""
        pieces: list[Piece] = []
        pos = 0
        for start, end, number in _number_spans(text):
            key = _key(number)
            if key not in self._indices:
                continue
            group = self._group_of.get(key)
            if group is None:
                group = self._group_of[key] = len(self.groups)
                self.groups.append(self._indices[key])
            pieces.append((text[pos:start], None, -1))
            pieces.append((text[start:end], number, group))
            pos = end
        pieces.append((text[pos:], None, -1))
        return pieces


def _plan(template: Template) -> SolutionPlan:
    if template.plan is None:
        template.plan = SolutionPlan(template)
    assert isinstance(template.plan, SolutionPlan)
    return template.plan


def _only_value(news: list[Fraction], indices: list[int]) -> Fraction | None:
    """The one new value at `indices`, or None if they differ."""
    first = news[indices[0]]
    key = _key(first)
    if any(_key(news[index]) != key for index in indices[1:]):
        return None
    return first


def rewrite_solution(template: Template, values: list[Fraction], results: list[Fraction],
                     literal_values: list[list[Fraction]]) -> str:
    """The worked solution with new annotations and, where unambiguous, new numbers in its prose."""
    plan = _plan(template)
    news = [*values, *results, template.final_answer(results[-1])]  # "round up to 7"
    news += [new for lits in literal_values for new in lits]
    replacements = [_only_value(news, indices) for indices in plan.groups]
    out: list[str] = []

    def prose(pieces: list[Piece]) -> None:
        for text, value, group in pieces:
            new = None if value is None else replacements[group]
            if new is None:
                out.append(text)
            elif isinstance(value, Fraction):
                out.append(_format_like(new, text))
            elif new.denominator != 1 or new == value:
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
        segments, texts, keys = step_plan.segments, step_plan.literal_texts, step_plan.literal_keys
        for k in range(first, len(lits)):
            new = lits[k]
            out.append(segments[k])
            out.append(texts[k] if _key(new) == keys[k] else format_number(new))
        out.append(segments[-1])
        if step.annotated:
            out.append(f"={format_number(new_result)}>>")
            if step_plan.shown is not None:
                out.append(_format_like(new_result, step_plan.shown))
        else:
            out.append(f"{step.glue}{_format_like(new_result, step.result_text)}")
    prose(plan.after)
    return "".join(out)


def _format_like(value: Fraction, like: str) -> str:
    text = None
    if "." in like:  # as many places as `like` shows, when the value needs no more
        decimals = len(like.split(".")[1])
        places = decimal_places(value)
        if places is not None and places <= decimals:
            text = format_number(value, decimals)
    if text is None:
        text = format_number(value)
    if "," in like:
        whole, _, frac = text.partition(".")
        text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return text


class NumericProbe:
    """Change the numbers, recompute the gold by re-executing the solution chain."""

    name: ClassVar[str] = "numeric"
    version: ClassVar[str] = "2"  # 2: stated ages, word comparisons, listed counts (73eb7b9..e1e6e49)

    def applies_to(self, item: BenchmarkItem) -> bool:
        return not item.is_multiple_choice and bool(item.solution)

    def template(self, item: BenchmarkItem) -> Template:
        """The item's template. Raises: ProbeSkip naming why it cannot be re-derived."""
        built = cached_template(item.question, item.solution or "", item.answer)
        if isinstance(built, ChainError):
            raise ProbeSkip(built.reason, str(built))
        return built

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        template = self.template(item)
        drawn = sampler_for(template).sample(rng)
        if drawn is None:
            return None
        values, results, literal_values = drawn
        return self._variant(item, template, values, results, literal_values)

    def substitute(self, item: BenchmarkItem, changes: dict[str, str]) -> Variant:
        """The variant with chosen new values (`{"16": "20"}`), re-executed; constraints are not checked.

        Raises:
            ProbeSkip: the item cannot be re-derived. ValueError: a key is not a free question number,
            or the new answer has no finite decimal form.
        """
        template = self.template(item)
        values = [var.value for var in template.variables]
        for old, new in changes.items():
            index = next((i for i in template.free if template.variables[i].value == Fraction(old)), None)
            if index is None:
                raise ValueError(f"{old} is not a free number of {item.item_id}")
            values[index] = Fraction(new)
        results, literal_values = execute(template, values)
        return self._variant(item, template, values, results, literal_values)

    def _variant(self, item: BenchmarkItem, template: Template, values: list[Fraction],
                 results: list[Fraction], literal_values: list[list[Fraction]]) -> Variant:
        changes = "; ".join(
            f"{format_number(v.value)}->{format_number(n)}"
            for v, n in zip(template.variables, values, strict=True) if n != v.value
        )
        return build_variant(
            item, self.name, self.version, 0,
            question=rewrite_question(template, values),
            answer=format_number(template.final_answer(results[-1])),
            solution=rewrite_solution(template, values, results, literal_values),
            params={"changes": changes, "n_free": len(template.free)},
        )
