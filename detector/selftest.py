"""`detect selftest`: false flags on realistic honest nulls and power on contaminated models.

Honest simulated models (detector.models.simulated) find every family harder (2-15 points),
carry an item's difficulty over to its variants (latent correlation 0.8), and some have a
position bias and the letter habit on relabelled options; contaminated ones memorized 20%
of the originals, either with today's strong signature (stale answers, verbatim
continuations) or answer-only (originals right, no trace on variants). One variant set per
size (100, 300 and all --items items); each trial re-draws only the models' seeds, answers
every prompt, and scores and analyses the run exactly as `detect probe` does.

A model counts as flagged when its verdict is suspicious or likely_overfit. The selftest
fails when any honest null is flagged in more than MAX_FALSE_FLAG_RATE of trials at any size,
or when 20% strong-signature contamination is found in fewer than MIN_DETECTION_RATE of trials
at DETECTION_SIZE items. Answer-only power is reported as measured.

When more items are asked for than the sources hold, items are reused: the r-th reuse of an
item gets the id `<id>#r<r>` and a tag `[set <letters>]` before its question, so that every
prompt is distinct and its variants are drawn afresh.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from detector.plan import ProbePlan, build_plan
from detector.scoring import RowScorer
from detector.stats import analyze_scores
from detector.stats.verdict import FLAGGED
from detector.types import BenchmarkItem, GenParams, stable_seed

MAX_FALSE_FLAG_RATE = 0.05
MIN_DETECTION_RATE = 0.90
REQUIRED_FRACTION = 0.2
DETECTION_SIZE = 300
DEFAULT_SIZES = (100, 300)
DEFAULT_FRACTIONS = (0.2,)
SELFTEST_BOOTSTRAP = 200


@dataclass(frozen=True)
class SimulatedSpec:
    """One simulated model of the selftest: honest (fraction 0) or contaminated."""

    name: str
    honest: bool
    drop_range: tuple[float, float]
    position_bias: float = 0.0
    letter_habit: float = 0.0
    fraction: float = 0.0
    signature: str = "strong"

    def profile(self, families: Sequence[str], seed: int) -> Any:
        """The HonestProfile: each family's drop drawn (seeded) from `drop_range`."""
        from detector.models.simulated import HonestProfile

        low, high = self.drop_range
        drops = {
            fam: low + (high - low) * stable_seed(seed, "selftest-drop", self.name, fam) / 2**64
            for fam in families
        }
        return HonestProfile(
            accuracy=0.65, family_drop=MappingProxyType(drops), default_drop=(low + high) / 2, carry=0.8,
            position_bias=self.position_bias, letter_habit=self.letter_habit,
        )  # fmt: skip


def default_specs(fractions: Sequence[float] = DEFAULT_FRACTIONS) -> list[SimulatedSpec]:
    """The honest nulls and the contaminated models the selftest runs."""
    specs = [
        SimulatedSpec("honest/mild-drop", True, (2.0, 5.0)),
        SimulatedSpec("honest/hard-drop", True, (10.0, 15.0)),
        SimulatedSpec("honest/habits", True, (2.0, 15.0), position_bias=0.3, letter_habit=0.2),
    ]
    for f in fractions:
        specs.append(SimulatedSpec(f"contaminated/strong:{f:g}", False, (2.0, 15.0), fraction=f))
        specs.append(
            SimulatedSpec(
                f"contaminated/answer-only:{f:g}", False, (2.0, 15.0), fraction=f, signature="answer-only"
            )
        )
    return specs


def choose_fractions(given: Sequence[float]) -> tuple[float, ...]:
    """The contaminated fractions to test: `given` plus REQUIRED_FRACTION (DEFAULT_FRACTIONS if none).

    Raises: ValueError when a fraction is outside (0, 1].
    """
    fractions = tuple(sorted({*given, REQUIRED_FRACTION})) if given else DEFAULT_FRACTIONS
    if any(not 0.0 < f <= 1.0 for f in fractions):
        raise ValueError(f"--fraction values must be in (0, 1], got {', '.join(map(str, fractions))}")
    return fractions


def choose_sizes(n_items: int) -> tuple[int, ...]:
    """100, 300 (where below `n_items`) and `n_items` itself: the sizes a selftest reports."""
    return tuple(sorted({*(s for s in DEFAULT_SIZES if s < n_items), n_items}))


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
    """Flag rates by model and size over trials, and whether they meet the thresholds."""

    sizes: tuple[int, ...]
    prompts: dict[int, int]
    trials: int
    specs: tuple[SimulatedSpec, ...]
    flag_rates: dict[str, dict[int, float]]
    verdict_counts: dict[str, dict[int, dict[str, int]]]
    seconds: float

    @property
    def detection_size(self) -> int:
        """DETECTION_SIZE when it was run, else the largest size."""
        return DETECTION_SIZE if DETECTION_SIZE in self.sizes else max(self.sizes)

    def failures(self) -> list[str]:
        """Each threshold missed, in words (empty when the selftest passes)."""
        out: list[str] = []
        for spec in self.specs:
            for size, rate in self.flag_rates[spec.name].items():
                if spec.honest and rate > MAX_FALSE_FLAG_RATE:
                    out.append(f"{spec.name} flagged in {rate:.1%} of trials at {size} items")
        required = f"contaminated/strong:{REQUIRED_FRACTION:g}"
        if required in self.flag_rates:
            rate = self.flag_rates[required].get(self.detection_size, 0.0)
            if rate < MIN_DETECTION_RATE:
                out.append(f"{required} found in {rate:.1%} of trials at {self.detection_size} items")
        return out

    @property
    def passed(self) -> bool:
        return not self.failures()


