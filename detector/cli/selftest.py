"""`detect selftest`."""

from __future__ import annotations

import typer

from detector.cli.errors import EXIT_INTERRUPTED, fail

HELP = (
    "Check the verdict on simulated models: false flags on honest nulls, power on contaminated ones."
    "\n\n"
    "Builds one variant set per size: 100, 300 and --items items (the bundled fixtures, or --benchmark "
    "sources; when more items are asked for than exist, items are reused as tagged copies with fresh "
    "variants). Each trial re-draws the simulated models' seeds: three honest nulls that find every "
    "family harder by 2-5 or 10-15 points (or 2-15 with position bias and the letter habit on relabelled "
    "options), with item difficulty carried over (correlation 0.8), and models that memorized --fraction "
    "of the originals with the strong signature (stale answers, verbatim continuations) or answer-only "
    "(no trace on variants). Every run is scored and analysed exactly as `detect probe` does. It passes "
    "when no honest null is flagged (suspicious or likely_overfit) in more than 5% of trials at any size "
    "and 20% strong-signature contamination is flagged in at least 90% of trials at 300 items. "
    "Answer-only power is printed as measured. Offline; the defaults take a few minutes on one core."
    "\n\n"
    "Examples:\n"
    "  detect selftest                                   # 100, 300, 1000 items; 20 trials\n"
    "  detect selftest --items 300 --trials 200 --fraction 0.1\n"
    "  detect selftest --benchmark gsm8k --family numeric --workers 4"
    "\n\n"
    "Exit codes: 0 calibrated; 1 a rate missed its threshold; 2 bad input; 130 interrupted."
)

EXIT_MISCALIBRATED = 1


def selftest(
    items: int = typer.Option(1000, "--items", min=10, help="Items at the largest size (also 100 and 300)."),
    trials: int = typer.Option(20, "--trials", min=1, help="Trials (simulated-model seeds) per size."),
    fraction: list[float] = typer.Option(
        [],
        "--fraction",
        help="Contaminated fraction to test (repeatable; 0.2 is always tested).",
    ),
    benchmark: list[str] = typer.Option(
        [], "--benchmark", "-b", help="Item sources (default: bundled fixtures)."
    ),
    family: list[str] = typer.Option([], "--family", "-f", help="Perturbation families (default: all)."),
    per_item: int = typer.Option(1, "--per-item", min=1, help="Variants per item and family."),
    seed: int = typer.Option(0, "--seed", help="Seed of the variant sets and of the trial seeds."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Processes running trials (results do not depend on it)."
    ),
) -> None:
    from rich.table import Table

    from detector.benchmarks import load_sources
    from detector.pipeline import check_families
    from detector.progress import track
    from detector.report.summary import wide_console
    from detector.selftest import (
        MAX_FALSE_FLAG_RATE,
        MIN_DETECTION_RATE,
        choose_fractions,
        choose_sizes,
        default_specs,
        plan_selftest,
        run_selftest,
    )
    from detector.stats.verdict import VERDICTS
    from detector.types import BenchmarkFormatError

    console = wide_console()
    try:
        fractions = choose_fractions(fraction)
        loaded = load_sources(benchmark, None)
        pool = [item for bench in loaded for item in bench.items]
        if not pool:
            fail("no items to test with")
        families = check_families(family)
        with console.status("building the variant sets"):
            plans = {
                size: plan_selftest(pool, n_items=size, families=families, per_item=per_item, seed=seed)
                for size in choose_sizes(items)
            }
    except (BenchmarkFormatError, ValueError) as error:
        fail(str(error))
    for size, plan in plans.items():
        console.print(f"{size} items: {len(plan.variants)} variants, {len(plan.rows)} prompts per model")
    try:
        with track("selftest", trials, "trials", transient=True) as tracker:
            result = run_selftest(
                plans, trials=trials, specs=default_specs(fractions), families=families, seed=seed,
                workers=workers, on_trial=tracker.update,
            )  # fmt: skip
    except KeyboardInterrupt:  # not exit 1, which means "miscalibrated"
        fail("interrupted before all trials ran: no rates", EXIT_INTERRUPTED)
    table = Table(title=f"share of {trials} trials flagged (suspicious or likely_overfit)")
    table.add_column("model")
    table.add_column("measures")
    for size in result.sizes:
        table.add_column(f"{size} items", justify="right")
    for spec in result.specs:
        kind = "false flags" if spec.honest else "power"
        table.add_row(spec.name, kind, *(f"{result.flag_rates[spec.name][s]:.1%}" for s in result.sizes))
    console.print(table)
    console.print(
        f"thresholds: honest nulls <= {MAX_FALSE_FLAG_RATE:.0%} at every size; contaminated/strong:0.2 "
        f">= {MIN_DETECTION_RATE:.0%} at {result.detection_size} items"
    )
    console.print("verdicts per size (no_evidence/suspicious/likely_overfit/inconclusive):")
    width = max(len(spec.name) for spec in result.specs)
    for spec in result.specs:
        counts = result.verdict_counts[spec.name]
        cells = "  ".join(
            f"{size}: " + "/".join(str(counts[size].get(v, 0)) for v in VERDICTS) for size in result.sizes
        )
        console.print(f"  {spec.name:<{width}}  {cells}", markup=False, highlight=False)
    console.print(f"time: {result.seconds:.1f} s for {trials} trials")
    if not result.passed:
        for line in result.failures():
            console.print(f"missed: {line}", markup=False, highlight=False)
        console.print("[bold red]selftest FAILED: the instrument is not calibrated[/bold red]")
        raise typer.Exit(EXIT_MISCALIBRATED)
    console.print("[green]selftest passed[/green]")
