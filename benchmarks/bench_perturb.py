"""Perturbation engine benchmarks (not tests): speed per family and GSM8K numeric coverage.

Run from the project root:  python benchmarks/bench_perturb.py [--gsm8k PATH] [--skip-coverage]

1. Speed: variants per second of each rule-based family on one core (this process), measured with
   `make_variants` (verification included) on the bundled fixtures, and the ratio to 2,000/s.
2. Coverage (needs ../shared/data/gsm8k/test.jsonl; `--gsm8k .../train.jsonl` runs the 7,473 train
   items, which the rules were not written on): the share of the 1,319 GSM8K test items with
   >= 3 distinct `numeric` variants (target 80%), a check that re-executing each kept item's chain
   with its original numbers reproduces its `####` answer, and the reasons items were skipped.
3. Speed on GSM8K: `numeric` cold (first run, templates built) and warm, and `paraphrase`.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

from detector.benchmarks import load_benchmark, load_default_benchmarks
from detector.types import BenchmarkItem
from detector.variants import VariantSet, make_variants
from probes import PROBES
from probes.numeric.probe import NumericProbe
from probes.numeric.solution.chain import ChainError
from probes.numeric.template.build import build_template
from probes.numeric.template.execution import execute

TARGET_RATE = 2000.0
TARGET_COVERAGE = 0.80
DEFAULT_GSM8K = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gsm8k" / "test.jsonl"


def measure_speed(items: list[BenchmarkItem], per_item: int = 3, seed: int = 0, repeats: int = 3) -> None:
    """Best of `repeats` timings per family, in CPU seconds of this process (`time.process_time`):
    on a shared machine wall time also counts other processes' work."""
    print(f"Speed on {len(items)} fixture items, per_item={per_item}, one process (one core), "
          f"best of {repeats}, CPU time:")
    print(f"  {'family':<18} {'variants':>9} {'cpu_s':>8} {'variants/s':>11} {'ratio to 2,000/s':>17}")
    total_variants, total_seconds = 0, 0.0
    for family in PROBES:
        timings = []
        for _ in range(repeats):
            start = time.process_time()
            made = len(make_variants(items, [family], per_item, seed).variants)
            timings.append(time.process_time() - start)
        seconds = min(timings)
        total_variants += made
        total_seconds += seconds
        rate = made / seconds if seconds else float("inf")
        print(f"  {family:<18} {made:>9} {seconds:>8.3f} {rate:>11.0f} {rate / TARGET_RATE:>17.2f}")
    rate = total_variants / total_seconds
    print(f"  {'all families':<18} {total_variants:>9} {total_seconds:>8.3f} {rate:>11.0f} "
          f"{rate / TARGET_RATE:>17.2f}")


def measure_gsm8k_speed(items: list[BenchmarkItem], variant_set: VariantSet, cold_cpu_s: float, name: str,
                        per_item: int = 3, seed: int = 0, repeats: int = 3) -> None:
    """Rates on the real GSM8K test set: numeric cold (its first run builds every item's template)
    and warm (templates cached, best of `repeats`), and paraphrase (best of `repeats`)."""
    print(f"\nSpeed on {name} ({len(items)} items, per_item={per_item}), one process, CPU time:")
    print(f"  {'family':<24} {'variants':>9} {'cpu_s':>8} {'variants/s':>11} {'ratio to 2,000/s':>17}")
    rows = [("numeric (cold)", len(variant_set.variants), cold_cpu_s)]
    for family in ("numeric", "paraphrase"):
        timings = []
        for _ in range(repeats):
            start = time.process_time()
            made = len(make_variants(items, [family], per_item, seed).variants)
            timings.append(time.process_time() - start)
        rows.append((f"{family} (warm)" if family == "numeric" else family, made, min(timings)))
    for name, made, seconds in rows:
        rate = made / seconds if seconds else float("inf")
        print(f"  {name:<24} {made:>9} {seconds:>8.3f} {rate:>11.0f} {rate / TARGET_RATE:>17.2f}")


def measure_coverage(path: Path, per_item: int = 3, seed: int = 0) -> None:
    items = list(load_benchmark(path).items)
    start, cpu_start = time.perf_counter(), time.process_time()
    variant_set = make_variants(items, ["numeric"], per_item, seed)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    distinct: dict[str, set[str]] = {}
    for variant in variant_set.variants:
        distinct.setdefault(variant.parent_id, set()).add(variant.item.question)
    covered = sum(len(questions) >= 3 for questions in distinct.values())
    probe = NumericProbe()
    identity_failures = 0
    for item in items:
        if item.item_id not in distinct:
            continue
        template = probe.template(item)
        results, _ = execute(template, [var.value for var in template.variables])
        if template.final_answer(results[-1]) != Fraction(item.answer.replace(",", "")):
            identity_failures += 1
    rederived = Counter()  # each variant's own question + rewritten solution, re-derived from scratch
    for variant in variant_set.variants:
        try:
            own = build_template(variant.item.question, variant.item.solution or "", variant.item.answer)
        except ChainError as exc:
            rederived[f"not re-derivable ({exc.reason})"] += 1
            continue
        own_results, _ = execute(own, [var.value for var in own.variables])
        same = own.final_answer(own_results[-1]) == Fraction(variant.item.answer)
        rederived["same gold" if same else "DIFFERENT gold"] += 1
    summary = variant_set.summaries[0]
    few = Counter(min(len(q), 3) for q in distinct.values())
    print(f"\nGSM8K numeric coverage on {path} ({len(items)} items, per_item={per_item}, seed={seed}):")
    print(f"  items with >= 3 distinct variants: {covered} = {covered / len(items):.1%} "
          f"(target {TARGET_COVERAGE:.0%}; ratio {covered / len(items) / TARGET_COVERAGE:.2f})")
    print(f"  items with 1 / 2 distinct variants: {few[1]} / {few[2]}")
    print(f"  identity re-execution reproduces ####: {len(distinct) - identity_failures} of {len(distinct)} "
          f"kept items ({identity_failures} failures)")
    print(f"  variants re-derived from their own text (identity re-execution): {dict(rederived)}")
    print(f"  variants: {len(variant_set.variants)} in {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU "
          f"({len(variant_set.variants) / cpu_seconds:.0f} variants per CPU second on {path.name})")
    print("  items skipped (no variant), by reason:")
    for reason, count in sorted(summary.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"    {reason:<28} {count:>5}")
    print(f"  draws rejected, by reason: {dict(summary.rejected)}")
    measure_gsm8k_speed(items, variant_set, cpu_seconds, path.name, per_item, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gsm8k", type=Path, default=DEFAULT_GSM8K)
    parser.add_argument("--skip-coverage", action="store_true")
    args = parser.parse_args()
    items = [item for bench in load_default_benchmarks() for item in bench.items]
    measure_speed(items)
    if args.skip_coverage:
        return
    if not args.gsm8k.exists():
        print(f"\n{args.gsm8k} not found: coverage not measured")
        return
    measure_coverage(args.gsm8k)


if __name__ == "__main__":
    main()
