"""Membership signals from likelihood scores.

- `membership_signal`: reference-free. How much more likely the model finds each original
  benchmark text than its own perturbed variants, paired per item (original minus the mean of
  its variants), averaged over items, with a seeded cluster-bootstrap interval over items.
- `auroc_by_score`: where ground truth is known (a lab build's `lab.json`), the AUROC of each
  score for telling contaminated items from unseen ones (scikit-learn's `roc_auc_score`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from detector.membership.scores import DEFAULT_K, SCORE_NAMES, TextScores, score_logprobs
from detector.membership.texts import scoring_pair
from detector.types import BenchmarkItem, TokenLogprobs, stable_seed

LogprobsFn = Callable[[Sequence[tuple[str, str]]], list[TokenLogprobs]]
PRIMARY_SCORE = "mean_logprob"  # every logprobs backend gives it; Min-K%++ needs vocabulary stats


def score_texts(
    logprobs: LogprobsFn, items: Sequence[BenchmarkItem], *, with_solution: bool = True, k: float = DEFAULT_K
) -> list[TextScores | str]:
    """Score every item's text with `logprobs` (e.g. `Runner.logprobs`), in order; a failed
    request gives its error message instead of scores."""
    results = logprobs([scoring_pair(item, with_solution=with_solution) for item in items])
    scored: list[TextScores | str] = []
    for result in zip(items, results, strict=True):
        value = result[1]
        if value.error is not None:
            scored.append(value.error)
        elif not value.logprobs:
            scored.append("no tokens scored")
        else:
            scored.append(score_logprobs(value, k))
    return scored


def score_items(
    logprobs: LogprobsFn, items: Sequence[BenchmarkItem], *, with_solution: bool = True, k: float = DEFAULT_K
) -> dict[str, TextScores | None]:
    """Item id -> scores of the item's text; None where the request failed."""
    scored = score_texts(logprobs, items, with_solution=with_solution, k=k)
    return {
        item.item_id: value if isinstance(value, TextScores) else None
        for item, value in zip(items, scored, strict=True)
    }


def _interval(values: np.ndarray, n_boot: int, seed: int) -> tuple[float, float]:
    """95% percentile interval of the mean, resampling items (each item is one cluster)."""
    rng = np.random.default_rng(stable_seed(seed, "membership-bootstrap"))
    draws = rng.integers(0, len(values), size=(n_boot, len(values)))
    means = values[draws].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def _p_greater(values: np.ndarray) -> float | None:
    """One-sided p-value that the mean paired difference is above zero (one-sample t-test)."""
    from scipy.stats import ttest_1samp

    if len(values) < 2:
        return None
    if float(values.std()) == 0.0:
        return 0.0 if float(values.mean()) > 0 else 1.0
    return float(ttest_1samp(values, 0.0, alternative="greater").pvalue)


def membership_signal(
    originals: Mapping[str, TextScores | None],
    variants: Sequence[tuple[str, TextScores | None]],
    *,
    seed: int,
    n_boot: int = 2000,
) -> dict[str, Any] | None:
    """Paired original-minus-variants difference of each score, in nats per token.

    `originals` maps parent id to the original's scores; `variants` holds (parent id, variant
    scores). Items without a scored original or without a scored variant are left out. Returns
    None when no item has both. `estimate`, the 95% interval and `p_value` (one-sided t-test
    that the mean difference is above zero) are for `PRIMARY_SCORE`; `scores` has all three.
    """
    by_parent: dict[str, list[TextScores]] = defaultdict(list)
    for parent_id, scores in variants:
        if scores is not None and originals.get(parent_id) is not None:
            by_parent[parent_id].append(scores)
    parents = sorted(by_parent)
    if not parents:
        return None
    per_score: dict[str, dict[str, float | None] | None] = {}
    for name in SCORE_NAMES:
        diffs = []
        for parent in parents:
            original = originals[parent]
            assert original is not None
            own = original.get(name)
            others = [v.get(name) for v in by_parent[parent]]
            if own is None or any(o is None for o in others):
                break
            diffs.append(own - float(np.mean([o for o in others if o is not None])))
        else:
            values = np.asarray(diffs, dtype=float)
            low, high = _interval(values, n_boot, seed)
            per_score[name] = {
                "estimate": float(values.mean()), "ci_low": low, "ci_high": high,
                "p_value": _p_greater(values),
            }
            continue
        per_score[name] = None
    primary = per_score[PRIMARY_SCORE]
    assert primary is not None
    return {
        "score": PRIMARY_SCORE,
        **primary,
        "n_items": len(parents),
        "n_variants": sum(len(by_parent[p]) for p in parents),
        "scores": per_score,
    }


def auroc_by_score(
    scores: Mapping[str, TextScores | None], labels: Mapping[str, int]
) -> dict[str, float | None]:
    """AUROC of each score (higher = member) over the scored items that `labels` knows.

    None for a score when either class is empty or the score is missing on some item.
    """
    from sklearn.metrics import roc_auc_score

    known = [(labels[i], s) for i, s in sorted(scores.items()) if i in labels and s is not None]
    result: dict[str, float | None] = {}
    for name in SCORE_NAMES:
        values = [s.get(name) for _, s in known]
        truth = [y for y, _ in known]
        if not known or len(set(truth)) < 2 or any(v is None for v in values):
            result[name] = None
        else:
            result[name] = float(roc_auc_score(truth, values))
    return result
