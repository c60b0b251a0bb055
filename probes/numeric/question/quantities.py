"""Find the quantities a math question states: digits, money, percentages, fractions, number words."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from probes.numeric.question.number_words import (
    FIXED_WORDS,
    find_number_words,
    parse_number_words,
    prefix_alternation,
)
from probes.numeric.solution.arithmetic import parse_number

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_MENTION_RE = re.compile(
    rf"(?P<clock>\b\d{{1,2}}:\d{{2}}\b(?:\s?(?:[ap]\.m\.|[ap]m\b))?|\b\d{{1,2}}\s?(?:[ap]\.m\.|[ap]m\b))"
    rf"|(?P<mixed>\b\d+ \d+/\d+\b)"
    rf"|(?P<frac>\b\d+/\d+\b)"
    rf"|(?P<ordinal>\b\d+(?:st|nd|rd|th)\b)"
    rf"|(?P<num>(?<![\w.])(?:{_DIGITS}))(?P<pct>\s*(?:%|percent\b))?(?P<cents>\s*cents?\b)?",
    re.IGNORECASE,
)
_DENOMINATOR_AFTER_RE = re.compile(
    r"[\s-]+(?:thirds?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?|quarters?|halves)\b"
)
# A whole run of word characters that is a fixed word, in lowercased text.
_FIXED_RUN_RE = re.compile(rf"(?<!\w)(?:{prefix_alternation(FIXED_WORDS)})(?!\w)")
_MENTION_START_RE = re.compile(r"[\d.]")  # every `_MENTION_RE` match starts at a digit or a period
_FIXED_RE = re.compile(r"\b(" + "|".join(sorted(FIXED_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)


class Mention(NamedTuple):
    """One stated quantity: where it is, its value and how it is written.

    kind: "number" (digits), "word" (number words), "percent", "cents", or "fixed"
    (never resampled: fractions, clock times, ordinals, 'twice', 'dozen', 'one').
    (A NamedTuple: immutable, same equality and hash, and about 3x faster to build than a frozen
    dataclass; a GSM8K question states ~7.)
    """

    start: int
    end: int
    text: str
    value: Fraction
    kind: str
    decimals: int = 0
    commas: bool = False

    @property
    def resampleable(self) -> bool:
        return self.kind != "fixed"


def _digit_mention(match: re.Match[str]) -> Mention:
    raw = match.group("num")
    start, end = match.start("num"), match.end("num")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = parse_number(raw)
    kind = "number"
    if match.group("pct"):
        kind = "percent"
    elif match.group("cents"):
        kind = "cents"
    return Mention(start, end, raw, value, kind, decimals, "," in raw)


def find_mentions(question: str) -> list[Mention]:
    """Every quantity stated in `question`, left to right (fixed words included)."""
    return list(_find_mentions(question))


@lru_cache(maxsize=4096)
def _find_mentions(question: str) -> tuple[Mention, ...]:
    """find_mentions, remembered per question (a template and its sampler both read them)."""
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for match in _mention_matches(question):
        if match.group("num") is not None:
            mention = _digit_mention(match)
        else:
            text = match.group(0)
            value = Fraction(0)
            if match.group("frac"):
                num, den = text.split("/")
                value = Fraction(int(num), int(den)) if int(den) else Fraction(0)
            elif match.group("ordinal"):
                value = Fraction(int(re.match(r"\d+", text).group(0)))  # type: ignore[union-attr]
            elif match.group("mixed"):
                whole, frac = text.split(" ")
                num, den = frac.split("/")
                value = int(whole) + (Fraction(int(num), int(den)) if int(den) else Fraction(0))
            mention = Mention(match.start(), match.end(), text, value, "fixed")
        mentions.append(mention)
        taken.append((match.start(), match.end()))
    for match in find_number_words(question):
        text = match.group(0)
        word_value = parse_number_words(text)
        start = match.start()
        if word_value is None:  # e.g. "one fifty-dollar bill": read each word on its own
            for word in re.finditer(r"[A-Za-z]+", text):
                single = parse_number_words(word.group(0))
                if single is not None:
                    kind = "fixed" if single <= 1 else "word"
                    begin, end = start + word.start(), start + word.end()
                    mentions.append(Mention(begin, end, word.group(0), Fraction(single), kind))
                    taken.append((begin, end))
            continue
        kind = "fixed" if word_value <= 1 else "word"
        tail = question[start + len(text):start + len(text) + 12].lower()
        if kind == "word" and re.match(r"\s*(%|percent\b)", tail):
            kind = "percent"
        elif _DENOMINATOR_AFTER_RE.match(tail):
            kind = "fixed"  # "two-thirds": a written fraction, never resampled
        mentions.append(Mention(start, start + len(text), text, Fraction(word_value), kind))
        taken.append((start, start + len(text)))
    for start, end, fixed in _fixed_words(question):
        if any(a <= start < b for a, b in taken):
            continue
        for value in FIXED_WORDS[fixed.lower()]:
            mentions.append(Mention(start, end, fixed, value, "fixed"))
    mentions.sort(key=lambda m: (m.start, m.end))
    return tuple(mentions)


def _mention_matches(question: str) -> list[re.Match[str]]:
    """`_MENTION_RE.finditer(question)` as a list, with the pattern tried only where a match can
    start (a digit or a period) instead of at every position (about 4x faster, same matches)."""
    found: list[re.Match[str]] = []
    end = 0
    for candidate in _MENTION_START_RE.finditer(question):
        if candidate.start() >= end:
            match = _MENTION_RE.match(question, candidate.start())
            if match is not None:
                found.append(match)
                end = match.end()
    return found


def _fixed_words(question: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each `_FIXED_RE` match. In ASCII text a match is exactly a whole run
    of word characters that is a fixed word, so such runs are found with one case-sensitive scan of
    the lowercased text (same positions) instead of an ignore-case scan (several times faster)."""
    if not question.isascii():
        return [(m.start(), m.end(), m.group(1)) for m in _FIXED_RE.finditer(question)]
    return [(m.start(), m.end(), question[m.start():m.end()])
            for m in _FIXED_RUN_RE.finditer(question.lower())]


_PART_SEPARATOR_RE = re.compile(r"[ /:]")


def fraction_parts(mentions: list[Mention]) -> list[Fraction]:
    """Numerators, denominators and values of written fractions and clock times (fixed values)."""
    parts: list[Fraction] = []
    for mention in mentions:
        if mention.kind != "fixed":
            continue
        parts.append(mention.value)
        for piece in _PART_SEPARATOR_RE.split(mention.text):
            piece = piece.rstrip("apmAPM.")  # "7am"
            if piece.isdigit():
                parts.append(Fraction(int(piece)))
    return parts
