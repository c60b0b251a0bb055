"""A family's settings, declared with the family: its probe class and how its variants are verified."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from detector.types import BenchmarkItem, Probe, Variant

# (variant, parent) -> why the variant's gold is wrong, or None when it is right
GoldCheck = Callable[[Variant, BenchmarkItem], str | None]


@dataclass(frozen=True, slots=True)
class FamilySpec:
    """One perturbation family: its probe class and the bounds its variants must keep.

    Similarity is the Jaccard similarity of word 3-shingle sets (see `detector.variants`): a
    variant is kept only below `ceiling` (it must differ from its parent) and at or above `floor`
    (a meaning-preserving family must not drift too far). Two variants of one item are
    near-duplicates at or above `duplicate_at` (the ceiling when None). `keeps_gold`: the gold's
    text must stay the parent's. `gold_check`: the family's own check of a recomputed gold.
    `for_code`: the family perturbs programming tasks; code items get only such families.

    Raises:
        ValueError: for bounds outside 0 <= floor < ceiling <= 1 or a duplicate_at outside (0, 1].
    """

    probe: type[Probe]
    ceiling: float
    floor: float = 0.0
    keeps_gold: bool = False
    duplicate_at: float | None = None
    gold_check: GoldCheck | None = None
    for_code: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.floor < self.ceiling <= 1.0:
            raise ValueError(f"{self.name}: need 0 <= floor < ceiling <= 1, got floor {self.floor}, "
                             f"ceiling {self.ceiling}")
        if self.duplicate_at is not None and not 0.0 < self.duplicate_at <= 1.0:
            raise ValueError(f"{self.name}: duplicate_at must be in (0, 1], got {self.duplicate_at}")

    @property
    def name(self) -> str:
        """The name users type (the probe's `name`)."""
        return self.probe.name

    @property
    def version(self) -> str:
        """The family's version (the probe's `version`), stored with every variant."""
        return self.probe.version

    @property
    def near_duplicate_at(self) -> float:
        """The similarity at or above which two variants of one item are near-duplicates."""
        return self.ceiling if self.duplicate_at is None else self.duplicate_at
