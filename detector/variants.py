"""Make, verify and store variant sets: the perturbation step of a run.

Every variant a probe returns is checked before it is kept: its gold is consistent (labels and
options agree; the gold text is unchanged where the family keeps it; the family's own gold check,
if it declares one, passes); it differs enough from its parent (Jaccard similarity of word
3-shingle sets below the family's ceiling) and, for meaning-preserving families, not too much (at
or above its floor); and it is not a near-duplicate of a variant already kept for the same item.
Each family's settings are its `probes.FamilySpec`: this module names no family. Similarity is
the exact Jaccard of the two shingle sets (for two short texts that is cheaper than MinHash and
has no estimation error).
"""

from __future__ import annotations

import gc
import hashlib
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from detector.text import exact_jaccard, token_shingle_set
from detector.types import BenchmarkItem, Probe, Variant, stable_seed

if TYPE_CHECKING:
    import polars as pl

    from probes import FamilySpec

SHINGLE_WORDS = 3
DRAWS_PER_VARIANT = 3
GC_THRESHOLD = 10_000  # allocations between young-generation collections while making variants


def render_for_similarity(item: BenchmarkItem) -> str:
    """The text a reader sees: question, then each option with its label."""
    pairs = zip(item.labels, item.choices, strict=False)
    options = " ".join(f"({label}) {choice}" for label, choice in pairs)
    return f"{item.question}\n{options}" if options else item.question


def check_gold(variant: Variant, parent: BenchmarkItem, spec: FamilySpec | None = None) -> str | None:
    """Why the variant's gold is inconsistent, or None if it is consistent.

    `spec` is the variant's family (by default looked up in `probes.FAMILIES`).
    Raises: ValueError for a family that is not registered.
    """
    if spec is None:
        from probes import get_family

        spec = get_family(variant.family)
    item = variant.item
    if variant.scoring == "continuation":
        return None if item.answer.strip() else "empty_continuation"
    if item.choices:
        if len(item.labels) != len(item.choices) or len(set(item.labels)) != len(item.labels):
            return "labels_do_not_match_choices"
        if item.answer not in item.labels:
            return "gold_not_a_label"
        if len(set(item.choices)) != len(item.choices):
            return "duplicate_options"
    if spec.keeps_gold and item.gold_text != parent.gold_text:
        return "gold_text_changed"
    if spec.gold_check is not None:
        return spec.gold_check(variant, parent)
    return None


@dataclass(frozen=True, slots=True)
class FamilySummary:
    """Per-family counts: items the family applies to, items with variants, and why others had none."""

    family: str
    items: int = 0
    items_with_variants: int = 0
    variants: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)
    rejected: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VariantSet:
    """The verified variants of a run, in a canonical order, with per-family summaries."""

    variants: tuple[Variant, ...]
    summaries: tuple[FamilySummary, ...] = ()

    @property
    def skipped(self) -> dict[str, dict[str, int]]:
        """family -> skip reason -> number of items."""
        return {s.family: dict(s.skipped) for s in self.summaries}

    def rows(self) -> list[dict[str, object]]:
        from detector.variant_table import variant_row

        return [variant_row(v) for v in self.variants]

    @property
    def sha256(self) -> str:
        """sha256 of the canonical JSON lines of the rows (independent of the file format)."""
        from detector.variant_table import canonical_jsonl

        return hashlib.sha256(canonical_jsonl(self.rows()).encode("utf-8")).hexdigest()

    def to_frame(self) -> pl.DataFrame:
        """One row per variant, with the explicit schema of `detector.variant_table.VARIANT_SCHEMA`."""
        from detector.variant_table import rows_to_frame

        return rows_to_frame(self.rows())


def _verify(variant: Variant, parent: BenchmarkItem, spec: FamilySpec, parent_shingles: frozenset[str],
            kept: list[frozenset[str]]) -> tuple[str | None, float, frozenset[str]]:
    reason = check_gold(variant, parent, spec)
    shingles = token_shingle_set(render_for_similarity(variant.item), SHINGLE_WORDS)
    similarity = exact_jaccard(shingles, parent_shingles)
    if reason:
        return reason, similarity, shingles
    if similarity >= spec.ceiling:
        return "too_similar_to_parent", similarity, shingles
    if similarity < spec.floor:
        return "too_different_from_parent", similarity, shingles
    duplicate_at = spec.near_duplicate_at
    if any(exact_jaccard(shingles, other) >= duplicate_at for other in kept):
        return "near_duplicate", similarity, shingles
    return None, similarity, shingles


def _is_code(item: BenchmarkItem) -> bool:
    return item.metadata.get("kind") == "code"


def _numbered(variant: Variant, variant_id: str, seed: int, jaccard_to_parent: float) -> Variant:
    """The kept variant with its final id, the run's seed and its similarity to the parent.

    Every field, named: about 2.5x cheaper than two dataclasses.replace calls.
    """
    item = variant.item
    return Variant(
        item=BenchmarkItem(
            benchmark=item.benchmark, item_id=variant_id, question=item.question, answer=item.answer,
            choices=item.choices, labels=item.labels, solution=item.solution, metadata=item.metadata,
        ),
        parent_id=variant.parent_id, family=variant.family, family_version=variant.family_version,
        seed=seed, params=variant.params, parent_answer=variant.parent_answer,
        gold_changed=variant.gold_changed, jaccard_to_parent=jaccard_to_parent, scoring=variant.scoring,
    )


