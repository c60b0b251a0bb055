"""Read a GSM8K worked solution's `<<expr=result>>` chain and check that it is self-consistent."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from probes.numeric.solution.arithmetic import (
    ExpressionError,
    Node,
    Num,
    evaluate,
    evaluates_to,
    literals,
    parse_expression,
    parse_number,
    tokenize,
)

ANNOTATION_RE = re.compile(r"<<([^<>=]*)=([^<>]*)>>")
FINAL_RE = re.compile(r"####\s*(.+?)\s*$", re.MULTILINE)

# Constants a solution may use without the question stating them, and the words that license
# each one (a constant is allowed only if one of its words occurs in the question).
UNIT_CONSTANTS: dict[Fraction, tuple[str, ...]] = {
    Fraction(1): ("",),
    Fraction(2): ("half", "halfway", "twice", "double", "pair", "both", "couple", "twin", "each other",
                  "round trip", "weekend", "saturday and sunday", "there and back", "back and forth",
                  "to and from", "rectangle", "rectangular", "perimeter"),  # 2 (length + width)
    Fraction(5): ("weekday", "weeknight", "nickel"),
    Fraction(100): ("%", "percent", "percentage", "cent", "century", "meter", "centimeter",
                    "penny", "pennies", "nickel", "dime"),  # coins: cents per dollar
    Fraction(60): ("minute", "hour", "seconds", "per second", "a second"),
    Fraction(24): ("day", "daily"),
    Fraction(7): ("week",),
    Fraction(12): ("year", "dozen", "foot", "feet", "inch", "annual"),
    Fraction(52): ("year",),
    Fraction(365): ("year", "annual"),
    Fraction(30): ("month", "june", "april", "september", "november"),
    Fraction(31): ("month", "january", "march", "may", "july", "august", "october", "december"),
    Fraction(4): ("month", "quarter", "gallon", "quart"),  # not "week": "4 weeks" is a count
    Fraction(1000): ("kilo", "thousand", "liter", "litre", "ml", "km", "kg"),
    Fraction(10): ("dime", "decade"),
    Fraction(3): ("yard", "third", "triple", "thrice", "triangle"),
    Fraction(16): ("ounce", "pound", "cup", "gallon"),
    Fraction(8): ("pint", "gallon", "cup", "ounce"),
    Fraction(1, 2): ("half", "halfway", "halves"),
    Fraction(1, 4): ("quarter",),
    Fraction(1, 10): ("dime",),
    Fraction(1, 100): ("cent", "penny", "pennies", "%", "percent", "percentage"),
    Fraction(5280): ("mile",),
    Fraction(4, 100): ("quarter",),
}


class ChainError(ValueError):
    """The solution cannot be re-derived safely; `reason` is a short name for summaries."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


class Step(NamedTuple):
    """One annotation: its parsed expression, its stated result, and where it sits in the text.
    (A NamedTuple: immutable, same equality and hash, and about 3x faster to build than a frozen
    dataclass; a numeric run builds ~20k.)"""

    expr_text: str
    tree: Node
    result: Fraction
    result_text: str
    start: int
    end: int
    annotated: bool = True
    glue: str = ""  # prose steps: the text between the expression and the result (" = $")
    worded: bool = False  # a prose step with words between its numbers ("5 seconds x 7 bottles = 35")


# An equation written in prose, e.g. "54 − 37 = 17" or "$7.50 x 4 = $30": parts joined by "=".
_PROSE_EQUATION_RE = re.compile(
    r"[\d$.(][\d$.,()+\-−–*/x×÷ \xa0]*(?:=[ \xa0]*\$?[ \xa0]*[\d$.(][\d$.,()+\-−–*/x×÷ \xa0]*)+"
)
_PLAIN_NUMBER_RE = re.compile(r"\s*\$?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)[\s.,]*$")


_WORD_OPERATORS_RE = re.compile(r"\b(plus|minus|times|multiplied by|divided by|equals)\b", re.IGNORECASE)
_SYMBOL_OF = {"plus": "+", "minus": "-", "times": "*", "multiplied by": "*", "divided by": "/", "equals": "="}


