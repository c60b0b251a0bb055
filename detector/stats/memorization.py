"""Summaries of the memorization signals, each with a rate, a cluster-bootstrap interval and a test.

Rates are fractions (0-1). Intervals resample parent items. Each summary carries a one-sided
p-value so that the verdict can put it in the same Benjamini-Hochberg family as the drops.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from detector.stats.paired import DEFAULT_BOOTSTRAP, bootstrap_indices, bootstrap_means

# A model that memorized nothing still reproduces some continuations (formulaic text, short
# endings); verbatim rates are tested against this allowance, not against zero.
VERBATIM_ALLOWANCE = 0.10
# Prior coincidence rates per wrong answer for the stale test's chance (see summarize_stale):
# a wrong pick among four options is one other label in three; a wrong number rarely is one
# particular other number.
CHANCE_PRIORS = {"multiple_choice": 1 / 3, "math": 0.02}
DEFAULT_CHANCE_PRIOR = 0.02
CHANCE_PRIOR_WEIGHT = 5.0


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


def _cluster_family_sums(
    codes: NDArray[np.int64], fams: NDArray[np.int64], k: int, n_fam: int, values: NDArray[np.float64]
) -> NDArray[np.float64]:
    """A (clusters, families) matrix of the sums of `values`."""
    sums = np.bincount(codes * n_fam + fams, weights=values, minlength=k * n_fam)
    return sums.astype(np.float64).reshape(k, n_fam)


def summarize_stale(
    cluster: ArrayLike,
    stale: ArrayLike,
    placebo: ArrayLike,
    original_wrong: ArrayLike,
    variant_wrong: ArrayLike,
    *,
    family: ArrayLike | None = None,
    chance_prior: ArrayLike | None = None,
    prior_weight: float = CHANCE_PRIOR_WEIGHT,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Stale-answer rate on changed-answer variants against its chance rate, per family, item-clustered.

    One row per changed-answer variant (every variant counts). `stale`: the variant's answer
    equals the parent's old answer. `placebo`: the parent's answer equals the variant's new
    answer -- the same coincidence seen from the other side, which a model that memorized
    nothing produces as often per wrong answer. Chance in family f: R_f = placebo_f /
    wrong_originals_f hits per wrong answer, so expected stale answers = wrong_variants_f * R_f.
    Conditioning on wrong answers keeps the null when variants are harder. A model that gets
    nearly every original right (a memorizer) leaves few wrong originals to estimate R_f from,
    so R_f = (placebo_f + w * prior_f) / (wrong_originals_f + w): `prior_weight` w pseudo-answers
    at the row's `chance_prior` (CHANCE_PRIORS: 1/3 for four-option choices, whose wrong answer
    hits a given other label one time in three), negligible once a family has many wrong answers.

    The statistic is the excess E = (stale - sum_f wrong_variants_f * R_f) / n. Its standard
    error is cluster-robust (the delta method over parent items, which takes every variant of
    an item, in any family, as one cluster); the p-value is one-sided normal, z = E / SE.
    """
    s = np.asarray(stale, dtype=bool)
    if s.size == 0:
        return None
    pl = np.asarray(placebo, dtype=bool)
    wrong_o = np.asarray(original_wrong, dtype=bool)
    wrong_v = np.asarray(variant_wrong, dtype=bool)
    codes = _cluster_codes(cluster)
    fam_labels = np.asarray(family if family is not None else np.zeros(s.size, dtype=np.int64))
    fam_names, fams = np.unique(fam_labels, return_inverse=True)
    fams = fams.reshape(-1).astype(np.int64)
    k, n_fam, n = int(codes.max()) + 1, int(fam_names.size), int(s.size)
    rate, low, high = _ratio_interval(cluster, s, n_boot=n_boot, seed=seed)
    sums = {
        name: _cluster_family_sums(codes, fams, k, n_fam, values.astype(np.float64))
        for name, values in (("s", s), ("p", pl), ("wv", wrong_v), ("wo", wrong_o))
    }
    totals = {name: m.sum(axis=0) for name, m in sums.items()}
    prior_rows = np.asarray(chance_prior if chance_prior is not None else np.full(n, DEFAULT_CHANCE_PRIOR))
    prior = np.bincount(fams, weights=prior_rows.astype(np.float64), minlength=n_fam) / np.bincount(
        fams, minlength=n_fam
    )
    denominator = totals["wo"] + prior_weight
    has_wo = denominator > 0
    safe = np.where(has_wo, denominator, 1.0)
    hit = np.where(has_wo, (totals["p"] + prior_weight * prior) / safe, 0.0)
    expected = totals["wv"] * hit
    excess = float((totals["s"].sum() - expected.sum()) / n)
    chance = float(expected.sum() / n)
    # Influence of each cluster on E (delta method); R_f's own noise enters through p and wo.
    ratio = np.where(has_wo, totals["wv"] / safe, 0.0)
    per_cluster = (sums["s"] - sums["wv"] * hit - ratio * (sums["p"] - hit * sums["wo"])).sum(
        axis=1
    ) - excess * np.bincount(codes, minlength=k)
    psi = per_cluster / n
    var = float(k / (k - 1) * np.sum(psi**2)) if k > 1 else float("nan")
    se = float(np.sqrt(var)) if var == var else float("nan")
    if se > 0:
        p_value = float(norm.sf(excess / se))
    elif se == 0:
        p_value = 0.0 if excess > 0 else 1.0
    else:
        p_value = float("nan")
    per_family = {
        str(name): {
            "n": int(np.sum(fams == j)),
            "stale": int(totals["s"][j]),
            "wrong_variants": int(totals["wv"][j]),
            "placebo": int(totals["p"][j]),
            "wrong_originals": int(totals["wo"][j]),
            "chance_rate": float(expected[j] / max(int(np.sum(fams == j)), 1)),
            "rate": float(totals["s"][j] / max(int(np.sum(fams == j)), 1)),
        }
        for j, name in enumerate(fam_names)
    }
    return {
        "rate": rate,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        "n_items": k,
        "chance_rate": chance,
        "excess": excess,
        "excess_se": se,
        "n_stale": int(s.sum()),
        "n_placebo": int(pl.sum()),
        "families": per_family,
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
    """Share of truncation probes continued verbatim, tested against `allowance`, item-clustered.

    Two truncations of one item are one cluster. z = (V - a * n) / sqrt(k/(k-1) * sum_i (v_i -
    a * n_i)^2), with v_i verbatim continuations out of n_i probes of item i: a score test whose
    variance is taken at the null rate a, robust to truncations of one item agreeing. One-sided.
    """
    v = np.asarray(verbatim, dtype=bool)
    if v.size == 0:
        return None
    rate, low, high = _ratio_interval(cluster, v, n_boot=n_boot, seed=seed)
    codes = _cluster_codes(cluster)
    k = int(codes.max()) + 1
    hits = np.bincount(codes, weights=v.astype(np.float64), minlength=k)
    sizes = np.bincount(codes, minlength=k).astype(np.float64)
    resid = hits - allowance * sizes
    var = float(np.sum(resid**2)) * (k / (k - 1) if k > 1 else 1.0)
    if var > 0:
        p_value = float(norm.sf(resid.sum() / np.sqrt(var)))
    else:
        p_value = 0.0 if resid.sum() > 0 else 1.0
    return {
        "rate": rate,
        "ci_low": low,
        "ci_high": high,
        "n": int(v.size),
        "n_items": k,
        "allowance": allowance,
        "p_value": p_value,
    }
