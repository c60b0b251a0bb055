"""pass@k from n samples per task: the unbiased estimator of Chen et al. (2021, "Evaluating Large
Language Models Trained on Code"), 1 - C(n - c, k) / C(n, k), computed as a stable product."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """The probability that at least one of k samples drawn from n (c of them correct) passes.

    Raises: ValueError unless 0 <= c <= n and 1 <= k <= n.
    """
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    product = 1.0
    for i in range(n - c + 1, n + 1):
        product *= 1.0 - k / i
    return 1.0 - product


def mean_pass_at_k(results: Mapping[str, Sequence[bool]], k: int) -> float:
    """pass@k averaged over tasks, each with its own list of sample outcomes.

    Raises: ValueError for no tasks or a task with fewer than k samples.
    """
    if not results:
        raise ValueError("pass@k of no tasks")
    short = [task for task, samples in results.items() if len(samples) < k]
    if short:
        raise ValueError(f"pass@{k} needs at least {k} samples per task; fewer for {', '.join(short[:5])}")
    return sum(pass_at_k(len(s), sum(map(bool, s)), k) for s in results.values()) / len(results)
