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
from probes.arithmetic import Num, decimal_places, format_number, literals
from probes.base import ProbeSkip, build_variant
from probes.chain import ChainError
from probes.number_words import WORD_NUMBER_RE, match_case, parse_number_words, to_number_words
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


def rewrite_solution(template: Template, values: list[Fraction], results: list[Fraction],
                     literal_values: list[list[Fraction]]) -> str:
    """The worked solution with new annotations and, where unambiguous, new numbers in its prose."""
    mapping: dict[Fraction, set[Fraction]] = {}
    for var, new in zip(template.variables, values, strict=True):
        mapping.setdefault(var.value, set()).add(new)
    for step, new in zip(template.steps, results, strict=True):
        mapping.setdefault(step.result, set()).add(new)
    for step, lits in zip(template.steps, literal_values, strict=True):
        for lit, new in zip(literals(step.tree), lits, strict=True):
            mapping.setdefault(lit.value, set()).add(new)

    def unique_new(old: Fraction) -> Fraction | None:
        news = mapping.get(old)
        return next(iter(news)) if news and len(news) == 1 else None

    def swap_digits(match: re.Match[str]) -> str:
        new = unique_new(Fraction(match.group(0).replace(",", "")))
        return match.group(0) if new is None else _format_like(new, match.group(0))

    def swap_words(match: re.Match[str]) -> str:
        value = parse_number_words(match.group(0))
        new = None if value is None else unique_new(Fraction(value))
        if new is None or new.denominator != 1 or new == value:
            return match.group(0)
        return match_case(to_number_words(int(new)), match.group(0))

    def prose(text: str) -> str:
        return WORD_NUMBER_RE.sub(swap_words, _NUMBER_IN_TEXT.sub(swap_digits, text))

    out: list[str] = []
    pos = 0
    for step, new_result, lits in zip(template.steps, results, literal_values, strict=True):
        expr = _rewrite_expr(step.expr_text, literals(step.tree), lits)
        if step.start < pos:  # `3/2 = 1.50 + 3.00 = 4.50`: this step starts with the result just written
            first = literals(step.tree)[0]  # build_template checked it ends where the last step ended
            expr = expr[first.start + len(format_number(lits[0])) if lits[0] != first.value else first.end:]
        else:
            out.append(prose(template.solution[pos:step.start]))
        pos = step.end
        if step.annotated:
            out.append(f"<<{expr}={format_number(new_result)}>>")
            shown = _NUMBER_IN_TEXT.match(template.solution, pos)  # the result as the prose repeats it
            if shown and Fraction(shown.group(0).replace(",", "")) == step.result:
                out.append(_format_like(new_result, shown.group(0)))
                pos = shown.end()
        else:
            out.append(f"{expr}{step.glue}{_format_like(new_result, step.result_text)}")
    out.append(prose(template.solution[pos:]))
    return "".join(out)


def _format_like(value: Fraction, like: str) -> str:
    decimals = len(like.split(".")[1]) if "." in like else None
    places = decimal_places(value)
    fits = decimals is not None and places is not None and places <= decimals
    text = format_number(value, decimals) if fits else format_number(value)
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
    version: ClassVar[str] = "1"

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
            answer=format_number(results[-1]),
            solution=rewrite_solution(template, values, results, literal_values),
            params={"changes": changes, "n_free": len(template.free)},
        )
