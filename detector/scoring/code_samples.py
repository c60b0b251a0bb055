"""pass@k of a model on code items: n sampled replies per item, each run against the tests.

The caller supplies `generate` (e.g. `Runner.generate`: cached, concurrent, retried); sample i
is asked with `GenParams(sample_index=i)` at a temperature above 0, so the response cache keeps
the samples apart. A failed request is not a sample: it is counted in `failed_requests`, and
that item's n is smaller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from detector.execution import Executor
from detector.scoring.code import score_code_replies
from detector.scoring.pass_at_k import pass_at_k
from detector.types import BenchmarkItem, Generation, GenParams

Generate = Callable[[list[str], GenParams], list[Generation]]


@dataclass(frozen=True, slots=True)
class PassAtK:
    """Samples and passes per item, pass@k for each k (over items with at least k samples)."""

    samples: dict[str, tuple[int, int]]
    pass_at: dict[int, float]
    failed_requests: int


def sample_pass_at_k(generate: Generate, items: Sequence[BenchmarkItem], n: int, ks: Sequence[int] = (1,),
                     *, temperature: float = 0.8, max_tokens: int = 512,
                     executor: Executor | None = None) -> PassAtK:  # fmt: skip
    """Ask every item's prompt n times and estimate pass@k (Chen et al. 2021) for each k.

    Raises: ValueError for n < 1, a k outside 1..n, a temperature of 0 (samples would repeat)
    or an item that is not a code item.
    """
    from detector.prompts import render_prompt

    if n < 1 or any(not 1 <= k <= n for k in ks):
        raise ValueError(f"need n >= 1 and every k in 1..n, got n={n}, ks={list(ks)}")
    if temperature <= 0:
        raise ValueError("pass@k from n samples needs a temperature above 0")
    bad = [item.item_id for item in items if item.metadata.get("kind") != "code"]
    if bad:
        raise ValueError(f"not code items: {', '.join(bad[:5])}")
    prompts = [render_prompt(item) for item in items]
    counts = {item.item_id: [0, 0] for item in items}
    failed = 0
    for sample in range(n):
        params = GenParams(max_tokens=max_tokens, temperature=temperature, sample_index=sample)
        generations = generate(prompts, params)
        answered = [(item, g.text) for item, g in zip(items, generations, strict=True) if g.error is None]
        failed += len(items) - len(answered)
        scores = score_code_replies([a[0] for a in answered], [a[1] or "" for a in answered], executor)
        for (item, _), score in zip(answered, scores, strict=True):
            counts[item.item_id][0] += 1
            counts[item.item_id][1] += bool(score.correct)
    pass_at: dict[int, float] = {}
    for k in ks:
        eligible = [(total, right) for total, right in counts.values() if total >= k]
        if eligible:
            pass_at[k] = sum(pass_at_k(total, right, k) for total, right in eligible) / len(eligible)
    return PassAtK({i: (c[0], c[1]) for i, c in counts.items()}, pass_at, failed)
