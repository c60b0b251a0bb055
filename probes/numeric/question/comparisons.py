"""Orders a question states in words: "Steve lives further away than Tim", "twice as many as".

The stated numbers behind each side of such a comparison are often in other sentences ("Steve
lives 3 miles from school ... Tim lives 2 miles away"), and telling which number is whose would
be a guess. So the guard is conservative: when a question compares in words, every two numbers
it states in the same unit (miles with miles, dollars with dollars, bare numbers with bare
numbers) keep their original order in every draw, whichever of them the comparison is about.
A comparison with a stated number ("more than 20 points") is a threshold, not one between two
stated quantities; it is left to the threshold rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from probes.numeric.question.caps import is_dollars
from probes.numeric.question.quantities import Mention

_COMPARATIVES = (
    "more|less|fewer|greater|further|farther|closer|nearer|longer|shorter|taller|higher|lower|older|"
    "younger|heavier|lighter|cheaper|pricier|costlier|faster|slower|quicker|bigger|larger|smaller|"
    "wider|narrower|deeper|shallower|earlier|later|richer|poorer|better|worse|hotter|colder|warmer|"
    "cooler|thicker|thinner|stronger|weaker|louder|busier|harder|easier|slimmer|fatter|newer"
)
_NUMBER_AFTER = (
    r"\$?\s*\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|half|twice|double|triple|a\s+(?:dozen|third|quarter|"
    r"hundred|thousand))\b"
)
# "<comparative> (up to five words) than", unless a number follows (a threshold: "more than 20")
_THAN_RE = re.compile(rf"\b(?:{_COMPARATIVES})\b(?:\s+[\w'$-]+){{0,5}}?\s+than\b(?!\s+(?:{_NUMBER_AFTER}))",
                      re.IGNORECASE)
# "twice as many as", "three times as far as", "half as long as"
_AS_AS_RE = re.compile(r"\b(?:twice|thrice|half|times)\s+as\s+(?:[\w'-]+\s+){0,4}?as\b", re.IGNORECASE)
_AS_AS_WORDS = ("twice", "thrice", "half", "times")
_WORD_RE = re.compile(r"[A-Za-z]+")
_CLAUSE_END_RE = re.compile(r"[.!?;:,]")
# words after a number that say nothing of its unit: the number is read as a bare number
_NOT_UNITS = frozenset({
    "and", "or", "of", "to", "in", "on", "at", "for", "from", "by", "with", "a", "an", "the", "is", "are",
    "was", "were", "each", "every", "per", "as", "than", "then", "but",
    "so", "if", "he", "she", "it", "they", "we", "you", "i", "his", "her", "their", "its", "this", "that",
})
_FILLERS = frozenset({"extra", "other", "more", "less", "fewer", "additional", "new", "old", "different",
                      "whole", "full"})


def states_comparison(question: str) -> bool:
    """Whether the question compares two quantities in words (not with a stated number)."""
    # A match needs "than", or "as" after one of four words, in any case: in ASCII text (where
    # case is only A-Z) the regexes, slow to try at every position, run only when those words occur.
    lowered = question.lower() if question.isascii() else None
    if (lowered is None or "than" in lowered) and _THAN_RE.search(question):
        return True
    if lowered is not None and not any(word in lowered for word in _AS_AS_WORDS):
        return False
    return _AS_AS_RE.search(question) is not None


def unit_of(question: str, mention: Mention) -> frozenset[str]:
    """A mention's unit, as a set of words: {"$"}, {"%"}, or the stems of the (up to two)
    noun-like words right after it ("3 miles from" -> {"mile"}, "5 red apples" -> {"red", "apple"},
    "440 feet per minute" -> {"feet"}); empty for a bare number ("Tom is 12.")."""
    if is_dollars(question, mention) or mention.kind == "cents":
        return frozenset({"$"})
    if mention.kind == "percent":
        return frozenset({"%"})
    tail = _CLAUSE_END_RE.split(question[mention.end:mention.end + 40], maxsplit=1)[0]
    if re.match(r"\s*(?:dollars?|bucks)\b", tail, re.IGNORECASE):
        return frozenset({"$"})
    words: set[str] = set()
    for word in _WORD_RE.findall(tail)[:3]:
        lowered = word.lower()
        if lowered in _FILLERS:
            continue
        if lowered in _NOT_UNITS or len(words) == 2:
            break
        words.add(lowered[:-1] if lowered.endswith("s") and not lowered.endswith("ss") else lowered)
    return frozenset(words)


def compared_groups(question: str, mentions_of: Sequence[Sequence[Mention]]) -> list[list[int]]:
    """Groups of variables (indices into `mentions_of`, one entry of mentions per variable) whose
    pairwise order a draw keeps, when the question compares in words: those whose units share a
    word (joined transitively: a variable stated in two units links both), and a bare number,
    whose unit is unknown, with every other."""
    if not states_comparison(question):
        return []
    mention_units = [[unit_of(question, m) for m in mentions] for mentions in mentions_of]
    units = [frozenset().union(*unit_sets) for unit_sets in mention_units]
    bare = [i for i, unit_sets in enumerate(mention_units) if not all(unit_sets)]
    parent = list(range(len(units)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, words in enumerate(units):
        for word in words:
            j = owner.setdefault(word, i)
            parent[root(i)] = root(j)
    groups: dict[int, set[int]] = {}
    for i, words in enumerate(units):
        if words:
            groups.setdefault(root(i), set()).add(i)
    found = [sorted(group | set(bare)) for group in groups.values()] or [sorted(bare)]
    return [group for group in found if len(group) > 1]
