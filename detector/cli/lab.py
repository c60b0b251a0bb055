"""`detect lab`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.cli.errors import fail

HELP = "Build twin small language models with known contamination (extra `lab`)."

app = typer.Typer(no_args_is_help=True)


@app.command("build")
def build(
    out: Annotated[Path, typer.Option("--out", help="New directory for the twins and lab.json.")],
    benchmark: Annotated[
        str, typer.Option("--benchmark", help="Benchmark to contaminate: a file, a fixture name or hub:NAME.")
    ] = "gsm8k",
    background: Annotated[
        str | None,
        typer.Option("--background", help="Background text: a benchmark-format file disjoint from the "
                     "benchmark (e.g. GSM8K train). Default: generated word problems."),
    ] = None,
    contaminate: Annotated[
        int | None,
        typer.Option("--contaminate", help="Items the contaminated twin sees (default: half, at most 200)."),
    ] = None,
    exposures: Annotated[int, typer.Option("--exposures", help="Times it sees each (12 = weak).")] = 40,
    seed: Annotated[int, typer.Option("--seed", help="Seed for everything.")] = 0,
    size: Annotated[str, typer.Option("--size", help="Model and schedule preset: small or tiny.")] = "small",
    steps: Annotated[int | None, typer.Option("--steps", help="Optimiser steps per twin.")] = None,
    minutes: Annotated[
        float | None, typer.Option("--minutes", help="Pick the steps so the build takes about this long.")
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="CPU threads for torch.")] = None,
    form: Annotated[
        str, typer.Option("--form", help="What the contaminated twin sees: items, multiple_choice, "
                          "answers_only, paraphrase or ordered (detector/lab/forms.py).")
    ] = "items",
) -> None:
    """Train a clean and a contaminated twin on the same background text for the same steps."""
    import math
    from contextlib import ExitStack

    for option, value in (("--exposures", exposures), ("--contaminate", contaminate), ("--steps", steps),
                          ("--threads", threads)):
        if value is not None and value < 1:  # checked before torch loads: a typo fails at once
            fail(f"{option} {value}: must be at least 1")
    if minutes is not None and not (math.isfinite(minutes) and minutes > 0):
        fail(f"--minutes {minutes}: must be a positive number of minutes")
    from dataclasses import replace

    from detector.benchmarks import load_benchmark
    from detector.progress import Tracker, track
    from detector.types import BenchmarkFormatError

    try:
        import torch

        from detector.lab import (
            SIZES,
            LabSpec,
            build_lab,
            default_contaminate,
            load_background,
            steps_for_minutes,
        )
    except ImportError as exc:
        fail(f"`detect lab` needs the lab extra ({exc.name} missing): pip install 'detect-overfit[lab]'")
    if size not in SIZES:
        fail(f"--size {size}: unknown; valid: {', '.join(SIZES)}")
    if steps is not None and minutes is not None:
        fail("give --steps or --minutes, not both")
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # our own progress bar and summary say enough
    transformers_logging.disable_progress_bar()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        loaded = load_benchmark(benchmark)
        background_items, background_source = load_background(background, seed)
    except BenchmarkFormatError as exc:
        fail(str(exc))
    shape, settings = SIZES[size]
    if minutes is not None:
        settings = replace(settings, steps=steps_for_minutes(minutes, shape, settings))
    elif steps is not None:
        settings = replace(settings, steps=steps)
    n = contaminate if contaminate is not None else default_contaminate(len(loaded.items))
    spec = LabSpec(contaminate=n, exposures=exposures, seed=seed, shape=shape, settings=settings, form=form)

    with ExitStack() as bars:
        trackers: dict[str, Tracker] = {}

        def progress(twin: str, step: int, total: int, rate: float) -> None:
            if twin not in trackers:  # made on first use, so a bad input shows no empty bars
                bars.close()  # the twins train one after the other: one bar at a time
                trackers[twin] = bars.enter_context(track(twin, total, "steps"))
            trackers[twin].update(step, f"{rate:,.0f} tokens/s")

        try:
            manifest = build_lab(
                loaded.items, background_items, out, spec, benchmark_name=loaded.name,
                benchmark_path=loaded.path, background_source=background_source, progress=progress,
            )
        except (ValueError, FileExistsError) as exc:
            fail(str(exc))
    wall = manifest.details["wall_time_s"]
    typer.echo(
        f"built {out}/contaminated and {out}/clean: {len(manifest.contaminated_ids)} of {loaded.name}'s "
        f"{len(loaded.items)} items seen {exposures}x by the contaminated twin; "
        f"{settings.steps} steps, {manifest.tokens_per_twin:,} tokens per twin, {wall['total']:.0f} s"
    )
    from detector.lab.item_files import probe_commands

    typer.echo(
        f"ground truth: {out}/lab.json; the items as benchmarks: {out}/contaminated.jsonl (seen by the "
        f"contaminated twin) and {out}/unseen.jsonl (seen by neither). Audit with:"
    )
    for command in probe_commands(out):
        typer.echo(f"  {command}")

def _ints(text: str, option: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        fail(f"{option} {text}: expected comma-separated integers, e.g. 1,3,10,40")
    if not values:
        fail(f"{option}: give at least one value")
    return values


@app.command("sweep")
def sweep(
    out: Annotated[Path, typer.Option("--out", help="Directory for builds, runs and the sweep table/chart.")],
    benchmark: Annotated[
        str, typer.Option("--benchmark", help="Benchmark of the open-answer forms.")
    ] = "gsm8k",
    mc_benchmark: Annotated[
        str, typer.Option("--mc-benchmark", help="Benchmark of the multiple_choice form (MMLU format).")
    ] = "mmlu",
    forms: Annotated[
        str, typer.Option("--forms", help="Comma-separated forms (detector/lab/forms.py).")
    ] = "items,multiple_choice,answers_only,paraphrase,ordered",
    exposures: Annotated[str, typer.Option("--exposures", help="Comma-separated exposures.")] = "1,3,10,40",
    seeds: Annotated[str, typer.Option("--seeds", help="Comma-separated seeds (3 or more).")] = "0,1,2",
    size: Annotated[str, typer.Option("--size", help="Model preset: small or tiny.")] = "tiny",
    steps: Annotated[int | None, typer.Option("--steps", help="Optimiser steps per twin.")] = None,
    family: Annotated[list[str], typer.Option("--family", help="Probe families (default: all).")] = [],  # noqa: B006
    max_tokens: Annotated[int, typer.Option("--max-tokens", help="Tokens a twin may generate.")] = 160,
    threads: Annotated[int | None, typer.Option("--threads", help="CPU threads for torch.")] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=4, help="A seeded sample of N items per benchmark, in a seeded order "
                     "per seed (each seed publishes its own random order). Verdicts need 50+ items."),
    ] = None,
    contaminate_fraction: Annotated[
        float,
        typer.Option("--contaminate-fraction", min=0.01, max=0.99,
                     help="Share of each benchmark the contaminated twin sees; the rest is its fresh set."),
    ] = 0.5,
    only_finished: Annotated[
        bool,
        typer.Option("--only-finished", help="Tabulate the cells already built and probed; build nothing."),
    ] = False,
) -> None:
    """Build twins over a grid (form x exposures x seed), probe each with every test, and write
    sweep.json, sweep.md (detection per test and verdict; false flags on clean twins), sweep.svg
    and sweep.html. Resumable: finished builds and runs under --out are kept."""
    try:
        import torch

        from detector.lab import SIZES
        from detector.lab.forms import FORMS
        from detector.sweep import SweepSpec, run_sweep
    except ImportError as exc:
        fail(f"`detect lab sweep` needs the lab extra ({exc.name} missing): "
             "pip install 'detect-overfit[lab]'")
    form_names = tuple(f.strip() for f in forms.split(",") if f.strip())
    bad = [f for f in form_names if f not in FORMS]
    if bad or not form_names:
        fail(f"--forms {forms}: unknown form {bad[0] if bad else '(none)'}; valid: {', '.join(FORMS)}")
    if size not in SIZES:
        fail(f"--size {size}: unknown; valid: {', '.join(SIZES)}")
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    if threads is not None:
        torch.set_num_threads(threads)
    spec = SweepSpec(
        benchmark=benchmark, mc_benchmark=mc_benchmark, forms=form_names,
        exposures=_ints(exposures, "--exposures"),
        seeds=_ints(seeds, "--seeds"), size=size, steps=steps, families=tuple(family), max_tokens=max_tokens,
        limit=limit, contaminate_fraction=contaminate_fraction,
    )  # fmt: skip
    try:
        run_sweep(spec, out, log=typer.echo, only_finished=only_finished)
    except (ValueError, FileExistsError, FileNotFoundError) as exc:
        fail(str(exc))
    typer.echo((out / "sweep.md").read_text())
    typer.echo(f"table: {out}/sweep.md; chart: {out}/sweep.svg, {out}/sweep.html; rows: {out}/sweep.json")
