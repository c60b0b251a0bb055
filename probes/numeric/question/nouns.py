"""Whether a stated count the solution never uses could feed one of its literals unwritten.

"the sum of the ages of the three girls": 3 is one operation from 5 and 2 (5 - 2 = 3), but a
solution that computed with the girls would say so where it does. A relation between an unused
count and a chain literal counts only when a solution line holding that literal names the count's
noun ("3 kids", "2 sons"); counts of units (months, hours, dollars...) always count.
"""

from __future__ import annotations

import re
from fractions import Fraction

from probes.numeric.question.quantities import Mention
from probes.numeric.solution.arithmetic import literals
from probes.numeric.solution.chain import UNIT_CONSTANTS, Step

_WORD = re.compile(r"[A-Za-z]+")
_SKIP = {"different", "little", "more", "other", "of", "the", "small", "big", "new", "old", "extra", "young",
         "equal", "identical", "separate", "whole", "full", "empty", "large", "same"}
_UNITS = {"time", "times", "year", "dollar", "cent", "pound", "ounce", "mile", "foot", "feet", "inch",
          "gallon", "point", "percent", "page", "piece", "slice", "meter", "liter", "unit", "part", "step"}
_UNITS |= {word for licenses in UNIT_CONSTANTS.values() for word in licenses if word.isalpha()}


def _stem(word: str) -> str:
    word = word.lower()
    if word.endswith("ren"):  # children
        return word[:-3]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_IRREGULAR_PLURALS = {"children", "people", "men", "women", "teeth", "geese", "mice"}


def count_noun(question: str, mention: Mention) -> str | None:
    """The plural noun a small stated count counts ("three little wolves" -> "wolve"); None for a
    unit, a count over 20, or when no plural noun follows within three words ("two have", "7 and")."""
    if mention.value.denominator != 1 or not 2 <= mention.value <= 20:
        return None
    for word in _WORD.findall(question[mention.end:mention.end + 40])[:3]:
        stem = _stem(word)
        if stem in _SKIP:
            continue
        plural = word.lower() in _IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith("ss"))
        if not plural or stem in _UNITS or word.lower() in _UNITS or len(stem) < 3:
            return None
        return stem
    return None


def named_near(noun: str, literal: Fraction, solution: str, steps: list[Step]) -> bool:
    """Whether a solution line holding a literal of this value names the noun."""
    for step in steps:
        if any(lit.value == literal for lit in literals(step.tree)):
            start = solution.rfind("\n", 0, step.start) + 1
            end = solution.find("\n", step.end)
            line = solution[start:end if end >= 0 else len(solution)]
            if any(_stem(word).startswith(noun[:4]) for word in _WORD.findall(line)):
                return True
    return False


def named_after(noun: str, question: str, mentions: list[Mention]) -> bool:
    """Whether the noun follows any of these mentions within four words ("two of the pizzas")."""
    return any(_stem(word).startswith(noun[:4])
               for m in mentions for word in _WORD.findall(question[m.end:m.end + 40])[:4])
