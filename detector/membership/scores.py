"""Likelihood membership scores of one text: mean token log-prob, Min-K% Prob, Min-K%++.

Higher means "more likely seen in training" for all three.
- Min-K% Prob (Shi et al. 2023): the mean of the k% lowest token log-probs.
- Min-K%++ (Zhang et al. 2024): each token's log-prob standardised by the mean and standard
  deviation of log p over the vocabulary at that position, then the mean of the k% lowest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from detector.types import TokenLogprobs

DEFAULT_K = 0.2
SCORE_NAMES = ("mean_logprob", "min_k", "min_k_plus_plus")


def _lowest_mean(values: Sequence[float], k: float) -> float:
    """Mean of the ceil-free `int(n * k)` lowest values, at least one (as the reference code, but
    never empty)."""
    if not 0 < k <= 1:
        raise ValueError(f"k must be in (0, 1], got {k}")
    if not values:
        raise ValueError("no tokens to score")
    count = max(1, int(len(values) * k))
    lowest = sorted(values)[:count]
    return sum(lowest) / count


def mean_logprob(logprobs: Sequence[float]) -> float:
    """The mean token log-probability (natural log)."""
    if not logprobs:
        raise ValueError("no tokens to score")
    return sum(logprobs) / len(logprobs)


def min_k_prob(logprobs: Sequence[float], k: float = DEFAULT_K) -> float:
    """Min-K% Prob: the mean of the lowest `k` fraction of token log-probs."""
    return _lowest_mean(logprobs, k)


def min_k_plus_plus(
    logprobs: Sequence[float], means: Sequence[float], variances: Sequence[float], k: float = DEFAULT_K
) -> float:
    """Min-K%++: mean of the lowest `k` fraction of (log p(x_t) - mu_t) / sigma_t, where mu_t and
    sigma_t^2 are the mean and variance of log p(. | x_<t) under the model's own distribution.

    Raises:
        ValueError: when the three sequences differ in length.
    """
    if not len(logprobs) == len(means) == len(variances):
        raise ValueError(
            f"logprobs, means and variances differ in length: {len(logprobs)}, {len(means)}, {len(variances)}"
        )
    standardised = [
        (lp - mu) / math.sqrt(max(var, 1e-12)) for lp, mu, var in zip(logprobs, means, variances, strict=True)
    ]
    return _lowest_mean(standardised, k)


@dataclass(frozen=True, slots=True)
class TextScores:
    """The three scores of one scored text; `min_k_plus_plus` is None where the backend gives no
    vocabulary statistics."""

    n_tokens: int
    mean_logprob: float
    min_k: float
    min_k_plus_plus: float | None

    def get(self, name: str) -> float | None:
        if name not in SCORE_NAMES:
            raise ValueError(f"unknown score {name!r}; valid: {', '.join(SCORE_NAMES)}")
        value: float | None = getattr(self, name)
        return value


def score_logprobs(result: TokenLogprobs, k: float = DEFAULT_K) -> TextScores:
    """All three scores of one `TokenLogprobs`.

    Raises:
        ValueError: when the result carries an error or no tokens.
    """
    if result.error is not None:
        raise ValueError(f"cannot score a failed logprobs request: {result.error}")
    plus_plus = None
    if result.mean_logprobs is not None and result.var_logprobs is not None:
        plus_plus = min_k_plus_plus(result.logprobs, result.mean_logprobs, result.var_logprobs, k)
    return TextScores(
        n_tokens=len(result.logprobs),
        mean_logprob=mean_logprob(result.logprobs),
        min_k=min_k_prob(result.logprobs, k),
        min_k_plus_plus=plus_plus,
    )
