"""Make, verify and store variant sets: the perturbation step of a run.

Every variant a probe returns is checked before it is kept: its gold is consistent (and, for
`numeric`, the rewritten solution chain re-executes to it); it differs enough from its parent
(Jaccard similarity of word 3-shingle sets below a per-family ceiling) and, for
meaning-preserving families, not too much (above a floor); and it is not a near-duplicate of a
variant already kept for the same item. Similarity is the exact Jaccard of the two shingle sets
(for two short texts that is cheaper than MinHash and has no estimation error).
"""

from __future__ import annotations

import gc
import hashlib
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from detector.types import BenchmarkItem, Probe, Variant, stable_seed

if TYPE_CHECKING:
    from collections.abc import Callable

    import polars as pl

    from probes.chain import ChainError, Step

SHINGLE_WORDS = 3
# family -> (ceiling: keep only below it, floor: keep only at or above it)
SIMILARITY_BOUNDS: Mapping[str, tuple[float, float]] = {
    "numeric": (0.97, 0.0),
    "entity": (0.97, 0.3),
    "option-shuffle": (0.98, 0.0),
    "option-relabel": (0.98, 0.0),
    "none-of-the-above": (0.98, 0.0),
    "distractor": (0.97, 0.4),
    "paraphrase": (0.97, 0.3),
    "cloze": (0.98, 0.0),
    "truncate": (0.95, 0.0),
}
# Two variants of one item are near-duplicates at or above this similarity (default: the family's
# ceiling). Numeric variants with any different number are different problems with other answers.
DUPLICATE_AT: Mapping[str, float] = {"numeric": 1.0}
DRAWS_PER_VARIANT = 3
GC_THRESHOLD = 10_000  # allocations between young-generation collections while making variants
# Families whose variants keep the parent's gold (as text) unchanged.
GOLD_KEEPING = frozenset({"entity", "distractor", "paraphrase", "option-shuffle", "option-relabel"})
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")  # case-sensitive words and punctuation marks


def render_for_similarity(item: BenchmarkItem) -> str:
    """The text a reader sees: question, then each option with its label."""
    pairs = zip(item.labels, item.choices, strict=False)
    options = " ".join(f"({label}) {choice}" for label, choice in pairs)
    return f"{item.question}\n{options}" if options else item.question


def shingle_set(text: str, n: int = SHINGLE_WORDS) -> frozenset[str]:
    """Case-sensitive word n-shingles (labels `A` and `a` differ); short texts give one shingle.

    A shingle is its tokens joined by spaces (tokens hold no whitespace: one string per token
    tuple). A string keeps its hash; a tuple rehashes its tokens in every set operation, which made
    `exact_jaccard` about 3x slower.
    """
    tokens = _TOKEN_RE.findall(text)
    if len(tokens) < n:
        return frozenset([" ".join(tokens)])
    # zip reuses its tuple when join has let go of it; shorter tails end the windows
    return frozenset(map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False)))


def exact_jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    union = len(a) + len(b) - shared  # the size of a | b, without building it
    return shared / union if union else 1.0


def _as_number(text: str) -> Fraction | None:
    cleaned = text.replace(",", "").strip()
    if cleaned.isascii() and cleaned.isdigit():
        return Fraction(int(cleaned))  # what Fraction(cleaned) gives, without parsing the text again
    try:
        return Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        return None


def check_gold(variant: Variant, parent: BenchmarkItem) -> str | None:
    """Why the variant's gold is inconsistent, or None if it is consistent."""
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
    if variant.family in GOLD_KEEPING and item.gold_text != parent.gold_text:
        return "gold_text_changed"
    if variant.family == "cloze" and item.gold_text != parent.gold_text:
        return "gold_text_changed"
    if variant.family == "numeric":
        return _check_numeric_gold(variant, parent)
    return None


@cache
def _numeric_checks() -> tuple[type[ChainError], Callable[..., list[Step]], Callable[..., str | None]]:
    """ChainError, parse_steps and final_rule, imported on first use (detector does not import
    probes at load) and then held: an import statement per variant costs ~1 us."""
    from probes.chain import ChainError, parse_steps
    from probes.numeric_final import final_rule

    return ChainError, parse_steps, final_rule


def _check_numeric_gold(variant: Variant, parent: BenchmarkItem) -> str | None:
    ChainError, parse_steps, final_rule = _numeric_checks()
    new, old = _as_number(variant.item.answer), _as_number(parent.answer)
    if new is None:
        return "gold_not_numeric"
    if new == old or not variant.gold_changed:
        return "gold_unchanged"
    solution = variant.item.solution or ""
    # Prose equations matter only after the last annotation (where the final step may be one).
    tail = solution[solution.rfind(">>") + 2:] if ">>" in solution else solution
    try:
        steps = parse_steps(solution, prose="=" in tail or "equals" in tail)
    except ChainError:
        return "solution_does_not_re_execute"
    # `####` is the last result, or it in cents / rounded up / in another unit where the question says so.
    reached = final_rule(variant.item.question, steps[-1].result, new, solution[steps[-1].end:]) is not None
    return None if reached else "solution_does_not_reach_gold"


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


def _verify(variant: Variant, parent: BenchmarkItem, parent_shingles: frozenset[str],
            kept: list[frozenset[str]]) -> tuple[str | None, float, frozenset[str]]:
    reason = check_gold(variant, parent)
    shingles = shingle_set(render_for_similarity(variant.item))
    similarity = exact_jaccard(shingles, parent_shingles)
    if reason:
        return reason, similarity, shingles
    ceiling, floor = SIMILARITY_BOUNDS.get(variant.family, (0.97, 0.0))
    if similarity >= ceiling:
        return "too_similar_to_parent", similarity, shingles
    if similarity < floor:
        return "too_different_from_parent", similarity, shingles
    duplicate_at = DUPLICATE_AT.get(variant.family, ceiling)
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


def _variants_of(item: BenchmarkItem, probe: Probe, family: str, per_item: int, seed: int,
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
            parent_shingles = shingle_set(render_for_similarity(item))
        reason, similarity, shingles = _verify(variant, item, parent_shingles, kept_shingles)
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
                  progress: bool = False) -> VariantSet:
    """Make up to `per_item` verified variants of every item for every family.

    Randomness is `random.Random(stable_seed(seed, family, item_id))`, so the same inputs and seed
    give the same variants in any process. Raises: ValueError for an unknown family or per_item < 1.
    """
    from probes import get_probe

    if per_item < 1:
        raise ValueError(f"per_item must be >= 1, got {per_item}")
    probes = [(name, get_probe(name)) for name in dict.fromkeys(families)]
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


def _make_variants(items: Sequence[BenchmarkItem], probes: list[tuple[str, Probe]], per_item: int,
                   seed: int, progress: bool) -> VariantSet:
    from detector.progress import track

    variants: list[Variant] = []
    summaries: list[FamilySummary] = []
    label = "perturbing" if progress else None
    with track(label, len(items) * len(probes), "items", transient=True) as tracker:
        for name, probe in probes:
            counts: dict[str, Counter[str]] = {"skipped": Counter(), "rejected": Counter()}
            applicable = with_variants = made = 0
            for item in items:
                tracker.advance()
                if not probe.applies_to(item) or _is_code(item) != getattr(probe, "code", False):
                    continue  # code items get only code families, and code families only code items
                applicable += 1
                kept = _variants_of(item, probe, name, per_item, seed, counts)
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
