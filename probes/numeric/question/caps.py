"""Numbers a draw may not move freely: counts of a unit per larger unit stay within it ("6 days a
week" <= 7), and numbers that name a kind of thing rather than an amount stay as they are."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

from probes.numeric.question.quantities import Mention, fraction_parts
from probes.numeric.solution.chain import allowed_constants

_PER = r"\s+(?:a|per|each|every)\s+"
_WORK = r"(?:work\s*|school\s*|business\s*)?"
# A count of units per larger unit stays within it: "6 days a week" <= 7, "8 hours a day" <= 24,
# "a 5 day work week" <= 7.
_PER_UNIT_CAPS = [
    (re.compile(rf"\s*(?:days?|nights?){_PER}week\b"), Fraction(7)),
    (re.compile(rf"\s*hours?{_PER}day\b"), Fraction(24)),
    (re.compile(rf"\s*days?{_PER}month\b"), Fraction(31)),
    (re.compile(rf"\s*months?{_PER}year\b"), Fraction(12)),
    (re.compile(rf"\s*weeks?{_PER}year\b"), Fraction(52)),
    (re.compile(rf"\s*minutes?{_PER}hour\b"), Fraction(60)),
    (re.compile(rf"\s*-?\s*days?\s+{_WORK}week\b"), Fraction(7)),
    (re.compile(rf"\s*-?\s*hours?\s+{_WORK}(?:day|shift)\b"), Fraction(24)),
    # not a unit per unit, but as plain a bound: a person "60 years old" may not become 120
    (re.compile(r"\s*-?\s*years?\s*-?\s*old\b"), Fraction(100)),
]

# A bill's denomination ("2 twenty dollar bills" may not become "forty dollar bills") and the days
# of a month ("a 30 day month") name a kind of thing, not an amount.
_KIND_AFTER = re.compile(r"\s*-?\s*(?:dollars?\s+(?:bills?|notes?)|days?\s+months?)\b", re.IGNORECASE)
_BILL_AFTER = re.compile(r"\s*(?:bills?|notes?)\b", re.IGNORECASE)
# So do the body parts of a thing ("4 wheels for each car", "8-legged", "legs each"): a car with 5
# wheels, a motorcycle with 7, is no longer the question's world.
_PART = r"(?:wheel|leg|wing|tire|tyre|side|eye|arm|hand|finger|toe|head)"
_PARTS_AFTER = re.compile(
    rf"\s*-?\s*(?:{_PART}s?\s*(?:(?:for|per|on|in|to)\s+)?(?:each|every|a|an|one|per|apiece)\b|(?:wheel|legg|wing|sid|ey|arm|hand|head)ed\b)",
    re.IGNORECASE)

# ... and all of a thing's parts ("standing on all 4 legs", "on its 2 back legs"), and parents.
_ALL_BEFORE = re.compile(r"\b(?:all|its|their|both)\s+$", re.IGNORECASE)
_PART_AFTER = re.compile(rf"\s*(?:(?:back|front|hind)\s+)?{_PART}s?\b", re.IGNORECASE)
_PARENTS_AFTER = re.compile(r"\s*(?:grand)?parents\b", re.IGNORECASE)
# "2 glasses on Sunday ... every day for the next 4 days ... (Sunday to Saturday)": between named
# weekdays a count of days is fixed by the calendar
_DAYS_COUNT_AFTER = re.compile(r"\s*(?:more\s+|other\s+|straight\s+|consecutive\s+)?days\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:sun|mon|tues|wednes|thurs|fri|satur)day\b", re.IGNORECASE)
# "Bicycles have two wheels", "a spider has 8 legs": what a kind of thing has
_HAVE_BEFORE = re.compile(r"\b(?:have|has)\s+$", re.IGNORECASE)


# Every cap pattern starts so: one match rules them all out after most numbers.
_UNIT_AFTER = re.compile(r"\s*-?\s*(?:day|night|hour|month|week|minute|year)")


_DAYS_AFTER = re.compile(r"\s*-?\s*days?\b")
_ONE_YEAR = re.compile(r"\b(?:last|this|next|a|per|each|every|one|the)\s+year\b")


def _days_in_a_year(lowered: str, mention: Mention) -> bool:
    """A count of days in a sentence about one year ("If last year Andrew worked 300 days")."""
    if not _DAYS_AFTER.match(lowered, mention.end):
        return False
    start = max(lowered.rfind(".", 0, mention.start), lowered.rfind("?", 0, mention.start)) + 1
    end = lowered.find(".", mention.end)
    return _ONE_YEAR.search(lowered, start, end if end >= 0 else len(lowered)) is not None


def per_unit_cap(question: str, mentions: Sequence[Mention]) -> Fraction | None:
    """The most a number may become: the size of the larger unit it counts units of, if any."""
    lowered = question.lower()
    caps = [cap for m in mentions if _UNIT_AFTER.match(lowered, m.end)
            for pattern, cap in _PER_UNIT_CAPS if pattern.match(lowered, m.end)]
    caps += [Fraction(365) for m in mentions if _days_in_a_year(lowered, m)]
    return min(caps) if caps else None


def is_dollars(question: str, mention: Mention) -> bool:
    return mention.text.startswith("$") or question[max(0, mention.start - 1):mention.start] == "$"


def names_a_kind(question: str, mention: Mention) -> bool:
    """Whether a mention names a bill's denomination, a month's length, a thing's body parts or parents,
    or counts days between named weekdays ("$20 bills", "a 30 day month", "4 wheels for each car",
    "all 4 legs", "his 2 parents", "on Monday ... for the next 4 days")."""
    return bool(_KIND_AFTER.match(question, mention.end) or _PARTS_AFTER.match(question, mention.end)
                or (_PART_AFTER.match(question, mention.end)
                    and _ALL_BEFORE.search(question, max(0, mention.start - 8), mention.start))
                or _PARENTS_AFTER.match(question, mention.end)
                or (_DAYS_COUNT_AFTER.match(question, mention.end) and len(set(
                    day.lower() for day in _WEEKDAY.findall(question))) >= 2)
                or (_PART_AFTER.match(question, mention.end)
                    and _HAVE_BEFORE.search(question, max(0, mention.start - 6), mention.start))
                or (is_dollars(question, mention) and _BILL_AFTER.match(question, mention.end)))


_ORDINAL_RE = re.compile(
    r"\b(?:the|his|her|their|its|my|our|every|each)\s+(third|fourth|fifth|tenth)\b(?!\s+of\b)", re.IGNORECASE)
_ORDINAL_VALUES = {"third": Fraction(3), "fourth": Fraction(4), "fifth": Fraction(5), "tenth": Fraction(10)}


def ordinal_only(question: str, mentions: list[Mention]) -> set[Fraction]:
    """Values only an ordinal gives ("on the third street": 3): they may freeze an equal stated number
    ("three months ... the third month") but explain no literal on their own."""
    if question.isascii() and not any(word in question.lower() for word in _ORDINAL_VALUES):
        return set()  # an ASCII match shows one of the ordinals in some case
    spans = [m.span(1) for m in _ORDINAL_RE.finditer(question)]
    if not spans:
        return set()
    ordinal = {_ORDINAL_VALUES[question[a:b].lower()] for a, b in spans}
    others = set(allowed_constants(_ORDINAL_RE.sub(" ", question)))
    others |= set(fraction_parts([m for m in mentions if (m.start, m.end) not in spans]))
    return ordinal - others


_MULTIPLETS = {"twins": 2, "triplets": 3, "quadruplets": 4, "quintuplets": 5}


def names_multiplets(question: str, value: Fraction) -> bool:
    """Whether the question calls `value` children twins, triplets... ("3 grandsons. They're triplets")."""
    lowered = question.lower()
    return any(word in lowered and size == value for word, size in _MULTIPLETS.items())
