"""Paired statistics on original-vs-variant outcomes: exact McNemar, cluster bootstrap, BH.

Variants of one parent item share that parent's original outcome, so they are not
independent: the unit is the parent item. Each parent gives one difference d_i = original
outcome - mean outcome of its variants; the interval resamples parents (a cluster bootstrap)
and the p-value is a one-sample t-test on the same d_i, so the interval and the test speak
about one statistic. (Exact McNemar stays available for single-variant pairs.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import binom, norm
from scipy.stats import t as student_t

DEFAULT_BOOTSTRAP = 2000
ALPHA = 0.05


def mcnemar_exact(b: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
    """Two-sided exact McNemar p-value(s) from discordant counts b (right->wrong), c (wrong->right).

    Binomial test of b against Binomial(b + c, 1/2): p = min(1, 2 * P(X <= min(b, c))); 1 when
    there are no discordant pairs. Vectorised over arrays of counts.
    """
    b_arr = np.asarray(b, dtype=np.int64)
    c_arr = np.asarray(c, dtype=np.int64)
    n = b_arr + c_arr
    tail = binom.cdf(np.minimum(b_arr, c_arr), np.maximum(n, 1), 0.5)
    p = np.minimum(1.0, 2.0 * tail)
    return np.where(n == 0, 1.0, p).astype(np.float64)


def binomial_greater(k: int, n: int, p0: float) -> float:
    """One-sided exact binomial p-value P(X >= k) for X ~ Binomial(n, p0)."""
    if n <= 0 or k <= 0:
        return 1.0
    if p0 <= 0.0:
        return 0.0
    return float(binom.sf(k - 1, n, min(p0, 1.0)))


def benjamini_hochberg(p_values: ArrayLike) -> NDArray[np.float64]:
    """Benjamini-Hochberg q-values; NaN p-values stay NaN and do not count as tests."""
    p = np.asarray(p_values, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    m = int(valid.sum())
    if m == 0:
        return q
    pv = p[valid]
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(monotone, 1.0)
    q[valid] = out
    return q


def bootstrap_indices(n_clusters: int, n_boot: int, seed: int) -> NDArray[np.int64]:
    """A (n_boot, n_clusters) matrix of cluster indices drawn with replacement, seeded."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_clusters, size=(n_boot, n_clusters), dtype=np.int64)


def bootstrap_means(values: NDArray[np.float64], n_boot: int, seed: int) -> NDArray[np.float64]:
    """The mean of `values` (one per cluster) in each of `n_boot` seeded cluster resamples."""
    return values[bootstrap_indices(values.size, n_boot, seed)].mean(axis=1)


def bootstrap_mean_interval(
    values: ArrayLike, *, n_boot: int = DEFAULT_BOOTSTRAP, seed: int = 0, alpha: float = ALPHA
) -> tuple[float, float, float]:
    """Mean of per-cluster values with a percentile bootstrap interval that resamples clusters.

    Returns (estimate, ci_low, ci_high); NaNs when there are no clusters.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return (float("nan"),) * 3
    low, high = np.quantile(bootstrap_means(v, n_boot, seed), [alpha / 2, 1 - alpha / 2])
    return float(v.mean()), float(low), float(high)


def mean_t_test(values: ArrayLike) -> float:
    """Two-sided one-sample t-test p-value of mean(values) = 0 (one value per cluster).

    1.0 when every value is 0; 0.0 when all values are equal and non-zero; NaN with < 2 values.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size < 2:
        return float("nan")
    mean, sd = float(v.mean()), float(v.std(ddof=1))
    if sd == 0.0:
        return 1.0 if mean == 0.0 else 0.0
    t_stat = mean / (sd / np.sqrt(v.size))
    return float(2.0 * student_t.sf(abs(t_stat), v.size - 1))


def minimum_detectable_effect(
    values: ArrayLike, *, alpha: float = 0.01, power: float = 0.8, default_sd: float = 0.5
) -> float:
    """Smallest mean shift a two-sided level-`alpha` test on these cluster values detects with `power`.

    (z_{1-alpha/2} + z_power) * sd / sqrt(n), in the values' units; `default_sd` when n < 2.
    NaN with no values.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return float("nan")
    sd = float(v.std(ddof=1)) if v.size >= 2 else default_sd
    sd = sd if sd > 0 else default_sd
    return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * sd / np.sqrt(v.size))


@dataclass(frozen=True, slots=True)
class PairedDrop:
    """Accuracy on originals and on their variants (0-100), the paired drop and its tests."""

    n_items: int
    n_variants: int
    acc_original: float
    acc_variant: float
    drop: float
    ci_low: float
    ci_high: float
    p_value: float
    discordant_b: int
    discordant_c: int
    min_detectable: float = float("nan")


def cluster_outcomes(
    cluster: ArrayLike, original_correct: ArrayLike, variant_correct: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Per-cluster original outcome, mean variant outcome, first variant's outcome, and sizes.

    Inputs are one row per variant: its parent's cluster code, the parent's original outcome
    and the variant's outcome. Clusters are renumbered 0..k-1 in order of first appearance.
    """
    codes = np.asarray(cluster)
    orig = np.asarray(original_correct, dtype=np.float64)
    var = np.asarray(variant_correct, dtype=np.float64)
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    inverse = rank[inverse.reshape(-1)]
    sizes = np.bincount(inverse, minlength=order.size)
    var_mean = np.bincount(inverse, weights=var, minlength=order.size) / sizes
    first_rows = first[order]
    return orig[first_rows], var_mean, var[first_rows], sizes


def paired_drop(
    cluster: ArrayLike,
    original_correct: ArrayLike,
    variant_correct: ArrayLike,
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    alpha: float = ALPHA,
) -> PairedDrop:
    """The paired drop (acc_original - acc_variant, points) over parents with variants.

    Each parent counts once: its original outcome against the mean of its variants'
    outcomes, so drop == acc_original - acc_variant exactly. The interval is a percentile
    cluster bootstrap over parents; the p-value a t-test on the same per-parent differences.
    `min_detectable` (points) is the drop this many parents would show at level 0.01 with 80%
    power. The discordant counts are on each parent's first variant, for display.
    """
    orig, var_mean, var_first, sizes = cluster_outcomes(cluster, original_correct, variant_correct)
    if orig.size == 0:
        nan = float("nan")
        return PairedDrop(0, 0, nan, nan, nan, nan, nan, nan, 0, 0)
    estimate, low, high = bootstrap_mean_interval(orig - var_mean, n_boot=n_boot, seed=seed, alpha=alpha)
    b = int(np.sum((orig == 1) & (var_first == 0)))
    c = int(np.sum((orig == 0) & (var_first == 1)))
    return PairedDrop(
        n_items=int(orig.size),
        n_variants=int(sizes.sum()),
        acc_original=100.0 * float(orig.mean()),
        acc_variant=100.0 * float(var_mean.mean()),
        drop=100.0 * estimate,
        ci_low=100.0 * low,
        ci_high=100.0 * high,
        p_value=mean_t_test(orig - var_mean),
        discordant_b=b,
        discordant_c=c,
        min_detectable=100.0 * minimum_detectable_effect(orig - var_mean),
    )
