"""Match one batch of documents against the MinHash index: windows, LSH, verification."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from detector.overlap.index import OverlapIndex
from detector.overlap.verify import VERBATIM, verify_part
from detector.overlap.windows import find_candidates
from detector.text import prepare_text, shingle_hashes, tokenize
from detector.text.hashing import is_kernel_ready

SNIPPET_CHARS = 200


def match_row(
    index_items: Any, item_index: int, corpus_file: str, doc_id: str, char_offset: int,
    estimated: float | None, similarity: float, match_class: str, snippet: str, part: str,
) -> dict[str, Any]:
    """One row of matches.parquet."""
    item = index_items[item_index]
    return {
        "item_id": item.item_id,
        "benchmark": item.benchmark,
        "corpus_file": corpus_file,
        "doc_id": doc_id,
        "char_offset": int(char_offset),
        "estimated_jaccard": None if estimated is None else round(float(estimated), 4),
        "verified_similarity": round(float(similarity), 4),
        "match_class": match_class,
        "snippet": " ".join(snippet.split())[:SNIPPET_CHARS],
        "part": part,
    }


def best_per_item(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one row per (item, document): verbatim first, then the highest similarity."""

    def rank(row: dict[str, Any]) -> tuple[bool, float, int]:
        return (row["match_class"] == VERBATIM, row["verified_similarity"], -row["char_offset"])

    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["item_id"], row["corpus_file"], row["doc_id"])
        old = best.get(key)
        if old is None or rank(row) > rank(old):
            best[key] = row
    return list(best.values())


class MinHashMatcher:
    """Finds item parts in documents with item-sized MinHash windows and verifies them."""

    method = "minhash"

    def __init__(self, index: OverlapIndex):
        self.index = index

    def indexed_items(self) -> set[int]:
        return self.index.indexed_items()

    def match(self, doc_ids: Sequence[str], texts: Sequence[str], corpus_file: str) -> list[dict[str, Any]]:
        index, n = self.index, self.index.config.shingle_size
        if not texts or not index.parts:
            return []
        # Lower-casing keeps the length of ASCII text and of NFKC-normal text without the few
        # context-dependent code points: those are lower-cased with the batch (by the compiled
        # tokeniser when numba is there); only the others are prepared one by one.
        # The batch is checked at once first: it is NFKC-normal exactly when every document is.
        joined = "\n".join(texts)
        prepared: Sequence[str] = texts
        if not is_kernel_ready(joined):
            prepared = [t if is_kernel_ready(t) else prepare_text(t) for t in texts]
            joined = "\n".join(prepared)
        tokens = tokenize(joined, lower_only=True)
        lengths = np.array([len(t) for t in prepared], dtype=np.int64)
        doc_char = np.cumsum(lengths + 1) - (lengths + 1)
        if len(tokens) < n:
            return []
        doc_word = np.searchsorted(tokens.starts, doc_char)  # words never cross the "\n" between documents
        doc_words = np.diff(doc_word, append=len(tokens))
        word_doc = np.repeat(np.arange(len(doc_word)), doc_words)
        shingles = shingle_hashes(tokens.hashes, n)
        shingle_doc = np.where(word_doc[: len(shingles)] == word_doc[n - 1 :], word_doc[: len(shingles)], -1)
        found = find_candidates(index, shingles, shingle_doc, doc_word, np.maximum(doc_words - n + 1, 0))
        if len(found.doc) == 0:
            return []
        # The best window (highest estimate, then earliest) per (document, part).
        order = np.lexsort((found.start, -found.estimated_jaccard, found.part, found.doc))
        pairs = found.doc[order] * len(index.parts) + found.part[order]
        first = order[np.r_[True, pairs[1:] != pairs[:-1]]]
        rows: list[dict[str, Any]] = []
        min_similarity = index.config.min_similarity
        for cand in first.tolist():
            doc, part_id = int(found.doc[cand]), int(found.part[cand])
            part = index.parts[part_id]
            pad = len(part.word_hashes) // 2
            lo = max(int(doc_word[doc]), int(found.start[cand]) - pad)
            hi = min(int(doc_word[doc] + doc_words[doc]), int(found.end[cand]) + n - 1 + pad)
            region_shingles = shingles[lo : hi - n + 1]
            check = verify_part(part.word_hashes, part.shingles, tokens.hashes[lo:hi], region_shingles)
            match_class = check.match_class(min_similarity)
            if match_class is None:
                continue
            begin = int(tokens.starts[lo + check.region_start] - doc_char[doc])
            end = int(tokens.ends[lo + check.region_end - 1] - doc_char[doc])
            source = texts[doc] if len(texts[doc]) == len(prepared[doc]) else prepared[doc]
            rows.append(
                match_row(
                    index.items, part.item_index, corpus_file, doc_ids[doc], begin,
                    float(found.estimated_jaccard[cand]), check.similarity, match_class,
                    source[begin:end], part.part,
                )
            )
        return best_per_item(rows)