def _arithmetic_view(text: str) -> str:
    """The prose with word operators as symbols and `%` as a space, padded to the same length,
    so that positions in the view are positions in the text ("200 minus 174 equals 26")."""
    def symbol(match: re.Match[str]) -> str:
        word = match.group(0)
        return _SYMBOL_OF[word.lower()].ljust(len(word))
    lowered = text.lower()
    if text.isascii() and not any(word in lowered for word in _SYMBOL_OF):
        return text.replace("%", " ")  # an ASCII match shows one of the words in some case
    return _WORD_OPERATORS_RE.sub(symbol, text).replace("%", " ")


def _prose_steps(text: str, offset: int) -> list[Step]:
    """Unannotated computations in the prose: `expr = number` pairs that evaluate exactly."""
    if "=" not in text and "equals" not in text:
        return []
    view = _arithmetic_view(text)
    equals = view.find("=")
    if equals == view.rfind("=") and not view[equals + 1:].strip(" \xa0$"):
        return []  # "16 - 3 - 4 = " before an annotation: no number follows the one "="
    steps: list[Step] = []
    covered: list[tuple[int, int]] = []
    for match in _PROSE_EQUATION_RE.finditer(view):
        parts = match.group(0).split("=")
        position = match.start()
        bounds = []
        for part in parts:
            bounds.append((position, position + len(part)))
            position += len(part) + 1
        for (a_start, a_end), (b_start, b_end) in zip(bounds, bounds[1:], strict=False):
            left, right = view[a_start:a_end], view[b_start:b_end]
            number = _PLAIN_NUMBER_RE.match(right)
            core = left.strip()
            if number is None or not re.search(r"\d\s*\$?\s*[-+*/x×÷−]\s*\$?\s*[\d.(]", core):
                continue
            lead = a_start + (len(left) - len(left.lstrip()))
            try:
                tree = parse_expression(core)
                result = parse_number(number.group(1))
                if not evaluates_to(tree, result):
                    continue
            except ExpressionError:
                continue
            res_start = b_start + number.start(1)
            res_end = res_start + len(number.group(1))
            steps.append(Step(text[lead:lead + len(core)], tree, result, number.group(1), offset + lead,
                              offset + res_end, False, text[lead + len(core):res_start]))
            covered.append((lead, res_end))
    for equals in (m.start() for m in _EQUALS_RE.finditer(view)):
        if not any(a <= equals < b for a, b in covered):
            step = _worded_step(text, view, equals, offset)
            if step is not None:
                steps.append(step)
    steps.sort(key=lambda step: step.start)
    return steps


_EQUALS_RE = re.compile("=")
_RESULT_AFTER_EQUALS_RE = re.compile(
    r"[ \xa0]*\$?[ \xa0]*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d/:]|[.,]\d)"
)
# Characters that end the clause an equation's left side may come from.
_CLAUSE_END_RE = re.compile(r"[=\n;!?]|[.:](?=\s)")
_ALGEBRA_RE = re.compile(r"\d[a-zA-Z]\b|\b[xXyYnN]\s*[-+*/=)]")  # `3x + 4`, `x + 30`: unknowns
_KEEP = frozenset("0123456789$+-−–*/×÷() \xa0")


def _blank_words(segment: str) -> str:
    """The segment with everything but numbers and operators turned into spaces (same length):
    letters, unit slashes (`/day`), hyphens of words (`400-meter`), stray periods and commas."""
    out = []
    n = len(segment)
    for i, ch in enumerate(segment):
        before = segment[i - 1] if i else " "
        after = segment[i + 1] if i + 1 < n else " "
        keep = ch in _KEEP
        if ch in "xX":
            keep = not before.isalnum() and not after.isalnum()
        elif ch == "/":
            following = segment[i + 1:].lstrip()[:1]
            keep = not before.isalpha() and not following.isalpha()
        elif ch in "-−–":
            keep = not after.isalpha()
        elif ch in ".,":
            keep = after.isdigit() and (ch == "." or before.isdigit())
        elif ch == "$":
            keep = segment[i + 1:].lstrip()[:1] in tuple("0123456789.")
        out.append(ch if keep else " ")
    return "".join(out)


