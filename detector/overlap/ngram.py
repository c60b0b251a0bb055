"""The lm-evaluation-harness style exact 13-gram check, for side-by-side comparison.

An item is contaminated in a document if any of its 13-word n-grams (after the same
normalisation as the MinHash scan) occurs in the document; items shorter than 13 words
cannot be flagged, as in the harness. A Python dict of word 13-tuples, as the harness keeps
a set of n-grams.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detector.overlap.index import item_texts
from detector.overlap.matcher import best_per_item, match_row
from detector.overlap.verify import NEAR, VERBATIM
from detector.text import prepare_text, split_words
from detector.types import BenchmarkItem

NGRAM = 13


class NgramMatcher:
    """Finds documents that share an exact n-gram with an item."""

    method = "ngram13"

    def __init__(self, items: Sequence[BenchmarkItem], n: int = NGRAM):
        self.items = tuple(items)
        self.n = n
        self.grams: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        self.gram_counts: dict[tuple[int, str], int] = {}
        for item_index, item in enumerate(self.items):
            for part, text in item_texts(item):
                words = split_words(text)
                grams = set(zip(*(words[k:] for k in range(n)), strict=False))
                self.gram_counts[(item_index, part)] = len(grams)
                for gram in grams:
                    self.grams.setdefault(gram, []).append((item_index, part))

    def indexed_items(self) -> set[int]:
        return {item for (item, _), count in self.gram_counts.items() if count}

    def match(self, doc_ids: Sequence[str], texts: Sequence[str], corpus_file: str) -> list[dict[str, Any]]:
        n, grams = self.n, self.grams
        rows: list[dict[str, Any]] = []
        for doc_id, text in zip(doc_ids, texts, strict=True):
            words = split_words(text)
            hits: dict[tuple[int, str], tuple[int, set[tuple[str, ...]]]] = {}
            for i, gram in enumerate(zip(*(words[k:] for k in range(n)), strict=False)):
                owners = grams.get(gram)
                if owners:
                    for owner in owners:
                        hits.setdefault(owner, (i, set()))[1].add(gram)
            if hits:
                rows.extend(self._rows(hits, doc_id, text, corpus_file))
        return best_per_item(rows)

    def _rows(
        self, hits: dict[tuple[int, str], tuple[int, set[tuple[str, ...]]]], doc_id: str, text: str,
        corpus_file: str,
    ) -> list[dict[str, Any]]:
        from detector.text import tokenize

        prepared = prepare_text(text)
        tokens = tokenize(prepared, prepared=True)
        source = text if len(text) == len(prepared) else prepared
        rows = []
        for (item_index, part), (first, seen) in hits.items():
            share = len(seen) / self.gram_counts[(item_index, part)]
            begin = int(tokens.starts[first])
            end = int(tokens.ends[min(first + self.n, len(tokens)) - 1])
            match_class = VERBATIM if share >= 1.0 else NEAR
            rows.append(
                match_row(self.items, item_index, corpus_file, doc_id, begin, None, share, match_class,
                          source[begin:end], part)
            )
        return rows
