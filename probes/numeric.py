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
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.arithmetic import Num, decimal_places, format_number, literals, parse_number
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

# A prose piece: plain text (value None), a number in digits (Fraction) or a number in words (int),
# and the number's key ((numerator, denominator): tuples hash much faster than Fractions).
Key = tuple[int, int]
Piece = tuple[str, Fraction | int | None, Key | None]


def _key(value: Fraction | int) -> Key:
    return value.numerator, value.denominator


def _prose_pieces(text: str) -> list[Piece]:
    spans: list[tuple[int, int, Fraction | int]] = [
        (m.start(), m.end(), parse_number(m.group(0))) for m in _NUMBER_IN_TEXT.finditer(text)
    ]
    for m in find_number_words(text):
        value = parse_number_words(m.group(0))
        if value is not None:
            spans.append((m.start(), m.end(), value))
    pieces: list[Piece] = []
    pos = 0
    for start, end, number in sorted(spans, key=lambda span: span[0]):
        pieces.append((text[pos:start], None, None))
        pieces.append((text[start:end], number, _key(number)))
        pos = end
    pieces.append((text[pos:], None, None))
    return pieces


class SolutionPlan:
    """The solution cut once into prose pieces and steps, so a rewrite only fills in new numbers."""

    def __init__(self, template: Template) -> None:
        self.before: list[list[Piece] | None] = []  # prose before each step (None: chained to the last)
        self.shown: list[str | None] = []  # the result as the prose repeats it after an annotation
        self.literals = [literals(step.tree) for step in template.steps]
        # the old values a rewrite maps to new ones, in the order `rewrite_solution` lists the new ones
        self.keys = [_key(var.value) for var in template.variables]
        self.keys += [_key(step.result) for step in template.steps] + [_key(template.final_value)]
        self.keys += [_key(lit.value) for lits in self.literals for lit in lits]
        pos = 0
        solution = template.solution
        for step in template.steps:
            self.before.append(None if step.start < pos else _prose_pieces(solution[pos:step.start]))
            pos = step.end
            shown = _NUMBER_IN_TEXT.match(solution, pos) if step.annotated else None
            if shown and parse_number(shown.group(0)) == step.result:
                self.shown.append(shown.group(0))
                pos = shown.end()
            else:
                self.shown.append(None)
        self.after = _prose_pieces(solution[pos:])


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
    mapping: dict[Key, dict[Key, Fraction]] = {}  # old value -> its distinct new values
    for key, new in zip(plan.keys, news, strict=True):
        mapping.setdefault(key, {})[_key(new)] = new
    out: list[str] = []

    def prose(pieces: list[Piece]) -> None:
        for text, value, key in pieces:
            found = None if key is None else mapping.get(key)
            if not found or len(found) != 1:
                out.append(text)
                continue
            new = next(iter(found.values()))
            if isinstance(value, Fraction):
                out.append(_format_like(new, text))
            elif new.denominator != 1 or new == value:
                out.append(text)
            else:
                out.append(match_case(to_number_words(int(new)), text))

    for step, new_result, lits, nums, before, shown in zip(
            template.steps, results, literal_values, plan.literals, plan.before, plan.shown, strict=True):
        expr = _rewrite_expr(step.expr_text, nums, lits)
        if before is None:  # `3/2 = 1.50 + 3.00 = 4.50`: this step starts with the result just written
            first = nums[0]  # build_template checked it ends where the last step ended
            expr = expr[first.start + len(format_number(lits[0])) if lits[0] != first.value else first.end:]
        else:
            prose(before)
        if step.annotated:
            out.append(f"<<{expr}={format_number(new_result)}>>")
            if shown is not None:
                out.append(_format_like(new_result, shown))
        else:
            out.append(f"{expr}{step.glue}{_format_like(new_result, step.result_text)}")
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


def _rewrite_expr(expr: str, nums: list[Num], values: list[Fraction]) -> str:
    for num, value in sorted(zip(nums, values, strict=True), key=lambda pair: pair[0].start, reverse=True):
        if value != num.value:
            expr = expr[:num.start] + format_number(value) + expr[num.end:]
    return expr


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
