"""Summaries of the memorization signals, each with a rate, a cluster-bootstrap interval and a test.

Rates are fractions (0-1). Intervals resample parent items. Each summary carries a one-sided
p-value so that the verdict can put it in the same Benjamini-Hochberg family as the drops.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import fisher_exact

from detector.stats.paired import DEFAULT_BOOTSTRAP, binomial_greater, bootstrap_indices, bootstrap_means

# A model that memorized nothing still reproduces some continuations (formulaic text, short
# endings); verbatim rates are tested against this allowance, not against zero.
VERBATIM_ALLOWANCE = 0.10


def _cluster_codes(cluster: ArrayLike) -> NDArray[np.int64]:
    """Each row's cluster as 0..k-1, in sorted order of the cluster labels."""
    _, inverse = np.unique(np.asarray(cluster), return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def _cluster_means(cluster: ArrayLike, values: ArrayLike) -> NDArray[np.float64]:
    codes = _cluster_codes(cluster)
    return np.bincount(codes, weights=np.asarray(values, dtype=np.float64)) / np.bincount(codes)


def _ratio_interval(
    cluster: ArrayLike, numerator: ArrayLike, *, n_boot: int, seed: int
) -> tuple[float, float, float]:
    """Pooled rate sum(numerator)/n with a percentile interval that resamples clusters."""
    num = np.asarray(numerator, dtype=np.float64)
    codes = _cluster_codes(cluster)
    k = int(codes.max()) + 1
    sums = np.bincount(codes, weights=num, minlength=k)
    sizes = np.bincount(codes, minlength=k).astype(np.float64)
    idx = bootstrap_indices(k, n_boot, seed)
    boot = sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)
    low, high = np.quantile(boot, [0.025, 0.975])
    return float(num.mean()), float(low), float(high)


def summarize_stale(
    cluster: ArrayLike,
    stale: ArrayLike,
    placebo: ArrayLike,
    original_wrong: ArrayLike,
    variant_wrong: ArrayLike,
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Stale-answer rate on changed-gold variants against its chance rate.

    `stale`: the variant's answer equals the parent's old gold. `placebo`: the parent's
    answer equals the variant's new gold -- the same coincidence seen from the other side,
    which a model that memorized nothing produces as often per wrong answer. The chance rate
    is the placebo hits per wrong original times the variant wrong rate.

    The test compares, on each parent's first variant (one parent's variants share one original
    answer, so they are not independent), the share of wrong variant answers that are stale
    with the share of wrong original answers that hit the variant's gold: a one-sided Fisher
    exact test. Conditioning on wrong answers keeps the test valid when variants are harder.
    """
    s = np.asarray(stale, dtype=bool)
    if s.size == 0:
        return None
    pl = np.asarray(placebo, dtype=bool)
    wrong_o = np.asarray(original_wrong, dtype=bool)
    wrong_v = np.asarray(variant_wrong, dtype=bool)
    rate, low, high = _ratio_interval(cluster, s, n_boot=n_boot, seed=seed)
    hit_given_wrong = pl.sum() / wrong_o.sum() if wrong_o.any() else 0.0
    chance = float(min(1.0, hit_given_wrong * wrong_v.mean()))
    _, first = np.unique(np.asarray(cluster), return_index=True)
    k1, n1 = int(np.sum(s[first] & wrong_v[first])), int(np.sum(wrong_v[first]))
    k2, n2 = int(np.sum(pl[first] & wrong_o[first])), int(np.sum(wrong_o[first]))
    if n1 == 0 or n2 == 0:
        p_value = 1.0 if k1 == 0 else float("nan")
    else:
        p_value = float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="greater")[1])
    return {
        "rate": rate,
        "ci_low": low,
        "ci_high": high,
        "n": int(s.size),
        "chance_rate": chance,
        "n_stale": int(s.sum()),
        "n_placebo": int(pl.sum()),
        "test": {"stale": k1, "wrong_variants": n1, "placebo": k2, "wrong_originals": n2},
        "p_value": p_value,
    }


def summarize_echo(
    cluster: ArrayLike,
    jaccard_parent: ArrayLike,
    jaccard_own: ArrayLike,
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Mean Jaccard with the parent's solution minus with the variant's own, over parents.

    The p-value is one-sided from the cluster bootstrap: the share of resampled differences
    at or below zero.
    """
    jp = np.asarray(jaccard_parent, dtype=np.float64)
    if jp.size == 0:
        return None
    jo = np.asarray(jaccard_own, dtype=np.float64)
    per_cluster = _cluster_means(cluster, jp - jo)
    boot = bootstrap_means(per_cluster, n_boot, seed)
    low, high = np.quantile(boot, [0.025, 0.975])
    p_value = float((1 + np.sum(boot <= 0.0)) / (1 + n_boot))
    return {
        "parent": float(jp.mean()),
        "own": float(jo.mean()),
        "difference": float(per_cluster.mean()),
        "ci_low": float(low),
        "ci_high": float(high),
        "n": int(jp.size),
        "p_value": p_value,
    }


def summarize_verbatim(
    cluster: ArrayLike,
    verbatim: ArrayLike,
    *,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    allowance: float = VERBATIM_ALLOWANCE,
) -> dict[str, Any] | None:
    """Share of truncation probes continued verbatim; one-sided binomial test against `allowance`."""
    v = np.asarray(verbatim, dtype=bool)
    if v.size == 0:
        return None
    rate, low, high = _ratio_interval(cluster, v, n_boot=n_boot, seed=seed)
    p_value = binomial_greater(int(v.sum()), int(v.size), allowance)
    return {
        "rate": rate,
        "ci_low": low,
        "ci_high": high,
        "n": int(v.size),
        "allowance": allowance,
        "p_value": p_value,
    }
