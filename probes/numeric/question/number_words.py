"""English number words: read them in questions and write new values back as words."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from fractions import Fraction

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000, "million": 1_000_000}

# Words that state a fixed quantity or relation: they explain literals in a solution but are
# never resampled ("twice", "half", "a dozen"). Each maps to the values a solution may use.
FIXED_WORDS: dict[str, tuple[Fraction, ...]] = {
    "half": (Fraction(1, 2), Fraction(2)),
    "halves": (Fraction(1, 2), Fraction(2)),
    "twice": (Fraction(2),),
    "double": (Fraction(2),),
    "doubled": (Fraction(2),),
    "doubles": (Fraction(2),),
    "doubling": (Fraction(2),),
    "triple": (Fraction(3),),
    "tripled": (Fraction(3),),
    "triples": (Fraction(3),),
    "tripling": (Fraction(3),),
    "thrice": (Fraction(3),),
    "quadruple": (Fraction(4),),
    "quadrupled": (Fraction(4),),
    "quadruples": (Fraction(4),),
    "quadrupling": (Fraction(4),),
    "quintuple": (Fraction(5),),
    "quintupled": (Fraction(5),),
    "quintuples": (Fraction(5),),
    "dozen": (Fraction(12),),
    "dozens": (Fraction(12),),
    "pair": (Fraction(2),),
    "pairs": (Fraction(2),),
    "couple": (Fraction(2),),
    "both": (Fraction(2),),
    "twins": (Fraction(2),),
    "quarter": (Fraction(1, 4), Fraction(4), Fraction(25)),
    "quarters": (Fraction(1, 4), Fraction(4), Fraction(25)),
    "third": (Fraction(1, 3), Fraction(3)),
    "thirds": (Fraction(1, 3), Fraction(3)),
    "fourth": (Fraction(1, 4), Fraction(4)),
    "fourths": (Fraction(1, 4), Fraction(4)),
    "fifth": (Fraction(1, 5), Fraction(5)),
    "fifths": (Fraction(1, 5), Fraction(5)),
    "tenth": (Fraction(1, 10), Fraction(10)),
    "once": (Fraction(1),),
    "one": (Fraction(1),),
    "a": (Fraction(1),),
    "an": (Fraction(1),),
    "each": (Fraction(1),),
    "every": (Fraction(1),),
    "per": (Fraction(1),),
    "dime": (Fraction(10), Fraction(1, 10)),
    "dimes": (Fraction(10), Fraction(1, 10)),
    "nickel": (Fraction(5), Fraction(1, 20)),
    "nickels": (Fraction(5), Fraction(1, 20)),
    "penny": (Fraction(1, 100),),
    "pennies": (Fraction(1, 100),),
    "decade": (Fraction(10),),
    "decades": (Fraction(10),),
    "century": (Fraction(100),),
}

_NUMBER_WORD = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
# "twenty-five", "three hundred", "two thousand five hundred" (not "one" alone: see FIXED_WORDS).
WORD_NUMBER_RE = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:[- ](?:{_NUMBER_WORD}))?(?:[ -](?:hundred|thousand|million)"
    rf"(?:(?: and)? (?:{_NUMBER_WORD})(?:[- ](?:{_NUMBER_WORD}))?)?)?\b",
    re.IGNORECASE,
)


def prefix_alternation(words: Iterable[str]) -> str:
    """A regex alternation matching exactly `words`, factored by common prefix ('t(?:en|wo)'):
    the matcher tries a few first letters at each position instead of every word."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        groups.setdefault(word[0], []).append(word)
    branches = []
    for group in groups.values():
        prefix = os.path.commonprefix(group)
        rests = [word[len(prefix):] for word in group if len(word) > len(prefix)]
        if not rests:
            branches.append(re.escape(prefix))
        else:
            optional = "?" if len(rests) < len(group) else ""
            branches.append(f"{re.escape(prefix)}(?:{prefix_alternation(rests)}){optional}")
    return "|".join(branches)


# A whole run of word characters that is a number word, in lowercased text.
_NUMBER_WORD_RUN_RE = re.compile(rf"(?<!\w)(?:{prefix_alternation([*UNITS, *TENS])})(?!\w)")


def find_number_words(text: str) -> list[re.Match[str]]:
    """`WORD_NUMBER_RE.finditer(text)` as a list. In ASCII text every match starts a whole run of
    word characters that is a number word, so the pattern is tried only where a scan for such runs
    finds one (several times faster than trying it at every position, or at every word)."""
    if not text.isascii():
        return list(WORD_NUMBER_RE.finditer(text))
    found: list[re.Match[str]] = []
    end = 0
    for run in _NUMBER_WORD_RUN_RE.finditer(text.lower()):  # ASCII: the same positions
        if run.start() >= end:
            match = WORD_NUMBER_RE.match(text, run.start())
            if match is not None:
                found.append(match)
                end = match.end()
    return found


_WORD_SEPARATOR_RE = re.compile(r"[\s-]+")


def parse_number_words(text: str) -> int | None:
    """Value of a number phrase like `twenty-five` or `three hundred and two`; None if invalid."""
    total = 0
    current = 0
    seen = False
    for word in _WORD_SEPARATOR_RE.split(text.lower().strip()):
        if word == "and":
            continue
        if word in UNITS:
            low = current % 100
            if low and not (low >= 20 and low % 10 == 0):
                return None
            current += UNITS[word]
        elif word in TENS:
            if current % 100:
                return None
            current += TENS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _below_thousand(value: int) -> str:
    hundreds, rest = divmod(value, 100)
    parts: list[str] = []
    if hundreds:
        parts.append(f"{_below_hundred(hundreds)} hundred")
    if rest or not parts:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def _below_hundred(value: int) -> str:
    by_value = {v: k for k, v in {**UNITS, **TENS}.items()}
    if value in by_value:
        return by_value[value]
    tens, unit = divmod(value, 10)
    return f"{by_value[tens * 10]}-{by_value[unit]}"


def to_number_words(value: int) -> str:
    """Write a non-negative integer below one million as English words (`twenty-five`).

    Raises:
        ValueError: for negative values or values of a million or more.
    """
    if value < 0 or value >= 1_000_000:
        raise ValueError(f"cannot write {value} as words")
    thousands, rest = divmod(value, 1000)
    if thousands and rest:
        return f"{_below_thousand(thousands)} thousand {_below_thousand(rest)}"
    if thousands:
        return f"{_below_thousand(thousands)} thousand"
    return _below_thousand(rest)


def match_case(word: str, like: str) -> str:
    """Capitalise `word` the way `like` is capitalised (`Three` -> `Five`)."""
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
