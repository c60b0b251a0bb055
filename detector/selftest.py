"""`detect selftest`: check the instrument on control models with known contamination.

One variant set is built once; each trial re-draws only the control model's seed (which
decides its right/wrong draws and which originals it memorized), answers every prompt,
scores and analyses the run in memory exactly as `detect probe` does, and records the
verdict. The false-flag rate is the share of non-clean verdicts on `control/clean`; the
detection rate is the share of non-clean verdicts on `control/contaminated:F`.

When more items are asked for than the sources hold, items are reused: the r-th reuse of an
item gets the id `<id>#r<r>` and a tag `[set <letters>]` before its question, so that every
prompt is distinct and its variants are drawn afresh.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from detector.plan import ProbePlan, build_plan
from detector.scoring import RowScorer
from detector.stats import analyze_scores
from detector.types import BenchmarkItem, GenParams, stable_seed

MAX_FALSE_FLAG_RATE = 0.05
MIN_DETECTION_RATE = 0.90
REQUIRED_FRACTION = 0.2
DEFAULT_FRACTIONS = (0.2, 0.5)
SELFTEST_BOOTSTRAP = 500


def choose_fractions(given: Sequence[float]) -> tuple[float, ...]:
    """The contaminated fractions to test: `given` plus REQUIRED_FRACTION (DEFAULT_FRACTIONS if none).

    The required fraction is always tested, so that a pass always means both checks passed.

    Raises: ValueError when a fraction is outside (0, 1].
    """
    fractions = tuple(sorted({*given, REQUIRED_FRACTION})) if given else DEFAULT_FRACTIONS
    if any(not 0.0 < f <= 1.0 for f in fractions):
        raise ValueError(f"--fraction values must be in (0, 1], got {', '.join(map(str, fractions))}")
    return fractions


def _letters(n: int) -> str:
    out = ""
    while True:
        n, rem = divmod(n, 26)
        out = chr(ord("A") + rem) + out
        if n == 0:
            return out
        n -= 1


def expand_items(items: Sequence[BenchmarkItem], n: int, seed: int) -> list[BenchmarkItem]:
    """`n` items: a seeded sample when the pool is big enough, else the pool cycled with tagged copies."""
    if n <= len(items):
        chosen = sorted(random.Random(stable_seed(seed, "selftest-items")).sample(range(len(items)), n))
        return [items[i] for i in chosen]
    out = list(items)
    copy = 1
    while len(out) < n:
        for item in items[: n - len(out)]:
            out.append(
                dataclasses.replace(
                    item,
                    item_id=f"{item.item_id}#r{copy}",
                    question=f"[set {_letters(copy)}] {item.question}",
                )
            )
        copy += 1
    return out


@dataclass(frozen=True)
class SelftestResult:
    """Rates over trials and whether they meet the thresholds."""

    n_items: int
    n_variants: int
    n_prompts: int
    trials: int
    clean_flag_rate: float
    detection_rates: dict[float, float]
    verdict_counts: dict[str, dict[str, int]]
    seconds: float

    @property
    def passed(self) -> bool:
        detected = self.detection_rates.get(REQUIRED_FRACTION)
        return self.clean_flag_rate <= MAX_FALSE_FLAG_RATE and (
            detected is None or detected >= MIN_DETECTION_RATE
        )


_WORKER: dict[str, Any] = {}


def _init_worker(plan: ProbePlan, specs: list[tuple[str, float]], seed: int, n_boot: int) -> None:
    """Set up a worker process: the shared plan, its answer key and a scorer that remembers."""
    from detector.models import AnswerKey

    key = AnswerKey()
    key.register_plan(plan)
    _WORKER.update(plan=plan, specs=specs, seed=seed, n_boot=n_boot, key=key, scorer=RowScorer(plan.rows))


def _run_trial(trial: int) -> dict[str, str]:
    """One trial: every control model answers with this trial's seed; returns name -> verdict."""
    from detector.models import ControlModel

    plan: ProbePlan = _WORKER["plan"]
    model_seed = stable_seed(_WORKER["seed"], "selftest-trial", trial) % 2**32
    verdicts = {}
    for name, fraction in _WORKER["specs"]:
        model = ControlModel(name, _WORKER["key"], memorized_fraction=fraction, seed=model_seed)
        generations = model.generate(plan.prompts, GenParams(max_tokens=512, temperature=0.0))
        scores = _WORKER["scorer"].score([g.text if g.error is None else None for g in generations])
        analysis = analyze_scores(scores, seed=_WORKER["seed"] + trial, n_boot=_WORKER["n_boot"])
        verdicts[name] = str(analysis["verdict"])
    return verdicts


def run_selftest(
    plan: ProbePlan,
    *,
    trials: int,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    n_boot: int = SELFTEST_BOOTSTRAP,
    workers: int = 1,
    on_trial: Callable[[int], None] | None = None,
) -> SelftestResult:
    """Query control models on `plan` for `trials` seeds and count non-clean verdicts.

    With `workers` > 1, trials run in that many spawned processes; results do not depend on it.
    """
    started = time.perf_counter()
    specs = [("control/clean", 0.0)] + [(f"control/contaminated:{f:g}", f) for f in fractions]
    counts: dict[str, dict[str, int]] = {name: {} for name, _ in specs}
    done = 0

    def record(verdicts: dict[str, str]) -> None:
        nonlocal done
        for name, verdict in verdicts.items():
            counts[name][verdict] = counts[name].get(verdict, 0) + 1
        done += 1
        if on_trial is not None:
            on_trial(done)

    if workers <= 1 or trials <= 1:
        _init_worker(plan, specs, seed, n_boot)
        for trial in range(trials):
            record(_run_trial(trial))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            min(workers, trials), mp_context=context, initializer=_init_worker,
            initargs=(plan, specs, seed, n_boot),
        ) as pool:  # fmt: skip
            for future in as_completed([pool.submit(_run_trial, t) for t in range(trials)]):
                record(future.result())

    def flagged(name: str) -> float:
        return sum(v for k, v in counts[name].items() if k != "clean") / max(trials, 1)

    return SelftestResult(
        n_items=len(plan.items), n_variants=len(plan.variants), n_prompts=len(plan.rows), trials=trials,
        clean_flag_rate=flagged("control/clean"),
        detection_rates={f: flagged(name) for name, f in specs[1:]},
        verdict_counts=counts, seconds=time.perf_counter() - started,
    )  # fmt: skip


def plan_selftest(
    items: Sequence[BenchmarkItem], *, n_items: int, families: Sequence[str], per_item: int, seed: int
) -> ProbePlan:
    """The one variant set all trials share, built from `n_items` (reused/tagged) items."""
    from detector.variants import make_variants

    chosen = expand_items(items, n_items, seed)
    variant_set = make_variants(chosen, families, per_item, seed)
    return build_plan(chosen, variant_set.variants, variant_set_sha256=variant_set.sha256)
