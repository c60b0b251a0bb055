"""Fresh sets: the public benchmark against items the model cannot have seen, in one model.

Both sets are perturbed with the same families and seed and asked of the same model. Two
numbers compare them:

- the level gap: accuracy on public originals minus accuracy on fresh originals. It is only
  evidence when the two sets are equally hard (GSM1k's route: a newly written, difficulty-matched
  set); a block always carries that caveat.
- the difference in differences (DiD): the paired drop (originals -> variants) on the public set
  minus the same drop on the fresh set. A variant family that makes items harder for this model
  makes both sets harder, so its difficulty cancels inside the one model: the DiD is an excess
  drop calibrated by the fresh set instead of by reference models.

Intervals resample items (clusters: an item with its variants) within each set independently,
seeded. The DiD test is Welch's one-sided t-test on the per-item drops (public > fresh). The
minimum detectable effect is the DiD the two sets' sizes detect with 80% power at the verdict's
level, from the observed per-item drop spread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy.stats import norm, ttest_ind

from detector.stats.paired import ALPHA, bootstrap_indices

POWER = 0.80
# The verdict's level (detector.stats.verdict.ALPHA): the MDE is the effect a test at that level finds.
MDE_ALPHA = 0.01
# Mean question lengths differing by more than this factor draw a warning.
LENGTH_RATIO_WARN = 1.5
LEVEL_GAP_CAVEAT = (
    "the level gap is evidence only when the fresh set is as hard as the public one "
    "(difficulty-matched); the difference in differences does not need that"
)


@dataclass(frozen=True, slots=True)
class SetOutcomes:
    """One set's per-item outcomes: the original (0/1) and the mean of its variants (0-1)."""

    original: NDArray[np.float64]
    variant_mean: NDArray[np.float64]

    @property
    def drops(self) -> NDArray[np.float64]:
        return self.original - self.variant_mean

    @property
    def n(self) -> int:
        return int(self.original.size)


def set_outcomes(rows: pl.DataFrame) -> SetOutcomes:
    """Per-item outcomes from answer rows (one row per variant: parent_id, original_correct, correct)."""
    if rows.height == 0:
        return SetOutcomes(np.zeros(0), np.zeros(0))
    grouped = (
        rows.group_by("parent_id")
        .agg(
            pl.col("original_correct").first().cast(pl.Float64).alias("o"),
            pl.col("correct").cast(pl.Float64).mean().alias("v"),
        )
        .sort("parent_id")
    )
    return SetOutcomes(grouped["o"].to_numpy().astype(np.float64), grouped["v"].to_numpy().astype(np.float64))


def _nan_block() -> dict[str, Any]:
    return {"estimate": None, "ci_low": None, "ci_high": None}


def _interval(estimate: float, boot: NDArray[np.float64], alpha: float = ALPHA) -> dict[str, Any]:
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return {"estimate": 100.0 * estimate, "ci_low": 100.0 * float(low), "ci_high": 100.0 * float(high)}


def minimum_detectable_effect(
    sd_public: float,
    n_public: int,
    sd_fresh: float,
    n_fresh: int,
    *,
    alpha: float = MDE_ALPHA,
    power: float = POWER,
) -> float:
    """The smallest DiD (points) a one-sided test at `alpha` detects with `power` (normal approximation)."""
    if n_public < 1 or n_fresh < 1:
        return math.nan
    se = math.sqrt(sd_public**2 / n_public + sd_fresh**2 / n_fresh)
    return float(100.0 * (norm.ppf(1 - alpha) + norm.ppf(power)) * se)


def _sd(values: NDArray[np.float64]) -> float:
    """Per-item drop spread; 0.5 (a coin's) where a set is too small or constant to say."""
    if values.size < 2:
        return 0.5
    sd = float(values.std(ddof=1))
    return sd if sd > 0 else 0.5


def compare_sets(public: SetOutcomes, fresh: SetOutcomes, *, seed: int, n_boot: int) -> dict[str, Any]:
    """Level gap, drops, difference in differences (interval, one-sided Welch p) and the MDE."""
    block: dict[str, Any] = {
        "n_public": public.n,
        "n_fresh": fresh.n,
        "acc_public": None,
        "acc_fresh": None,
        "drop_public": None,
        "drop_fresh": None,
        "level_gap": _nan_block(),
        "did": _nan_block(),
        "p_value": None,
        "q_value": None,
        "mde_80": None,
    }
    if public.n == 0 or fresh.n == 0:
        return block
    idx_pub = bootstrap_indices(public.n, n_boot, seed)
    idx_fresh = bootstrap_indices(fresh.n, n_boot, seed + 1)
    acc_pub_b = public.original[idx_pub].mean(axis=1)
    acc_fresh_b = fresh.original[idx_fresh].mean(axis=1)
    drop_pub_b = public.drops[idx_pub].mean(axis=1)
    drop_fresh_b = fresh.drops[idx_fresh].mean(axis=1)
    gap = float(public.original.mean() - fresh.original.mean())
    did = float(public.drops.mean() - fresh.drops.mean())
    p_value = math.nan
    if public.n >= 2 and fresh.n >= 2 and (public.drops.std() > 1e-12 or fresh.drops.std() > 1e-12):
        p_value = float(ttest_ind(public.drops, fresh.drops, equal_var=False, alternative="greater").pvalue)
    elif public.n >= 1 and fresh.n >= 1:  # no spread at all: the sign of the difference decides
        p_value = 0.0 if did > 0 else 1.0
    block.update(
        acc_public=100.0 * float(public.original.mean()),
        acc_fresh=100.0 * float(fresh.original.mean()),
        drop_public=100.0 * float(public.drops.mean()),
        drop_fresh=100.0 * float(fresh.drops.mean()),
        level_gap=_interval(gap, acc_pub_b - acc_fresh_b),
        did=_interval(did, drop_pub_b - drop_fresh_b),
        p_value=None if math.isnan(p_value) else p_value,
        mde_80=minimum_detectable_effect(_sd(public.drops), public.n, _sd(fresh.drops), fresh.n),
    )
    return block


