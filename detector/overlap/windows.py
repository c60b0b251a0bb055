"""Item-sized windows over documents, signed with MinHash and joined against the LSH buckets.

A window can only collide with an item part in an LSH band if it holds at least one of the
part's shingles: the affine permutations are bijections of 32-bit values, so equal minima
mean equal shingle hashes. We therefore sign only the windows that contain an item shingle.
This is exact: the candidates are the ones a scan of every window would return.

We also skip windows whose Jaccard similarity with every part of their bucket is provably
below the LSH threshold: a window holding c item shingles shares at most c shingles with a
part of S shingles, so its Jaccard similarity is at most c / S. (LSH would pair such a
window with a part only by chance, below the similarity it is tuned for.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from detector.overlap.index import WINDOW_STEPS, OverlapIndex
from detector.text import estimate_jaccard
from detector.text.kernel import kernels


@dataclass(frozen=True, slots=True)
class Candidates:
    """Window/part pairs that share an LSH band, with the estimated Jaccard similarity.

    Window bounds are shingle indexes into the batch; `doc` indexes the batch's documents.
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    part: np.ndarray
    estimated_jaccard: np.ndarray


def _empty() -> Candidates:
    zero = np.zeros(0, dtype=np.int64)
    return Candidates(zero, zero, zero, zero, np.zeros(0))


def _windows_with_hits(
    hits: np.ndarray, doc_start: np.ndarray, doc_shingles: np.ndarray, stride: int
) -> tuple[np.ndarray, np.ndarray]:
    """Unique [start, end) shingle windows of one bucket's size that contain a hit.

    `doc_start` and `doc_shingles` are given per hit. Windows start every `stride` shingles
    from the document start, plus one window flush with the document end.
    """
    width = stride * WINDOW_STEPS
    rel = hits - doc_start
    last_k = np.maximum((doc_shingles - width) // stride, 0)
    first = np.clip(-((width - 1 - rel) // stride), 0, None)  # ceil((rel - width + 1) / stride)
    last = np.minimum(rel // stride, last_k)
    counts = np.maximum(last - first + 1, 0)
    k = np.repeat(first, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    owner = np.repeat(np.arange(len(hits)), counts)
    starts = doc_start[owner] + k * stride
    ends = starts + np.minimum(width, doc_shingles[owner])
    tail = (doc_shingles > width) & (rel >= doc_shingles - width)
    tail_starts = (doc_start + doc_shingles - width)[tail]
    tail_ends = (doc_start + doc_shingles)[tail]
    # A window's end follows from its start (same bucket, same document): dedupe on starts.
    all_starts = np.concatenate([starts, tail_starts])
    unique_starts, first = np.unique(all_starts, return_index=True)
    return unique_starts, np.concatenate([ends, tail_ends])[first]


def find_candidates(
    index: OverlapIndex, shingles: np.ndarray, shingle_doc: np.ndarray, doc_first: np.ndarray,
    doc_count: np.ndarray, *, compiled_ok: bool = True,
) -> Candidates:
    """Candidate (window, part) pairs in a batch.

    Args:
        shingles: uint32 shingle hashes of the batch (invalid cross-document ones included).
        shingle_doc: the document of each shingle, -1 where a shingle crosses documents.
        doc_first, doc_count: per document, its first shingle index and its shingle count.
    """
    positions, masks = index.lookup(shingles)
    keep = shingle_doc[positions] >= 0
    positions, masks = positions[keep], masks[keep]
    if len(positions) == 0:
        return _empty()
    docs = shingle_doc[positions]
    compiled = kernels()
    window_starts: list[np.ndarray] = []
    window_ends: list[np.ndarray] = []
    window_buckets: list[np.ndarray] = []
    for bit, bucket in enumerate(index.buckets):
        selected = (masks & (np.uint64(1) << np.uint64(bit))) != 0
        if not selected.any():
            continue
        hit_docs = docs[selected]
        hits = positions[selected]
        min_held = max(1, math.ceil(index.config.threshold * bucket.min_shingles))
        if compiled is not None and compiled_ok:
            starts, ends = compiled.bucket_windows(
                hits.astype(np.int64), doc_first[hit_docs].astype(np.int64),
                doc_count[hit_docs].astype(np.int64), bucket.stride, bucket.stride * WINDOW_STEPS, min_held,
            )
        else:
            starts, ends = _windows_with_hits(hits, doc_first[hit_docs], doc_count[hit_docs], bucket.stride)
            held = np.searchsorted(hits, ends) - np.searchsorted(hits, starts)
            enough = held >= min_held
            starts, ends = starts[enough], ends[enough]
        window_starts.append(starts)
        window_ends.append(ends)
        window_buckets.append(np.full(len(starts), bit))
    if not window_starts:
        return _empty()
    starts, ends = np.concatenate(window_starts), np.concatenate(window_ends)
    buckets = np.concatenate(window_buckets)
    if len(starts) == 0:
        return _empty()
    signatures = index.hasher.range_signatures(shingles, starts, ends)
    rows, parts = index.lsh.query(signatures)
    same = index.part_bucket[parts] == buckets[rows]
    rows, parts = rows[same], parts[same]
    estimated = estimate_jaccard(signatures[rows], index.signatures[parts])
    return Candidates(shingle_doc[starts[rows]], starts[rows], ends[rows], parts, estimated)
