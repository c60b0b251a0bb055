"""`distractor`: insert one sentence irrelevant to the answer (GSM-NoOp style); gold unchanged.

Sentences come from templates; every content word they introduce (person, place, thing) must be
absent from the item, so the sentence cannot refer to anything the question counts.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import build_variant

# (template, the template's own content words: they too must be absent from the item)
TEMPLATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{Person}'s neighbour painted a {color} fence last {season}.", ("neighbour", "painted", "fence")),
    ("The {place} nearby was repainted {color} last {season}.", ("repainted",)),
    ("A {place} across town opened a new {color} entrance in the {season}.", ("entrance", "opened")),
    ("{Person} once read a book about {topic}.", ("book", "read")),
    ("{Person} thinks that {topic} is an interesting subject.", ("subject", "interesting")),
    ("The weather was unusually mild that {season}.", ("weather", "mild")),
    ("There is a {color} bench outside the {place} that nobody uses.", ("bench",)),
    ("{Person} saw a documentary about {topic} on television.", ("documentary", "television")),
)
PERSONS = ("Ms. Okafor", "Mr. Lindqvist", "Aunt Beatrix", "Dr. Moreau", "Uncle Tobias", "Mrs. Haddad")
COLORS = ("green", "blue", "yellow", "grey", "orange", "purple")
SEASONS = ("spring", "autumn", "winter", "summer")
PLACES = ("library", "post office", "museum", "train station", "pharmacy", "bakery")
TOPICS = ("volcanoes", "ancient Rome", "deep-sea fish", "lighthouses", "glaciers", "origami")
_FIELDS = {"Person": PERSONS, "color": COLORS, "season": SEASONS, "place": PLACES, "topic": TOPICS}
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def _absent(words: str, item_words: set[str]) -> bool:
    """True if no word (3+ letters) of `words` occurs among the item's lower-cased words."""
    return not any(w.lower() in item_words for w in re.findall(r"[A-Za-z]{3,}", words))


class DistractorProbe:
    name: ClassVar[str] = "distractor"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return True

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        text = "\n".join([item.question, item.solution or "", *item.choices])
        item_words = set(re.findall(r"[a-z]+", text.lower()))
        template_index = rng.randrange(len(TEMPLATES))
        template, own_words = TEMPLATES[template_index]
        if not all(_absent(word, item_words) for word in own_words):
            return None
        filled: dict[str, str] = {}
        for field, options in _FIELDS.items():
            if "{" + field + "}" in template:
                usable = [o for o in options if _absent(o, item_words)]
                if not usable:
                    return None
                filled[field] = rng.choice(usable)
        sentence = template.format(**filled)
        bounds = [m.start() for m in _SENTENCE_END_RE.finditer(item.question)]
        if bounds:  # before the last sentence (usually the question itself)
            cut = bounds[-1]
            question = f"{item.question[:cut]} {sentence}{item.question[cut:]}"
        else:
            question = f"{sentence} {item.question}"
        return build_variant(
            item, self.name, self.version, 0, question=question,
            params={"template": template_index, "sentence": sentence}, gold_changed=False,
        )