def _variants_of(item: BenchmarkItem, probe: Probe, family: str, spec: FamilySpec, per_item: int, seed: int,
                 summary: dict[str, Counter[str]]) -> list[Variant]:
    from probes import ProbeSkip

    rng = random.Random(stable_seed(seed, family, item.item_id))
    parent_shingles = None  # made at the first variant: many items are skipped before one
    kept: list[Variant] = []
    kept_shingles: list[frozenset[str]] = []
    rejected: Counter[str] = Counter()
    for _ in range(per_item * DRAWS_PER_VARIANT):
        if len(kept) >= per_item:
            break
        try:
            variant = probe.perturb(item, rng)
        except ProbeSkip as skip:
            summary["skipped"][skip.reason] += 1
            return []
        if variant is None:
            rejected["no_valid_draw"] += 1
            continue
        if parent_shingles is None:
            parent_shingles = token_shingle_set(render_for_similarity(item), SHINGLE_WORDS)
        reason, similarity, shingles = _verify(variant, item, spec, parent_shingles, kept_shingles)
        if reason:
            rejected[reason] += 1
            continue
        kept.append(_numbered(variant, f"{item.item_id}~{family}~{len(kept)}", seed, round(similarity, 6)))
        kept_shingles.append(shingles)
    summary["rejected"].update(rejected)
    if not kept:
        summary["skipped"][rejected.most_common(1)[0][0] if rejected else "no_valid_draw"] += 1
    return kept


def make_variants(items: Sequence[BenchmarkItem], families: Sequence[str], per_item: int, seed: int,
                  progress: bool = False, registry: Mapping[str, FamilySpec] | None = None) -> VariantSet:
    """Make up to `per_item` verified variants of every item for every family.

    Families are looked up in `registry` (default `probes.FAMILIES`). Randomness is
    `random.Random(stable_seed(seed, family, item_id))`, so the same inputs and seed give the same
    variants in any process. Raises: ValueError for an unknown family or per_item < 1.
    """
    from probes import FAMILIES, get_family

    if per_item < 1:
        raise ValueError(f"per_item must be >= 1, got {per_item}")
    specs = [(name, get_family(name, FAMILIES if registry is None else registry))
             for name in dict.fromkeys(families)]
    probes = [(name, spec.probe(), spec) for name, spec in specs]
    # The numeric family allocates millions of small objects (fractions, tuples) that are not
    # cycles; at the default threshold (700) the cyclic collector runs thousands of times and
    # rescans the templates it keeps. A larger first threshold while variants are made cut ~0.2-0.3 s
    # (~8%) of a cold GSM8K numeric run (3.09 -> 2.79 s CPU, best of 4); restored afterwards.
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        return _make_variants(items, probes, per_item, seed, progress)
    finally:
        gc.set_threshold(*threshold)


def _make_variants(items: Sequence[BenchmarkItem], probes: list[tuple[str, Probe, FamilySpec]], per_item: int,
                   seed: int, progress: bool) -> VariantSet:
    from detector.progress import track

    variants: list[Variant] = []
    summaries: list[FamilySummary] = []
    label = "perturbing" if progress else None
    with track(label, len(items) * len(probes), "items", transient=True) as tracker:
        for name, probe, spec in probes:
            counts: dict[str, Counter[str]] = {"skipped": Counter(), "rejected": Counter()}
            applicable = with_variants = made = 0
            for item in items:
                tracker.advance()
                if not probe.applies_to(item) or _is_code(item) != spec.for_code:
                    continue  # code items get only code families, and code families only code items
                applicable += 1
                kept = _variants_of(item, probe, name, spec, per_item, seed, counts)
                with_variants += bool(kept)
                made += len(kept)
                variants.extend(kept)
            summaries.append(FamilySummary(
                name, applicable, with_variants, made,
                dict(sorted(counts["skipped"].items())), dict(sorted(counts["rejected"].items())),
            ))
    return VariantSet(tuple(variants), tuple(summaries))


def write_variants(variant_set: VariantSet, path: str | Path) -> Path:
    """Write the variant set atomically: JSON lines if the name ends in .jsonl, else Parquet."""
    from detector.variant_table import write_rows

    return write_rows(variant_set.rows(), Path(path))


def read_variants(path: str | Path) -> VariantSet:
    """Read a variant set written by `write_variants` (summaries are not stored in the file).

    Raises:
        BenchmarkFormatError: when the file lacks a column or a value has the wrong type.
    """
    from detector.variant_table import read_rows, variant_from_row

    rows = read_rows(Path(path))
    return VariantSet(tuple(variant_from_row(row, str(path), i + 1) for i, row in enumerate(rows)))


def format_summary(variant_set: VariantSet) -> str:
    """A plain-text per-family table: items, items with variants, variants made, skip reasons."""
    lines = [f"{'family':<18} {'items':>6} {'with':>6} {'variants':>9}  skipped (items, why)"]
    for s in variant_set.summaries:
        reasons = sorted(s.skipped.items(), key=lambda kv: (-kv[1], kv[0]))
        why = ", ".join(f"{reason} {count}" for reason, count in reasons)
        lines.append(f"{s.family:<18} {s.items:>6} {s.items_with_variants:>6} {s.variants:>9}  {why or '-'}")
    return "\n".join(lines)
