"""The plan of a probe run: every prompt to ask (originals and variants), rendered once.

A plan is pure data built from items and a variant set; the pipeline queries it, the selftest
queries it many times with different control-model seeds, and control models learn their
answer key from it (`detector.models.prepare_for_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from detector.prompts import render_prompt, select_shots
from detector.types import BenchmarkItem, Variant


@dataclass(frozen=True, slots=True)
class PromptRow:
    """One prompt to ask: an original item (`variant` None) or a variant of `parent`."""

    prompt_id: str
    role: str  # "original" | "variant"
    parent: BenchmarkItem
    item: BenchmarkItem
    prompt: str
    variant: Variant | None = None

    @property
    def family(self) -> str | None:
        return self.variant.family if self.variant is not None else None

    @property
    def scoring(self) -> str:
        return self.variant.scoring if self.variant is not None else "answer"


@dataclass(frozen=True, slots=True)
class ProbePlan:
    """Items, their variants and the rendered prompts (originals first, then variants)."""

    items: tuple[BenchmarkItem, ...]
    variants: tuple[Variant, ...]
    rows: tuple[PromptRow, ...]
    variant_set_sha256: str
    skipped: Mapping[str, object] = field(default_factory=dict)

    @property
    def prompts(self) -> list[str]:
        return [row.prompt for row in self.rows]


def build_plan(
    items: Sequence[BenchmarkItem],
    variants: Sequence[Variant],
    *,
    variant_set_sha256: str,
    shot_pools: Mapping[str, Sequence[BenchmarkItem]] | None = None,
    shots: int = 0,
    skipped: Mapping[str, object] | None = None,
) -> ProbePlan:
    """Render one prompt per original item and per variant.

    `shot_pools` maps a benchmark name to its dev/train items for `shots`-shot prompts.

    Raises: ValueError when a variant's parent is not among `items`.
    """
    by_id = {item.item_id: item for item in items}
    pools = shot_pools or {}
    rows: list[PromptRow] = []
    for item in items:
        chosen = select_shots(pools.get(item.benchmark, ()), item, shots)
        rows.append(PromptRow(item.item_id, "original", item, item, render_prompt(item, shots=chosen)))
    for variant in variants:
        parent = by_id.get(variant.parent_id)
        if parent is None:
            raise ValueError(
                f"variant {variant.variant_id} has no parent {variant.parent_id} among the items"
            )
        chosen = select_shots(pools.get(parent.benchmark, ()), parent, shots)
        if variant.scoring == "continuation":
            chosen = ()
        prompt = render_prompt(variant.item, scoring=variant.scoring, shots=chosen)
        rows.append(PromptRow(variant.variant_id, "variant", parent, variant.item, prompt, variant))
    return ProbePlan(tuple(items), tuple(variants), tuple(rows), variant_set_sha256, dict(skipped or {}))
