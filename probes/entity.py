"""`entity`: swap person names, everyday objects and units of measure that do not change the answer.

A control family: GSM-Symbolic found that changing names alone moves scores little, so a large
drop here points at memorized surface text rather than at harder questions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip, build_variant

FEMALE_NAMES = (
    "Janet", "Maya", "Sofia", "Priya", "Elena", "Grace", "Hannah", "Aisha", "Chloe", "Nora", "Lucy",
    "Amara", "Ines", "Mei", "Olivia", "Emma", "Ava", "Mia", "Zoe", "Leah", "Ruth", "Alice", "Clara",
    "Fatima", "Yuki", "Rosa", "Tara", "Vera", "Lena", "Julia", "Sara", "Nadia", "Kim", "Anna",
    "Sally", "Sarah", "Martha", "Sharon", "Amy", "Anne", "Jane", "Dora", "Samantha", "Jean", "Cindy",
    "Maria", "Jenny", "Madeline", "Lily", "Kelly", "Sue", "Erin", "Ashley", "Julie", "Susan", "Jill",
    "Vanessa", "Naomi", "Brianna", "Betty", "Erica", "Bernadette", "Kate", "Sophia", "Beatrice",
    "Brittany", "Sandra", "Harriet", "Kylie", "Andrea", "Joanne", "Tasha", "Angela", "Kathy",
    "Carly", "Lynn", "Jennifer", "Sasha", "Rafaela", "Wendy", "Ellen", "Denise", "Sophie",
    "Wanda", "Carla", "Melanie", "Gretchen", "Suzy", "Marcy", "Freda", "Mary", "Dorothy", "Polly",
)
MALE_NAMES = (
    "James", "John", "Leo", "Omar", "Daniel", "Mateo", "Ravi", "Kenji", "Samuel", "Lucas", "Ethan",
    "Noah", "Liam", "Felix", "Hugo", "Ivan", "Marco", "Tariq", "Ben", "Tom", "Jack", "Paul", "Carl",
    "David", "Mark", "Peter", "Sam", "Oscar", "Victor", "Diego", "Kofi", "Arjun", "Hassan", "Max",
    "Robert", "Jason", "Mike", "Billy", "Charlie", "Harry", "Fred", "Bobby", "Bill", "Joe", "Jim",
    "George", "Raymond", "Brian", "Tim", "Jake", "Marcus", "Adam", "Jamal", "Tony", "Joey", "Richard",
    "Josh", "Stanley", "Bob", "Boris", "Igor", "Aaron", "Stephen", "Gerald", "Joseph", "Jerry",
    "Sean", "Timothy", "Oliver", "Wayne", "Andy", "Gary", "Anthony", "Stan", "Greg", "Corey",
    "Johnny", "Jimmy", "Carlos", "Zack", "Kyle", "Rick", "Nick", "Luke", "Walter", "Bruce", "Rob",
    "Jeff", "Ray", "Juan", "Steve", "Larry", "Arnold", "Nate", "Craig", "Albert", "Colin", "Brandon",
    "Jerome", "Henry", "Dylan", "Dave",
)
# Interchangeable countable objects (singular, plural): swapping them keeps every number's meaning.
OBJECTS = (
    ("apple", "apples"), ("orange", "oranges"), ("cookie", "cookies"), ("muffin", "muffins"),
    ("pencil", "pencils"), ("marker", "markers"), ("marble", "marbles"), ("bead", "beads"),
    ("sticker", "stickers"), ("stamp", "stamps"), ("cupcake", "cupcakes"), ("brownie", "brownies"),
    ("notebook", "notebooks"), ("postcard", "postcards"), ("balloon", "balloons"), ("toy car", "toy cars"),
    ("comic book", "comic books"), ("seashell", "seashells"), ("lemon", "lemons"), ("peach", "peaches"),
)
# Units of one dimension; a swap happens only when the item uses a single unit of that dimension.
UNITS = (
    (("mile", "miles"), ("kilometer", "kilometers")),
    (("pound", "pounds"), ("kilogram", "kilograms")),
    (("gallon", "gallons"), ("liter", "liters")),
    (("meter", "meters"), ("yard", "yards")),
)
_LENGTH_WEIGHT_VOLUME = re.compile(
    r"\b(inch|inches|foot|feet|yard|yards|meter|meters|centimeters?|kilometers?|miles?|ounces?|"
    r"grams?|kilograms?|pounds?|tons?|gallons?|liters?|quarts?|pints?|cups?|ml|km|kg|lb|lbs)\b",
    re.IGNORECASE,
)


_WORDS_RE = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=4096)
def _alternation(words: tuple[str, ...], flags: int) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b", flags)


def _all_text(item: BenchmarkItem) -> str:
    return "\n".join([item.question, item.solution or "", *item.choices])


@dataclass(frozen=True, slots=True)
class _Candidates:
    names: tuple[tuple[list[str], list[str]], ...]  # per gender: (names in the question, unused names)
    present_objects: list[tuple[str, str]]
    free_objects: list[tuple[str, str]]
    unit_groups: tuple[tuple[tuple[str, str], ...], ...]


@lru_cache(maxsize=4096)
def _candidates(question: str, text: str) -> _Candidates:
    """What an item offers to swap (the random choice among them is made per draw)."""
    tokens = _WORDS_RE.findall(text)
    words = set(tokens) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)}
    question_words = set(_WORDS_RE.findall(question))
    lowered_words = {w.lower() for w in words}
    names = tuple(([n for n in group if n in question_words], [n for n in group if n not in words])
                  for group in (FEMALE_NAMES, MALE_NAMES))
    present_objects = [o for o in OBJECTS if o[0] in lowered_words or o[1] in lowered_words]
    free_objects = [o for o in OBJECTS if o[0] not in lowered_words and o[1] not in lowered_words]
    units = {m.group(0).lower() for m in _LENGTH_WEIGHT_VOLUME.finditer(text)}
    unit_groups: list[tuple[tuple[str, str], ...]] = []
    if len({form.rstrip("s") for form in units}) == 1:
        for pair in UNITS:
            for side, other in ((pair[0], pair[1]), (pair[1], pair[0])):
                if units & set(side) and other[0] not in lowered_words and other[1] not in lowered_words:
                    unit_groups.append(((side[1], other[1]), (side[0], other[0])))
    return _Candidates(names, present_objects, free_objects, tuple(unit_groups))


class EntityProbe:
    name: ClassVar[str] = "entity"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return True

    def _groups(self, item: BenchmarkItem, rng: random.Random) -> list[list[tuple[str, str]]]:
        """Candidate swaps, grouped so that the forms of one entity change together."""
        candidates = _candidates(item.question, _all_text(item))
        groups: list[list[tuple[str, str]]] = []
        for present, unused in candidates.names:
            replacements = rng.sample(unused, min(len(present), len(unused)))
            groups.extend([pair] for pair in zip(present, replacements, strict=False))
        free_objects = rng.sample(candidates.free_objects,
                                  min(len(candidates.present_objects), len(candidates.free_objects)))
        for old, new in zip(candidates.present_objects, free_objects, strict=False):
            groups.append([(old[1], new[1]), (old[0], new[0])])
        groups.extend([list(group) for group in candidates.unit_groups])
        return groups

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        groups = self._groups(item, rng)
        if not groups:
            raise ProbeSkip("no_entities")
        chosen = sorted(rng.sample(range(len(groups)), rng.randint(1, len(groups))))
        table = dict(pair for i in chosen for pair in groups[i])
        # Names match case-sensitively ("Mark", not "mark"); objects and units in any case.
        names = [old for old in table if old[:1].isupper()]
        things = [old for old in table if not old[:1].isupper()]
        groups_by_case = ((names, 0), (things, re.IGNORECASE))
        patterns = [_alternation(tuple(words), flags) for words, flags in groups_by_case if words]

        def swap(text: str) -> str:
            def one(match: re.Match[str]) -> str:
                word = match.group(0)
                new = table.get(word) or table[word.lower()]
                return new[:1].upper() + new[1:] if word[:1].isupper() else new
            for pattern in patterns:
                text = pattern.sub(one, text)
            return text

        question = swap(item.question)
        if question == item.question:
            return None
        return build_variant(
            item, self.name, self.version, 0, question=question,
            choices=tuple(swap(c) for c in item.choices),
            solution=swap(item.solution) if item.solution else item.solution,
            params={"swaps": "; ".join(f"{a}->{b}" for a, b in sorted(table.items()))}, gold_changed=False,
        )
