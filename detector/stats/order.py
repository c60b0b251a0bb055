"""Order exchangeability tests (Oren et al. 2023, "Proving test set contamination in black box
language models"; reference code tatsu-lab/test_set_contamination).

If a benchmark's published order is a random permutation and the model never saw the benchmark,
the model cannot prefer the published order: the log-likelihood of a shard in its canonical
order is exchangeable with its likelihood under random re-orderings. A model that trained on
the file in that order prefers it. The same holds for the order of a multiple-choice item's
options (the canonical order against permutations of the options).

Two tests of one table (one row per unit: a shard, or an item; the canonical log-likelihood and
those of `m` re-orderings):

- the sharded t-test (Oren's): per unit, canonical minus the mean of its re-orderings; a
  one-sided t-test of the mean over units (their statistic: population sd, n - 1 degrees of
  freedom). Its guarantee is asymptotic in the number of shards.
- the permutation p-value: under exchangeability the canonical value is equally likely to be
  any of a unit's m + 1 values. Seeded draws of one value per unit give the null distribution
  of the summed centred statistic; p = (1 + #{T* >= T}) / (1 + draws). Valid at every size
  (it can never be below 1 / (1 + draws), nor below what m allows).

Both guarantees need the published order to be random: `grouped_order` says when it is not
(items sorted by subject or source), in which case re-orderings stay within a group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import t as t_dist

PERMUTATION_DRAWS = 10000


def exchangeability_test(
    canonical: ArrayLike, permuted: Sequence[Sequence[float]], *, seed: int, draws: int = PERMUTATION_DRAWS
) -> dict[str, Any]:
    """Sharded t-test and permutation p-value of canonical vs re-ordered log-likelihoods.

    `canonical[u]` is unit u's log-likelihood in its canonical order, `permuted[u]` those of its
    re-orderings (at least one each). Units with none are dropped.
    """
    canon_all = np.asarray(canonical, dtype=np.float64)
    keep = [u for u in range(canon_all.size) if len(permuted[u]) > 0 and not math.isnan(canon_all[u])]
    block: dict[str, Any] = {
        "n_units": len(keep), "mean_difference": None, "t_statistic": None, "p_value_t": None,
        "p_value_permutation": None, "p_value": None, "q_value": None, "draws": draws,
        "fraction_canonical_best": None,
    }  # fmt: skip
    if not keep:
        return block
    canon = canon_all[keep]
    perms = [np.asarray(permuted[u], dtype=np.float64) for u in keep]
    diffs = np.array([c - p.mean() for c, p in zip(canon, perms, strict=True)])
    n = diffs.size
    sd = float(diffs.std())
    if n >= 2 and sd > 0:
        t_stat = float(diffs.mean() / sd * math.sqrt(n))
        p_t = float(t_dist.sf(t_stat, df=n - 1))
    else:
        t_stat, p_t = math.nan, math.nan
    # Permutation: one value per unit drawn as if it were the canonical one.
    rng = np.random.default_rng(seed)
    null = np.zeros(draws)
    for c, p in zip(canon, perms, strict=True):
        values = np.concatenate(([c], p))
        centred = values - values.mean()
        null += centred[rng.integers(0, values.size, size=draws)]
    # Centring with the mean of all m + 1 values differs from the t-test's centring by a factor
    # m / (m + 1) per unit: the observed value is centred the same way as the draws.
    observed_centred = float(
        sum(c - np.concatenate(([c], p)).mean() for c, p in zip(canon, perms, strict=True))
    )
    tolerance = 1e-9 * max(1.0, abs(observed_centred))
    p_perm = float((1 + np.sum(null >= observed_centred - tolerance)) / (1 + draws))
    best = float(np.mean([c >= p.max() for c, p in zip(canon, perms, strict=True)]))
    block.update(
        mean_difference=float(diffs.mean()),
        t_statistic=None if math.isnan(t_stat) else t_stat,
        p_value_t=None if math.isnan(p_t) else p_t,
        p_value_permutation=p_perm,
        # The verdict uses the permutation p-value: valid at every number of units.
        p_value=p_perm,
        fraction_canonical_best=best,
    )
    return block


def order_analysis(data: Mapping[str, Any] | None, *, seed: int) -> dict[str, Any] | None:
    """The order tests' blocks from the run's order data (detector.membership.order.order_scores)."""
    if not data:
        return None
    from detector.types import stable_seed

    dataset = []
    for entry in data.get("dataset_order", []):
        test = exchangeability_test(
            entry["canonical"],
            entry["permuted"],
            seed=stable_seed(seed, "order-test", entry["benchmark"]) % 2**32,
        )
        grouping = entry.get("grouping") or {}
        note = (
            f"the file is grouped by {grouping.get('field')}: re-orderings stay inside a group, so the "
            "test holds only if the order within each group is random"
            if grouping.get("grouped")
            else "no grouping found: the test assumes the published order is random"
        )
        dataset.append(
            {
                "name": f"dataset order: {entry['benchmark']}",
                "benchmark": entry["benchmark"],
                "n_items": entry["n_items"],
                "n_shards": entry["n_shards"],
                "permutations_per_shard": entry["permutations_per_shard"],
                "grouping": grouping,
                "assumption": note,
                **test,
            }
        )
    options = []
    for entry in data.get("option_order", []):
        test = exchangeability_test(
            entry["canonical"],
            entry["permuted"],
            seed=stable_seed(seed, "option-test", entry["benchmark"]) % 2**32,
        )
        options.append(
            {
                "name": f"option order: {entry['benchmark']}",
                "benchmark": entry["benchmark"],
                "n_items": entry["n_items"],
                "permutations_per_item": entry["permutations_per_item"],
                "assumption": "assumes the published option order carries no information a model could "
                "prefer without having seen the items (e.g. options not sorted by length or value)",
                **test,
            }
        )
    return {"dataset_order": dataset, "option_order": options}