def _seed(seed: int, *parts: object) -> int:
    from detector.types import stable_seed

    return stable_seed(seed, "fresh", *parts) % 2**62


def set_warnings(items: pl.DataFrame, public: Sequence[str], fresh: Sequence[str]) -> list[str]:
    """Warnings when the fresh set differs from the public one in format (item kind) or length."""
    warnings: list[str] = []

    def profile(names: Sequence[str]) -> tuple[set[str], float]:
        rows = items.filter(pl.col("benchmark").is_in(list(names)))
        kinds = {"multiple_choice" if len(c or []) else "open" for c in rows["choices"].to_list()}
        mean = rows["question"].str.len_chars().mean() if rows.height else None
        length = float(mean) if isinstance(mean, int | float) else 0.0
        return kinds, length

    kinds_pub, len_pub = profile(public)
    kinds_fresh, len_fresh = profile(fresh)
    if kinds_pub != kinds_fresh:
        warnings.append(
            f"the sets differ in format: public items are {', '.join(sorted(kinds_pub))}, fresh items "
            f"{', '.join(sorted(kinds_fresh))}; the families that apply differ too"
        )
    if (
        len_pub > 0
        and len_fresh > 0
        and max(len_pub, len_fresh) / min(len_pub, len_fresh) > LENGTH_RATIO_WARN
    ):
        warnings.append(
            f"the sets differ in length: public questions average {len_pub:.0f} characters, fresh "
            f"{len_fresh:.0f}; a variant family may not be equally hard on both"
        )
    return warnings


def fresh_analysis(
    rows: pl.DataFrame,
    items: pl.DataFrame,
    fresh_benchmarks: Sequence[str],
    *,
    seed: int,
    n_boot: int,
) -> dict[str, Any] | None:
    """The fresh-set block of a run: pooled and per-family comparisons, MDE and warnings.

    `rows` are the run's answer rows (detector.stats.analysis.answer_rows); `items` the items
    table; `fresh_benchmarks` the benchmark names given with `--fresh`. None without any.
    """
    if not fresh_benchmarks:
        return None
    fresh_names = sorted(set(fresh_benchmarks))
    public_names = sorted(set(items["benchmark"].to_list()) - set(fresh_names))
    is_fresh = pl.col("benchmark").is_in(fresh_names)
    pub_rows, fresh_rows = rows.filter(~is_fresh), rows.filter(is_fresh)
    pooled = compare_sets(
        set_outcomes(pub_rows), set_outcomes(fresh_rows), seed=_seed(seed, "pooled"), n_boot=n_boot
    )
    families = []
    names = sorted(set(pub_rows["family"].to_list()) | set(fresh_rows["family"].to_list()))
    warnings = set_warnings(items, public_names, fresh_names)
    for family in names:
        pub_f = pub_rows.filter(pl.col("family") == family)
        fresh_f = fresh_rows.filter(pl.col("family") == family)
        if not pub_f.height or not fresh_f.height:
            where = "fresh" if not fresh_f.height else "public"
            warnings.append(
                f"family {family} has no answered variants on the {where} set: left out of its DiD"
            )
        families.append(
            {
                "name": family,
                **compare_sets(
                    set_outcomes(pub_f), set_outcomes(fresh_f), seed=_seed(seed, family), n_boot=n_boot
                ),
            }
        )
    n_fresh_items = items.filter(pl.col("benchmark").is_in(fresh_names)).height
    return {
        "public_benchmarks": public_names,
        "fresh_benchmarks": fresh_names,
        "n_fresh_items": n_fresh_items,
        "pooled": pooled,
        "families": families,
        "power": POWER,
        "mde_alpha": MDE_ALPHA,
        "caveat": LEVEL_GAP_CAVEAT,
        "warnings": warnings,
        "test": "difference in differences: one-sided Welch t-test on per-item drops (public > fresh); "
        "intervals: item-clustered percentile bootstrap within each set",
    }
