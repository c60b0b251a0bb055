"""Extract the final number from a free-text answer and compare numbers numerically.

GSM8K-style outputs end with `#### 42`; chat models write "The answer is $1,234.50.",
"**Answer:** 42" or `\\boxed{\\frac{3}{4}}`. We take the `####` number when present, else the
last `\\boxed{...}` (LaTeX fractions, `\\text{}` units and `\\$` read), else the number after the
last "answer is"/"Answer:" (after the last "=" when the model wrote an equation there), else
the last number in the text. Commas, thin or (after an answer marker) plain spaces between
thousands, currency signs and trailing units are dropped; "3/4" is 0.75; decimals compare
numerically ("18.00" == "18"); a percentage matches its value or its fraction ("75%" == 0.75).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal

from detector.benchmarks.kinds import normalize_number

_SIGN = r"[-−]?\\?[$€£¥]?\s?[-−]?"
_PLAIN = r"(?:\d[\d,]*(?:\.\d+)?|\.\d+)"
_FRACTION = r"(?:\s*/\s*\d+(?![\d/]|\.\d))?"
_PERCENT = r"(?:\s?(?:\\?%|percent\b))?"
_THIN_GROUPS = r"\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?!\d)(?:\.\d+)?"
_SPACED_GROUPS = r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)(?:\.\d+)?"
_NUMBER = r"(?<![\d/])" + _SIGN + "(?:" + _THIN_GROUPS + "|" + _PLAIN + _FRACTION + ")" + _PERCENT
# After an answer marker a space may separate thousands too ("The answer is 1 234 567").
_MARKED_NUMBER = _SIGN + "(?:" + _SPACED_GROUPS + "|" + _PLAIN + _FRACTION + ")" + _PERCENT
_NUMBER_RE = re.compile(_NUMBER)
_HASHES_RE = re.compile(r"####\s*(" + _MARKED_NUMBER + ")")
_ANSWER_MARK_RE = re.compile(r"answer\s*(?:is|:|=)\s*:?", re.IGNORECASE)
_LEADING_NUMBER_RE = re.compile(r"[\s\*_:]*(?:\\\(|\$(?!\s?\d))?\s*(" + _MARKED_NUMBER + ")")
_SENTENCE_END_RE = re.compile(r"\.(?=\s|$)|\n")
_BOXED_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_LATEX_FRACTION_RE = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_LATEX_WRAPPER_RE = re.compile(r"\\(?:text|textbf|mathrm|mathbf|mbox)\s*\{([^{}]*)\}")
_LATEX_SPACING_RE = re.compile(r"\\[,!;: ]|~|\\left|\\right|\\\$")


def _is_percent(raw: str) -> bool:
    return "%" in raw or "percent" in raw


def _canonical(raw: str, keep_percent: bool) -> str | None:
    value = normalize_number(raw)
    if value is not None and keep_percent and _is_percent(raw):
        return value + "%"
    return value


_SENTENCE_MAX_CHARS = 1000  # an equation after "the answer is" is read within this many characters
_BOXED_MAX_CHARS = 1000  # a boxed answer is short; longer contents are not read (bounded work)


def _boxed_contents(text: str) -> list[str]:
    """The contents of every `\\boxed{...}`, braces balanced (one linear pass over the braces)."""
    closing: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[{}]", text):
        if match.group() == "{":
            stack.append(match.start())
        elif stack:
            closing[stack.pop()] = match.start()
    contents = []
    for match in _BOXED_RE.finditer(text):
        end = closing.get(match.end() - 1)
        if end is not None and end - match.end() <= _BOXED_MAX_CHARS:
            contents.append(text[match.end() : end])
    return contents


def _latex_number(content: str) -> str | None:
    """The number a boxed LaTeX answer states: `\\frac{3}{4}`, `\\$18`, `5 \\text{ apples}`, `x = 7`."""
    content = _LATEX_FRACTION_RE.sub(r"(\1)/(\2)", content)
    content = _LATEX_WRAPPER_RE.sub(r" \1", content)
    content = _LATEX_SPACING_RE.sub("", content).replace("{", "").replace("}", "")
    content = re.sub(r"\((\s*-?[\d.]+\s*)\)", r"\1", content)  # (3)/(4) -> 3/4
    content = content.rsplit("=", 1)[-1]
    match = _LEADING_NUMBER_RE.match(content)
    return match.group(1) if match else None


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD_NUMBER_RE = re.compile(
    r"[\s\*_:]*(?:("
    + "|".join(_TENS)
    + r")(?:[-\s]("
    + "|".join(_UNITS[1:10])
    + r"))?|("
    + "|".join(_UNITS)
    + r"))\b(?![-\s]*(?:hundred|thousand|million|billion)\b)",
    re.IGNORECASE,
)


def _word_number(text: str, position: int = 0) -> str | None:
    """The value of a number word opening `text` at `position` ("six", "twenty-five"), as digits."""
    match = _WORD_NUMBER_RE.match(text, position)
    if match is None:
        return None
    tens, unit, small = match.groups()
    if small:
        return str(_UNITS.index(small.lower()))
    return str(_TENS[tens.lower()] + (_UNITS.index(unit.lower()) if unit else 0))


def _after_answer_marker(text: str) -> str | None:
    """The number stated after the last "answer is"/"Answer:" that states one.

    Within that sentence an equation ("The answer is 10 - 3 = 7") gives its result.
    """
    marks = list(_ANSWER_MARK_RE.finditer(text))
    if not marks:
        return None
    ends = [end.start() for end in _SENTENCE_END_RE.finditer(text)]
    for mark in reversed(marks):
        following = bisect_left(ends, mark.end())
        end = ends[following] if following < len(ends) else len(text)
        sentence = text[mark.end() : min(end, mark.end() + _SENTENCE_MAX_CHARS)]
        if "=" in sentence:
            match = _LEADING_NUMBER_RE.match(sentence.rsplit("=", 1)[-1])
            if match:
                return match.group(1)
        match = _LEADING_NUMBER_RE.match(text, mark.end())
        if match:
            return match.group(1)
        word = _word_number(text, mark.end())  # "The answer is six."
        if word is not None:
            return word
    return None


def extract_number(text: str, *, keep_percent: bool = False) -> str | None:
    """Return the model's final numeric answer in canonical form, or None if it gave none.

    With `keep_percent`, an answer written as a percentage keeps its "%" ("75%"), which
    `numbers_equal` then matches against both 75 and 0.75.
    """
    hashes = _HASHES_RE.findall(text)
    candidates: list[str | None] = [hashes[-1] if hashes else None]
    candidates += [_latex_number(content) for content in reversed(_boxed_contents(text))]
    candidates.append(_after_answer_marker(text))
    for raw in candidates:
        if raw is not None:
            value = _canonical(raw, keep_percent)
            if value is not None:
                return value
    for raw in reversed(_NUMBER_RE.findall(text)):
        value = _canonical(raw, keep_percent)
        if value is not None:
            return value
    return None


def _values(text: str) -> list[Decimal]:
    """The values a number string may denote: a percentage is also its fraction."""
    value = normalize_number(text)
    if value is None:
        return []
    number = Decimal(value)
    return [number, number / 100] if _is_percent(text) else [number]


def numbers_equal(left: str | None, right: str | None, *, rel_tol: float = 1e-9) -> bool:
    """Whether two number strings denote the same value (numerically, not textually).

    A side written as a percentage ("75%") equals both 75 and 0.75.
    """
    if left is None or right is None:
        return False
    tolerance = Decimal(str(rel_tol))
    for da in _values(left):
        for db in _values(right):
            if da == db or abs(da - db) <= tolerance * max(abs(da), abs(db)):
                return True
    return False