def _worded_expression(view: str, equals: int, result: Fraction) -> tuple[int, str, Node] | None:
    """The shortest whole expression left of `view[equals]`, within its clause, that gives `result`
    exactly once words are blanked: (start in view, blanked text, tree). A candidate starts at the
    clause start or after a number, never right after an operator (`10 - 5 + 5` is read whole)."""
    start = max((m.end() for m in _CLAUSE_END_RE.finditer(view, 0, equals)), default=0)
    segment = view[start:equals]
    if not any(ch.isdigit() for ch in segment) or _ALGEBRA_RE.search(segment):
        return None
    blanked = _blank_words(segment)
    try:
        tokens = tokenize(blanked)
    except ExpressionError:
        return None
    for i in range(len(tokens) - 1, -1, -1):
        kind, symbol, begin, _ = tokens[i]
        after_operator = i > 0 and tokens[i - 1][0] == "op" and tokens[i - 1][1] != ")"
        if not (kind == "num" or symbol == "(") or after_operator:
            continue
        core = blanked[begin:].rstrip()
        try:
            tree = parse_expression(core)
            if isinstance(tree, Num) or not evaluates_to(tree, result):
                continue
        except ExpressionError:
            continue
        return start + begin, core, tree
    return None


def _worded_step(text: str, view: str, equals: int, offset: int) -> Step | None:
    """`160 pieces of straw – 70 pieces = 90`: a prose step with words between its numbers."""
    number = _RESULT_AFTER_EQUALS_RE.match(view, equals + 1)
    if number is None:
        return None
    found = _worded_expression(view, equals, parse_number(number.group(1)))
    if found is None:
        return None
    lead, core, tree = found
    res_start, res_end = number.span(1)
    return Step(text[lead:lead + len(core)], tree, evaluate(tree), number.group(1), offset + lead,
                offset + res_end, False, text[lead + len(core):res_start], worded=True)


_TRAILING_EXPRESSION_RE = re.compile(r"([\d$.(][\d$.,()+\-−*/x×÷ \xa0]*)=[ \xa0]*\$?[ \xa0]*$")


def _written_before(prose: str, result: Fraction) -> tuple[str, Node] | None:
    """The arithmetic expression that the prose right before a bare-number annotation shows
    (`5,000 + 1,000 = <<6000=6000>>`, `54 inches / 12 inches/foot = <<4.5=4.5>>`)."""
    match = _TRAILING_EXPRESSION_RE.search(prose)
    if match is not None:
        text = match.group(1).strip()
        try:
            tree = parse_expression(text)
            if not isinstance(tree, Num) and evaluates_to(tree, result):
                return text, tree
        except ExpressionError:
            pass
    stripped = prose.rstrip(" \xa0$")
    if not stripped.endswith("="):
        return None
    found = _worded_expression(_arithmetic_view(stripped), len(stripped) - 1, result)
    if found is None:
        return None
    compact = " ".join(symbol for _, symbol, _, _ in tokenize(found[1]))
    return compact, parse_expression(compact)


def parse_final_answer(solution_with_final: str) -> Fraction:
    """The number after `####` (commas and a leading `$` removed).

    Raises:
        ChainError: `no_final_answer` or `final_not_numeric`.
    """
    match = FINAL_RE.search(solution_with_final)
    if match is None:
        raise ChainError("no_final_answer")
    return parse_answer(match.group(1))


def parse_answer(text: str) -> Fraction:
    """Parse a gold answer such as `18`, `-3`, `3.5` or `1,000` exactly.

    Raises:
        ChainError: `final_not_numeric`.
    """
    cleaned = text.strip().lstrip("$").replace(",", "")
    negative = cleaned.startswith("-")
    try:
        value = parse_number(cleaned.lstrip("-"))
    except ExpressionError as exc:
        raise ChainError("final_not_numeric", text) from exc
    return -value if negative else value


