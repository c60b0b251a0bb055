"""Counts a question implies without writing them as numbers: the days it names in a list
("on Monday, Wednesday and Friday": 3; "from Sunday through Wednesday": 4), the names it lists
("Arnold and Madeline": 2) and the people in a company ("Jenna has 4 roommates": 5 with Jenna).
Such a count explains a solution literal like a unit constant does; the days and names stay
fixed, the company follows its stated number. So do counts of what the question lists
("three speeds: low, medium, and high"; "91, 90, and 92 in her three quizzes").
"""

from __future__ import annotations

import re
from fractions import Fraction

from probes.numeric.question.quantities import Mention

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
# Two or more day names joined by commas and one "and" ("Monday, Wednesday, and Friday").
_DAY_LIST_RE = re.compile(rf"\b{_DAY}(?:\s*,\s*{_DAY})*,?\s+and\s+{_DAY}\b", re.IGNORECASE)
_DAY_SPAN_RE = re.compile(rf"\b({_DAY})\s+(?:through|thru)\s+({_DAY})\b", re.IGNORECASE)
_DAY_NAME_RE = re.compile(_DAY, re.IGNORECASE)
# A stated number of companions: with the one who has them, the group is one more.
_COMPANY_AFTER_RE = re.compile(
    r"\s+(?:of\s+(?:his|her|their)\s+)?(?:(?:best|close|good|other)\s+)?"
    r"(?:friends|roommates|siblings|brothers|sisters|cousins|classmates|teammates|coworkers|co-workers|colleagues)\b",
    re.IGNORECASE)


def day_counts(question: str) -> set[Fraction]:
    """How many days each list or span of weekday names names (only counts of 2 to 7)."""
    counts: set[Fraction] = set()
    if question.isascii():
        lowered = question.lower()  # an ASCII match shows its day names in some case
        if "day" not in lowered or not any(day in lowered for day in _DAYS):
            return counts
    for match in _DAY_LIST_RE.finditer(question):
        names = {name.lower().rstrip("s") for name in _DAY_NAME_RE.findall(match.group(0))}
        if len(names) >= 2:
            counts.add(Fraction(len(names)))
    for match in _DAY_SPAN_RE.finditer(question):
        first = _DAYS.index(match.group(1).lower().rstrip("s"))
        last = _DAYS.index(match.group(2).lower().rstrip("s"))
        span = (last - first) % 7 + 1
        if span >= 2:
            counts.add(Fraction(span))
    return counts


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_NAME_LIST_RE = re.compile(r"\b[A-Z][a-z]+(?:\s*,\s*[A-Z][a-z]+)*,?\s+and\s+[A-Z][a-z]+\b")
_AND_NAME_RE = re.compile(r"and\s+[A-Z]")  # in every match of _NAME_LIST_RE


def name_counts(question: str) -> set[Fraction]:
    """How many names each list of capitalized names joined by "and" holds ("Zoey and Sydney": 2);
    lists of days or months are left to `day_counts`."""
    counts: set[Fraction] = set()
    if not _AND_NAME_RE.search(question):
        return counts  # a quick search (literal prefix) rules out most questions
    for match in _NAME_LIST_RE.finditer(question):
        names = {name.lower() for name in re.findall(r"[A-Za-z]+", match.group(0))} - {"and"}
        if len(names) >= 2 and not names & {*_DAYS, *_MONTHS}:
            counts.add(Fraction(len(names)))
    return counts


def counts_company(question: str, mentions: list[Mention]) -> bool:
    """Whether a number counts someone's companions ("4 of her friends", "4 roommates")."""
    return any(_COMPANY_AFTER_RE.match(question, m.end) for m in mentions)


_PAIR_AFTER_RE = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}(?:groups?|teams?|kinds?|types?|sorts?)\s+of\s+[\w'-]+\s+(?:and|or)\s")
_LIST_AFTER_RE = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}[\w-]+\s*(?::|,?\s+(?:named|called))\s*"
    r"((?:[\w'-]+\s*){1,3}(?:,\s*(?:[\w'-]+\s*){1,3})*,?\s+(?:and|or)\s+[\w'-]+)"
)


def listed_count(question: str, end: int) -> int | None:
    """How many things a number is followed by a list of ("three speeds: low, medium, and high")."""
    if _PAIR_AFTER_RE.match(question, end):
        return 2  # "two equal groups of girls and boys"
    match = _LIST_AFTER_RE.match(question, end)
    if match is None:
        return None
    return len([part for part in re.split(r",|\band\b|\bor\b", match.group(1)) if part.strip()])


_NUMBER_LIST_RE = re.compile(r"\$?\d+(?:\.\d+)?(?:,\s+\$?\d+(?:\.\d+)?)+,?\s+and\s+\$?\d+(?:\.\d+)?")
_SENTENCE_RE = re.compile(r"[^.?!]+(?:[.?!](?!\d)|$)")


def number_lists_in(question: str) -> list[tuple[int, int, int]]:
    """(start, end, length) of each sentence that lists numbers ("got 91, 90, and 92 in her three
    quizzes"): a count in it may be how many it lists."""
    if ", " not in question:
        return []
    found = []
    for sentence in _SENTENCE_RE.finditer(question):
        match = _NUMBER_LIST_RE.search(sentence.group(0))
        if match is not None:
            length = len(re.findall(r"\d+(?:\.\d+)?", match.group(0)))
            found.append((sentence.start(), sentence.end(), length))
    return found
