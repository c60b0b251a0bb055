"""`detect selftest`."""

from __future__ import annotations

import os

import typer

from detector.cli.errors import EXIT_INTERRUPTED, fail

HELP = (
    "Check the instrument on control models: false-flag rate on clean, detection rate on contaminated."
    "\n\n"
    "Builds one variant set from --items items (the bundled fixtures, or --benchmark sources; when "
    "more items are asked for than exist, items are reused as tagged copies with fresh variants), "
    "then runs --trials trials. Each trial re-draws the control models' seed only: control/clean and "
    "control/contaminated:F for each --fraction answer every prompt, and the run is scored and "
    "analysed exactly as `detect probe` does. It passes when at most 5% of clean trials get a "
    "non-clean verdict and at least 90% of trials at 20% contamination are flagged. Offline; the "
    "defaults take about two minutes on two cores."
    "\n\n"
    "Examples:\n"
    "  detect selftest                                   # 1000 items, 200 trials\n"
    "  detect selftest --items 300 --trials 50 --fraction 0.1 --fraction 0.2\n"
    "  detect selftest --benchmark gsm8k --family numeric --workers 4"
    "\n\n"
    "Exit codes: 0 calibrated; 1 a rate missed its threshold; 2 bad input; 130 interrupted."
)

EXIT_MISCALIBRATED = 1


def selftest(
    items: int = typer.Option(1000, "--items", min=10, help="Items in the shared variant set."),
    trials: int = typer.Option(200, "--trials", min=1, help="Trials (control-model seeds)."),
    fraction: list[float] = typer.Option(
        [],
        "--fraction",
        help="Contaminated fraction to test (repeatable; 0.2 is always tested; default 0.2 and 0.5).",
    ),
    benchmark: list[str] = typer.Option(
        [], "--benchmark", "-b", help="Item sources (default: bundled fixtures)."
    ),
    family: list[str] = typer.Option([], "--family", "-f", help="Perturbation families (default: all)."),
    per_item: int = typer.Option(1, "--per-item", min=1, help="Variants per item and family."),
    seed: int = typer.Option(0, "--seed", help="Seed of the variant set and of the trial seeds."),
    workers: int = typer.Option(
        min(os.cpu_count() or 1, 8),
        "--workers",
        min=1,
        help="Processes running trials (results do not depend on it).",
    ),
) -> None:
    from rich.console import Console

    from detector.benchmarks import load_sources
    from detector.pipeline import check_families
    from detector.progress import track
    from detector.selftest import (
        MAX_FALSE_FLAG_RATE,
        MIN_DETECTION_RATE,
        REQUIRED_FRACTION,
        choose_fractions,
        plan_selftest,
        run_selftest,
    )
    from detector.types import BenchmarkFormatError

    console = Console()
    try:
        fractions = choose_fractions(fraction)
        loaded = load_sources(benchmark, None)
        pool = [item for bench in loaded for item in bench.items]
        if not pool:
            fail("no items to test with")
        with console.status("building the variant set"):
            plan = plan_selftest(
                pool, n_items=items, families=check_families(family), per_item=per_item, seed=seed
            )
    except (BenchmarkFormatError, ValueError) as error:
        fail(str(error))
    console.print(
        f"{len(plan.items)} items, {len(plan.variants)} variants, {len(plan.rows)} prompts per model"
    )
    try:
        with track("selftest", trials, "trials", transient=True) as tracker:
            result = run_selftest(
                plan, trials=trials, fractions=fractions, seed=seed, workers=workers,
                on_trial=tracker.update,
            )  # fmt: skip
    except KeyboardInterrupt:  # not exit 1, which means "miscalibrated"
        fail("interrupted before all trials ran: no rates", EXIT_INTERRUPTED)
    console.print(
        f"false flags on control/clean: {result.clean_flag_rate:.1%} of {trials} trials "
        f"(must be <= {MAX_FALSE_FLAG_RATE:.0%})"
    )
    for f, rate in result.detection_rates.items():
        need = f" (must be >= {MIN_DETECTION_RATE:.0%})" if f == REQUIRED_FRACTION else ""
        console.print(f"detected control/contaminated:{f:g}: {rate:.1%} of {trials} trials{need}")
    console.print(f"verdicts: {result.verdict_counts}", markup=False, highlight=False)
    console.print(f"time: {result.seconds:.1f} s for {trials} trials")
    if not result.passed:
        console.print("[bold red]selftest FAILED: the instrument is not calibrated[/bold red]")
        raise typer.Exit(EXIT_MISCALIBRATED)
    console.print("[green]selftest passed[/green]")
