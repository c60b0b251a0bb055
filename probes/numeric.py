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
from probes.quantities import Mention


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
    plan = _plan(template)
    edits = []
    for var, new, old_key, mentions in zip(template.variables, values, plan.value_keys, plan.mentions,
                                           strict=True):
        if new.as_integer_ratio() == old_key:
            continue
        for m in mentions:
            new_text = _format_mention(var, new, m.text, m.commas, m.word)
            if m.article is not None:  # `a 18%` -> `an 18%`, `an 8` -> `a 9`
                new_text = _article_for(new_text, m.article) + m.gap + new_text
            edits.append((m.start, m.end, new_text))
    question = template.question
    out: list[str] = []
    pos = 0
    for start, end, new_text in sorted(edits):  # mentions never overlap
        out += (question[pos:start], new_text)
        pos = end
    out.append(question[pos:])
    return "".join(out)


_ARTICLE_RE = re.compile(r"\b(a|an|A|An)(\s+\$?)$")


def _article_before(question: str, start: int) -> re.Match[str] | None:
    """The article right before the number at `start` (`a 18`, `an $8`), else None."""
    before = question[:start]
    # the regex tries every position of the text: run it only where an article may end the text
    if not before.rstrip().rstrip("$").rstrip().endswith(("a", "A", "an", "An")):
        return None
    return _ARTICLE_RE.search(before)


def _article_for(new_text: str, written: str) -> str:
    """The article that fits the new number's sound (`an 18`, `a 9`), capitalised like `written`."""
    digits = new_text.replace(",", "").split(".")[0]
    eleven_or_eighteen = digits in ("11", "18") or (len(digits) in (5, 8) and digits[:2] in ("11", "18"))
    if new_text[:1].isalpha():
        vowel = new_text[:1].lower() in "aeiou"
    else:
        vowel = digits.startswith("8") or eleven_or_eighteen
    article = ("an" if vowel else "a")
    return article.capitalize() if written[0].isupper() else article


_NUMBER_IN_TEXT = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")

Key = tuple[int, int]  # (numerator, denominator): tuples hash and compare much faster than Fractions
# A prose piece: (text, group, same, words). Plain text has group -1; a number in digits or in words
# (words True) has the index of its group in SolutionPlan.groups (the new values that may replace
# it) and `same`, its text when its value is unchanged (`.5` is written `0.5`).
Piece = tuple[str, int, str, bool]


def _number_spans(text: str) -> list[tuple[int, int, Fraction | int]]:
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
        self.mentions = [[_mention_plan(template.question, m) for m in var.mentions]
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
        for start, end, number in _number_spans(text):
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
                same = number_text if plain else _format_like(number, number_text)  # `05` -> `5`
                pieces.append((number_text, group, same, False))
            else:
                pieces.append((number_text, group, number_text, True))
            pos = end
        pieces.append((text[pos:], -1, "", False))
        return pieces


def _mention_plan(question: str, m: Mention) -> _MentionPlan:
    word = m.kind == "word" or (m.kind == "percent" and not m.text[:1].isdigit())
    article = _article_before(question, m.start)
    if article is None:
        return _MentionPlan(m.start, m.end, m.text, m.commas, word, None, "")
    return _MentionPlan(article.start(), m.end, m.text, m.commas, word, article.group(1), article.group(2))


def _plan(template: Template) -> SolutionPlan:
    if template.plan is None:
        template.plan = SolutionPlan(template)
    assert isinstance(template.plan, SolutionPlan)
    return template.plan


def rewrite_solution(template: Template, values: list[Fraction], results: list[Fraction],
                     literal_values: list[list[Fraction]]) -> str:
    """The worked solution with new annotations and, where unambiguous, new numbers in its prose."""
    plan = _plan(template)
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
                out.append(_format_like(new, text))
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
                out.append(result_text if shown.isdigit() else _format_like(new_result, shown))
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
    version: ClassVar[str] = "3"  # 3: prose orders, parts and day counts that stay, "24 hours or 1 day"

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
        plan = _plan(template)
        changes = "; ".join(
            f"{old_text}->{format_number(new)}"
            for new, old_key, old_text in zip(values, plan.value_keys, plan.value_texts, strict=True)
            if new.as_integer_ratio() != old_key
        )
        return build_variant(
            item, self.name, self.version, 0,
            question=rewrite_question(template, values),
            answer=format_number(template.final_answer(results[-1])),
            solution=rewrite_solution(template, values, results, literal_values),
            params={"changes": changes, "n_free": len(template.free)},
        )
