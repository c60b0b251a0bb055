"""The searchable form of benchmark items: parts, shingle sets, MinHash signatures, LSH buckets.

Each item contributes parts (its question; with its labelled choices; its worked solution), each
cut into chunks of at most `MAX_PART_WORDS` words; parts shorter than `min_words` are left
out (they are too short to tell from chance). Parts are grouped into buckets by length:
a part of L shingles is searched with windows of `WINDOW_STEPS * stride` shingles moved by
`stride = ceil(L / WINDOW_STEPS)`, so windows are sized to the part.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from detector.overlap.lsh import BandIndex
from detector.text import MinHasher, shingle_hashes, tokenize
from detector.text.kernel import kernels
from detector.types import BenchmarkItem

WINDOW_STEPS = 8  # windows per part length: stride = window / WINDOW_STEPS
MAX_PART_WORDS = 100
_BITMAP_SHIFT = np.uint32(8)  # 2^24-entry bitmap over the top bits of shingle hashes


@dataclass(frozen=True, slots=True)
class OverlapConfig:
    """How a scan searches: shingle size, MinHash size and seed, LSH and verification thresholds."""

    threshold: float = 0.2
    num_perm: int = 64  # at threshold 0.2 datasketch bands 28 x 2 = 56 values: 128 adds nothing
    seed: int = 1
    shingle_size: int = 4
    min_words: int = 10
    min_similarity: float = 0.6
    text_field: str = "text"
    id_field: str = "id"

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in (0, 1], got {self.min_similarity}")
        if self.min_words < self.shingle_size:
            raise ValueError(f"min_words ({self.min_words}) must be >= shingle_size ({self.shingle_size})")


@dataclass(frozen=True, slots=True)
class ItemPart:
    """One searchable piece of an item."""

    item_index: int
    part: str  # "question", "question_choices" or "solution"
    word_hashes: np.ndarray
    shingles: np.ndarray  # unique uint32 shingle hashes


def item_texts(item: BenchmarkItem) -> list[tuple[str, str]]:
    """The (part name, text) pairs searched for an item."""
    texts = [("question", item.question)]
    if item.choices:
        labels = item.labels if len(item.labels) == len(item.choices) else ("",) * len(item.choices)
        options = "\n".join(f"{label}. {choice}" if label else choice for label, choice in zip(
            labels, item.choices, strict=True))
        texts.append(("question_choices", f"{item.question}\n{options}"))
    if item.solution:
        texts.append(("solution", item.solution))
    return texts


def item_full_text(item: BenchmarkItem) -> str:
    """The item as one text (question, choices, solution), used when an item is the document."""
    texts = dict(item_texts(item))
    first = texts.get("question_choices", item.question)
    return f"{first}\n{item.solution}" if item.solution else first


@dataclass
class Bucket:
    stride: int
    part_ids: np.ndarray
    min_shingles: int  # the smallest part's number of distinct shingles


@dataclass
class OverlapIndex:
    """Everything a worker needs to scan documents for the items (picklable)."""

    items: tuple[BenchmarkItem, ...]
    config: OverlapConfig
    parts: list[ItemPart]
    signatures: np.ndarray
    lsh: BandIndex  # over every part; a window only pairs with parts of its own bucket
    part_bucket: np.ndarray  # bucket number of each part
    buckets: list[Bucket]
    shingle_set: np.ndarray  # sorted unique item shingle hashes
    bucket_masks: np.ndarray  # uint64 bit mask of buckets per entry of shingle_set
    bitmap: np.ndarray = field(repr=False)
    hasher: MinHasher = field(repr=False)

    def indexed_items(self) -> set[int]:
        return {part.item_index for part in self.parts}

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in `hashes` that are item shingles, and their bucket masks."""
        compiled = kernels()
        if compiled is not None and len(self.shingle_set):
            shift = int(_BITMAP_SHIFT)
            positions, where = compiled.member_kernel(hashes, self.bitmap, shift, self.shingle_set)
            return positions, self.bucket_masks[where]
        maybe = np.flatnonzero(self.bitmap[hashes >> _BITMAP_SHIFT])
        if len(maybe) == 0:
            return maybe, np.zeros(0, dtype=np.uint64)
        where = np.searchsorted(self.shingle_set, hashes[maybe])
        where = np.minimum(where, len(self.shingle_set) - 1)
        exact = self.shingle_set[where] == hashes[maybe]
        return maybe[exact], self.bucket_masks[where[exact]]


def _split(word_hashes: np.ndarray) -> list[np.ndarray]:
    count = len(word_hashes)
    chunks = max(1, math.ceil(count / MAX_PART_WORDS))
    bounds = np.linspace(0, count, chunks + 1).round().astype(int)
    return [word_hashes[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def build_index(items: Sequence[BenchmarkItem], config: OverlapConfig) -> OverlapIndex:
    """Cut items into parts, hash and sign them, and bucket them by length for windowed search."""
    hasher = MinHasher(config.num_perm, config.seed)
    parts: list[ItemPart] = []
    for item_index, item in enumerate(items):
        for name, text in item_texts(item):
            for chunk in _split(tokenize(text).hashes):
                if len(chunk) >= config.min_words:
                    shingles = np.unique(shingle_hashes(chunk, config.shingle_size))
                    parts.append(ItemPart(item_index, name, chunk, shingles))
    signatures = hasher.signatures([part.shingles for part in parts])
    strides = np.array(
        [math.ceil((len(p.word_hashes) - config.shingle_size + 1) / WINDOW_STEPS) for p in parts], dtype=int
    )
    buckets: list[Bucket] = []
    masks_per_part = np.zeros(len(parts), dtype=np.uint64)
    part_bucket = np.zeros(len(parts), dtype=np.int64)
    for bit, stride in enumerate(sorted(set(strides.tolist()))):
        if bit >= 64:
            raise ValueError("too many part lengths for one index (at most 64 window sizes)")
        ids = np.flatnonzero(strides == stride)
        buckets.append(Bucket(stride, ids, min(len(parts[i].shingles) for i in ids)))
        part_bucket[ids] = bit
        masks_per_part[ids] |= np.uint64(1) << np.uint64(bit)
    if parts:
        all_hashes = np.concatenate([p.shingles for p in parts])
        owners = np.repeat(masks_per_part, [len(p.shingles) for p in parts])
        shingle_set, inverse = np.unique(all_hashes, return_inverse=True)
        bucket_masks = np.zeros(len(shingle_set), dtype=np.uint64)
        np.bitwise_or.at(bucket_masks, inverse, owners)
    else:
        shingle_set = np.zeros(0, dtype=np.uint32)
        bucket_masks = np.zeros(0, dtype=np.uint64)
    bitmap = np.zeros(1 << 24, dtype=bool)
    bitmap[shingle_set >> _BITMAP_SHIFT] = True
    lsh = BandIndex(signatures.reshape(len(parts), config.num_perm), config.threshold, config.num_perm)
    return OverlapIndex(
        tuple(items), config, parts, signatures, lsh, part_bucket, buckets, shingle_set, bucket_masks, bitmap,
        hasher,
    )
