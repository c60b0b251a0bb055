"""`detect probe`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer

from detector.cli.errors import EXIT_INTERRUPTED, fail

HELP = (
    "Audit a model: ask it benchmark items and verified variants, test the paired drop, give a verdict."
    "\n\n"
    "Loads benchmarks (the bundled fixtures by default), makes verified variants (every family that "
    "applies, --per-item each), asks the model every original and variant, scores the answers, tests "
    "the paired drop per benchmark and family (exact McNemar, cluster bootstrap, Benjamini-Hochberg), "
    "measures memorization signals (stale answers, solution echo, verbatim continuation) and writes a "
    "run directory: config.json, items/variants/responses/scores.parquet, report.json, report.md. "
    "The verdict is clean, suspicious or likely_overfit; see README 'Verdict rules'."
    "\n\n"
    "Examples:\n"
    "  detect probe --model control/contaminated     # offline demo: likely_overfit\n"
    "  detect probe --model control/clean            # offline demo: clean\n"
    "  detect probe --model openai/gpt-4o-mini --benchmark gsm8k --limit 200 --shots 5\n"
    "  detect probe --model vllm/my-model --family numeric --family option-shuffle --fail-on likely\n"
    "  detect probe --model hf/path/to/model --reference runs/a --reference runs/b ...   # calibrated"
    "\n\n"
    "Answers are cached as they arrive (~/.cache/detect, or $DETECT_CACHE_DIR): the same command "
    "again resumes an interrupted run and asks nothing already answered. "
    "Exit codes: 0 done; 1 the verdict reached --fail-on; 2 bad input; 3 more than "
    "--max-failed-fraction of requests failed (the run directory is still written); 130 interrupted "
    "(nothing written)."
)

EXIT_FAIL_ON = 1
EXIT_TOO_MANY_FAILURES = 3


def probe(
    model: str = typer.Option(
        ...,
        "--model",
        "-m",
        help="provider/NAME: openai/NAME, vllm/NAME, ollama/NAME, hf/PATH_OR_ID, control/clean, "
        "control/contaminated[:FRACTION].",
    ),
    benchmark: list[str] = typer.Option(
        [],
        "--benchmark",
        "-b",
        help="A file, a fixture name (gsm8k, mmlu, arc, hellaswag) or hub:NAME. Repeatable. "
        "Default: all bundled fixtures.",
    ),
    family: list[str] = typer.Option(
        [],
        "--family",
        "-f",
        help="A perturbation family: numeric, entity, option-shuffle, option-relabel, none-of-the-above, "
        "distractor, paraphrase, cloze, truncate. Repeatable. Default: every family that applies.",
    ),
    per_item: int = typer.Option(2, "--per-item", min=1, help="Variants per item and family."),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Use the first N items of each benchmark. Default: all."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for variants and bootstrap (same seed, same bytes)."),
    shots: int = typer.Option(
        0, "--shots", min=0, help="Few-shot examples from a dev/train split, where one exists."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Run directory. Default: runs/<model>-<hash of the options> (the same command, the same run).",
    ),
    reference: list[Path] = typer.Option(
        [], "--reference", help="A run directory of another model on the same variant set (calibration; 5+)."
    ),
    fresh: list[str] = typer.Option(
        [],
        "--fresh",
        help="A set in the benchmark's format that the model cannot have seen (your own items, items "
        "written after its cutoff). Repeatable. Perturbed and asked like the benchmark; the report "
        "compares them: level gap, difference in differences, the smallest effect it can detect.",
    ),
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        help="Exit 1 when the verdict reaches this level: suspicious (suspicious or likely_overfit) or "
        "likely (likely_overfit only). Default: never.",
    ),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="Requests in flight."),
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        help="Server URL for openai/vllm/ollama models. Default: $OPENAI_BASE_URL or api.openai.com for "
        "openai, 127.0.0.1:8000 for vllm, 127.0.0.1:11434 for ollama.",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the response cache."),
    max_failed_fraction: float = typer.Option(
        0.1, "--max-failed-fraction", min=0.0, max=1.0, help="Exit 3 when more requests than this failed."
    ),
) -> None:
    from detector.pipeline import ProbeOptions, run_probe
    from detector.report import print_summary
    from detector.stats import check_fail_on, verdict_reaches
    from detector.types import BenchmarkFormatError

    try:
        if fail_on is not None:
            check_fail_on(fail_on)
    except ValueError as error:
        fail(str(error))
    options = ProbeOptions(
        model=model, benchmarks=tuple(benchmark), families=tuple(family), per_item=per_item, limit=limit,
        seed=seed, shots=shots, out=out, references=tuple(reference), concurrency=concurrency,
        base_url=base_url, use_cache=not no_cache, max_failed_fraction=max_failed_fraction, progress=True,
    )  # fmt: skip
    if fresh:
        options = dataclasses.replace(options, fresh=tuple(fresh))
    try:
        result = run_probe(options)
    except (BenchmarkFormatError, ValueError, FileNotFoundError) as error:
        fail(str(error))
    except KeyboardInterrupt:
        resume = "; answers received so far are cached: the same command resumes" if not no_cache else ""
        fail(f"interrupted: the run directory was not written{resume}", EXIT_INTERRUPTED)
    print_summary(result.report, result.run_dir)
    if result.too_many_failed(max_failed_fraction):
        fail(
            f"{result.n_failed} of {result.n_requests} requests failed "
            f"(more than {max_failed_fraction:.0%}); the run directory {result.run_dir} "
            "holds the failures as rows with an error",
            EXIT_TOO_MANY_FAILURES,
        )
    if fail_on is not None and verdict_reaches(result.report.get("verdict"), fail_on):
        raise typer.Exit(EXIT_FAIL_ON)