_WORKER: dict[str, Any] = {}


def _init_worker(
    plans: dict[int, ProbePlan], specs: list[SimulatedSpec], families: list[str], seed: int, n_boot: int
) -> None:
    """Set up a worker process: the plans, their answer keys and scorers that remember."""
    from detector.models import AnswerKey

    keys, scorers = {}, {}
    for size, plan in plans.items():
        key = AnswerKey()
        key.register_plan(plan)
        keys[size], scorers[size] = key, RowScorer(plan.rows)
    _WORKER.update(plans=plans, specs=specs, families=families, seed=seed, n_boot=n_boot, keys=keys,
                   scorers=scorers)  # fmt: skip


def _run_trial(trial: int) -> dict[str, dict[int, str]]:
    """One trial: every simulated model answers every size's plan; returns name -> size -> verdict."""
    from detector.models.simulated import SimulatedModel

    model_seed = stable_seed(_WORKER["seed"], "selftest-trial", trial) % 2**32
    verdicts: dict[str, dict[int, str]] = {}
    for spec in _WORKER["specs"]:
        profile = spec.profile(_WORKER["families"], _WORKER["seed"])
        verdicts[spec.name] = {}
        for size, plan in _WORKER["plans"].items():
            model = SimulatedModel(
                spec.name, _WORKER["keys"][size], profile=profile, memorized_fraction=spec.fraction,
                signature=spec.signature, seed=model_seed,
            )  # fmt: skip
            generations = model.generate(plan.prompts, GenParams(max_tokens=512, temperature=0.0))
            scores = _WORKER["scorers"][size].score(
                [g.text if g.error is None else None for g in generations]
            )
            analysis = analyze_scores(scores, seed=_WORKER["seed"] + trial, n_boot=_WORKER["n_boot"])
            verdicts[spec.name][size] = str(analysis["verdict"])
    return verdicts


def run_selftest(
    plans: Mapping[int, ProbePlan],
    *,
    trials: int,
    specs: Sequence[SimulatedSpec] | None = None,
    families: Sequence[str] = (),
    seed: int = 0,
    n_boot: int = SELFTEST_BOOTSTRAP,
    workers: int = 1,
    on_trial: Callable[[int], None] | None = None,
) -> SelftestResult:
    """Run every simulated model on every size's plan for `trials` seeds and count flags.

    With `workers` > 1, trials run in that many spawned processes; results do not depend on it.
    """
    started = time.perf_counter()
    chosen = list(specs) if specs is not None else default_specs()
    fams = sorted(
        {str(row.family) for plan in plans.values() for row in plan.rows if row.family} | set(families)
    )
    counts: dict[str, dict[int, dict[str, int]]] = {s.name: {size: {} for size in plans} for s in chosen}
    done = 0

    def record(verdicts: dict[str, dict[int, str]]) -> None:
        nonlocal done
        for name, by_size in verdicts.items():
            for size, verdict in by_size.items():
                counts[name][size][verdict] = counts[name][size].get(verdict, 0) + 1
        done += 1
        if on_trial is not None:
            on_trial(done)

    plan_map = dict(plans)
    if workers <= 1 or trials <= 1:
        _init_worker(plan_map, chosen, fams, seed, n_boot)
        for trial in range(trials):
            record(_run_trial(trial))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            min(workers, trials), mp_context=context, initializer=_init_worker,
            initargs=(plan_map, chosen, fams, seed, n_boot),
        ) as pool:  # fmt: skip
            for future in as_completed([pool.submit(_run_trial, t) for t in range(trials)]):
                record(future.result())

    rates = {
        name: {
            size: sum(v for k, v in by.items() if k in FLAGGED) / max(trials, 1) for size, by in sizes.items()
        }
        for name, sizes in counts.items()
    }
    return SelftestResult(
        sizes=tuple(sorted(plans)), prompts={size: len(p.rows) for size, p in plans.items()}, trials=trials,
        specs=tuple(chosen), flag_rates=rates, verdict_counts=counts, seconds=time.perf_counter() - started,
    )  # fmt: skip


def plan_selftest(
    items: Sequence[BenchmarkItem], *, n_items: int, families: Sequence[str], per_item: int, seed: int
) -> ProbePlan:
    """The one variant set all trials of one size share, built from `n_items` (reused/tagged) items."""
    from detector.variants import make_variants

    chosen = expand_items(items, n_items, seed)
    variant_set = make_variants(chosen, families, per_item, seed)
    return build_plan(chosen, variant_set.variants, variant_set_sha256=variant_set.sha256)
