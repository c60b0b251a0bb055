"""Verify a candidate: align the item part's words inside the document and class the match.

The similarity is rapidfuzz's partial ratio over word sequences (normalised Indel
similarity of the part against its best-aligned stretch of the document), so word edits,
not character noise, decide. A match whose part's words occur exactly, in order (and so
every one of its shingles, checked exactly), is `verbatim`; any other match at or above the
similarity threshold is `near`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

VERBATIM = "verbatim"
NEAR = "near"


@dataclass(frozen=True, slots=True)
class Verification:
    """How well a part matches a document region and where (word indexes into the region)."""

    similarity: float
    shingle_overlap: float  # share of the part's shingles found in the region (exact)
    region_start: int
    region_end: int

    def match_class(self, min_similarity: float) -> str | None:
        if self.similarity >= 1.0 and self.shingle_overlap >= 1.0:
            return VERBATIM
        return NEAR if self.similarity >= min_similarity else None


def verify_part(
    part_words: np.ndarray, part_shingles: np.ndarray, region_words: np.ndarray, region_shingles: np.ndarray
) -> Verification:
    """Align `part_words` (word hashes) inside `region_words` and measure the match.

    `part_shingles` are the part's distinct shingle hashes, `region_shingles` the region's.
    """
    part = part_words.tolist()
    region = region_words.tolist()
    if len(part) > len(region):
        score = fuzz.ratio(part, region, processor=None)
        start, end = 0, len(region)
    else:
        alignment = fuzz.partial_ratio_alignment(part, region, processor=None)
        if alignment is None:  # only when a score cutoff is given; kept for the type checker
            return Verification(0.0, 0.0, 0, 0)
        score, start, end = alignment.score, alignment.dest_start, alignment.dest_end
    wanted = set(part_shingles.tolist())
    overlap = len(wanted.intersection(region_shingles.tolist())) / len(wanted) if wanted else 0.0
    return Verification(round(score / 100.0, 4), round(overlap, 4), start, end)