def parse_steps(solution: str, prose: bool = True) -> list[Step]:
    """Parse every `<<expr=result>>` annotation and check its result; add prose equations (unless
    `prose` is False: then only the annotations, which is cheaper when only they matter).

    Raises:
        ChainError: `no_annotations`, `unparseable_annotation` or `annotation_mismatch`.
    """
    steps: list[Step] = []
    prose_start = 0
    annotations = 0
    for match in ANNOTATION_RE.finditer(solution):
        start, end = match.span()
        if prose:
            steps.extend(_prose_steps(solution[prose_start:start], prose_start))
        prose_start = end
        annotations += 1
        expr_text, result_text = match.group(1, 2)
        tree, result = _checked_annotation(expr_text, result_text)
        if type(tree) is Num:  # "5,000 + 1,000 = <<6000=6000>>": the computation is in the prose
            written = _written_before(solution[:start], result)
            if written is not None:
                expr_text, tree = written
        steps.append(Step(expr_text, tree, result, result_text.strip(), start, end))
    if prose:
        steps.extend(_prose_steps(solution[prose_start:], prose_start))
    # each annotation holds two '<' (its text holds none): with no other '<', none is left over
    if solution.count("<") != 2 * annotations and "<<" in ANNOTATION_RE.sub("", solution):
        raise ChainError("unparseable_annotation", "malformed '<<' annotation")
    if not steps:
        raise ChainError("no_annotations")
    return steps


@lru_cache(maxsize=16384)
def _checked_annotation(expr_text: str, result_text: str) -> tuple[Node, Fraction]:
    """The tree and the stated result of `<<expr_text=result_text>>`, once the tree is checked to
    give that result exactly (remembered: a pure function of the text, and variants repeat the
    annotations their new numbers leave unchanged).

    Raises:
        ChainError: `unparseable_annotation` or `annotation_mismatch`.
    """
    try:
        tree = parse_expression(expr_text)
        result = parse_answer(result_text.strip())
        matches = evaluates_to(tree, result)
    except (ExpressionError, ChainError) as exc:
        raise ChainError("unparseable_annotation", f"<<{expr_text}={result_text}>>") from exc
    if not matches:
        raise ChainError("annotation_mismatch", f"{expr_text} = {evaluate(tree)}, not {result_text.strip()}")
    return tree, result


_WORD_RE = re.compile(r"[a-z]+")


def _licensed(word: str, lowered: str, words: set[str]) -> bool:
    """Symbols match anywhere; words match whole (with a plural or -ly ending: `hours`, `daily` is
    listed), so `second month` does not license 60 nor `Monday` 24; `kilo` is a prefix."""
    if not word or not word[0].isalpha():
        return word in lowered
    if " " in word:
        return f" {word} " in f" {' '.join(_WORD_RE.findall(lowered))} "
    if word == "kilo":
        return "kilo" in lowered and any(w.startswith("kilo") for w in words)  # the scan is rarely needed
    return any(form in words for form in (word, word + "s", word + "es", word + "ly"))


def _license_index() -> tuple[dict[str, set[int]], list[tuple[str, int]]]:
    """Whole-word licenses by word form (`hour`, `hours`, `hourly`...), and the others (symbols,
    phrases, the `kilo` prefix) to test one by one with `_licensed`; values by their index in
    `_CONSTANTS` (ints hash much faster than Fractions)."""
    by_form: dict[str, set[int]] = {}
    others: list[tuple[str, int]] = []
    for index, licenses in enumerate(UNIT_CONSTANTS.values()):
        for word in licenses:
            if word and word[0].isalpha() and " " not in word and word != "kilo":
                for form in (word, word + "s", word + "es", word + "ly"):
                    by_form.setdefault(form, set()).add(index)
            else:
                others.append((word, index))
    return by_form, others


_BY_FORM, _OTHER_LICENSES = _license_index()
_CONSTANTS = [frozenset([value]) for value in UNIT_CONSTANTS]  # set unions reuse their stored hashes


def allowed_constants(question: str) -> set[Fraction]:
    """Unstated constants the question's wording licenses (12 months, 60 minutes, 100 percent...)."""
    lowered = question.lower()
    runs = _WORD_RE.findall(lowered)
    words = set(runs)
    found: set[int] = set()
    for word in words:
        indices = _BY_FORM.get(word)
        if indices:
            found |= indices
    padded = ""
    for word, index in _OTHER_LICENSES:
        if index in found:
            continue
        if " " in word:  # a phrase: whole words in a row
            padded = padded or f" {' '.join(runs)} "
            if f" {word} " in padded:
                found.add(index)
        elif _licensed(word, lowered, words):
            found.add(index)
    return set().union(*(_CONSTANTS[index] for index in found))


def literal_count(steps: list[Step]) -> int:
    return sum(len(literals(step.tree)) for step in steps)
