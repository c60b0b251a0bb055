"""`detect probe`."""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from detector.cli.errors import EXIT_INTERRUPTED, fail, is_bad_input

if TYPE_CHECKING:
    from detector.pipeline import DryRunRow, ProbeResult

HELP = (
    "Audit a model: ask it benchmark items and verified variants, test the paired drop, give a verdict."
    "\n\n"
    "Loads benchmarks (the bundled fixtures by default), makes verified variants (every family that "
    "applies, --per-item each), asks the model every original and variant, scores the answers, tests "
    "the paired drop per benchmark and family (exact McNemar, cluster bootstrap, Benjamini-Hochberg), "
    "measures memorization signals (stale answers, solution echo, verbatim continuation) and writes a "
    "run directory: config.json, items/variants/responses/scores.parquet, report.json, report.md. "
    "The verdict is likely_overfit, suspicious, no_evidence or inconclusive (docs/verdicts.md). Without "
    "--reference a drop is reported as robustness and raises no flag: every model loses accuracy on "
    "variants. no_evidence is not a clearance; inconclusive means too little was scored."
    "\n\n"
    "Examples:\n"
    "  detect probe --model control/contaminated     # offline demo: likely_overfit\n"
    "  detect probe --model control/clean            # offline demo: no_evidence or inconclusive\n"
    "  detect probe --model openai/gpt-4o-mini --benchmark gsm8k --limit 200 --shots 5\n"
    "  detect probe --model vllm/my-model --family numeric --family option-shuffle --fail-on likely\n"
    "  detect probe --model hf/path/to/model --reference runs/a --reference runs/b ...   # calibrated\n"
    "  detect probe --model vllm/base-7b --endpoint completions --max-tokens 64 --dry-run\n"
    "  detect probe --model hf/org/model --model-arg device=cuda --model-arg dtype=bfloat16"
    "\n\n"
    "Before any perturbing, a server is checked: GET /models and one request. A refused connection, "
    "a 401/403, an unknown model (the served ones are named) or a missing key stop at once (exit 2). "
    "A server that stops answering during the run ends it fast (exit 3); answers received are kept."
    "\n\n"
    "Answers are cached as they arrive (~/.cache/detect, or $DETECT_CACHE_DIR): the same command "
    "again resumes an interrupted run and asks nothing already answered. "
    "Exit codes: 0 done (verdict no_evidence, or a flag below --fail-on); 1 the verdict reached "
    "--fail-on; 2 bad input; 3 more than --max-failed-fraction of requests failed (verdict "
    "inconclusive; the run directory is still written); 4 inconclusive: fewer scored parent items "
    "than the minimum (50) or none the families apply to; 130 interrupted (nothing written)."
)

EXIT_FAIL_ON = 1
EXIT_TOO_MANY_FAILURES = 3
EXIT_INCONCLUSIVE = 4
ENDPOINTS = ("chat", "completions")


def exit_on_failures(result: ProbeResult, max_failed_fraction: float) -> None:
    """The one place a run that could not ask enough ends: a server that stopped answering, or
    more failed requests than allowed. Exit 3; the run directory and cached answers are kept."""
    if result.stopped is not None:
        fail(
            f"{result.stopped}; the run ended early with {result.n_failed} of {result.n_requests} requests "
            f"failed: verdict inconclusive. Answers received are cached: the same command resumes once the "
            f"server answers. The run directory {result.run_dir} holds the failures as rows with an error",
            EXIT_TOO_MANY_FAILURES,
        )
    if result.too_many_failed(max_failed_fraction):
        fail(
            f"{result.n_failed} of {result.n_requests} requests failed "
            f"(more than {max_failed_fraction:.0%}); the run directory {result.run_dir} "
            "holds the failures as rows with an error",
            EXIT_TOO_MANY_FAILURES,
        )


def print_dry_run(rows: list[DryRunRow], max_tokens: int) -> None:
    """The dry run's table: benchmark x family counts and token estimates, within 80 columns."""
    typer.echo(
        f"{'benchmark':<15} {'family':<17} {'items':>6} {'variants':>8} {'requests':>8} "
        f"{'prompt tok':>10} {'output tok':>10}"
    )
    for r in rows:
        typer.echo(
            f"{r.benchmark[:15]:<15} {r.family[:17]:<17} {r.items:>6} {r.variants:>8} {r.requests:>8} "
            f"{r.prompt_tokens:>10,} {r.output_tokens:>10,}"
        )
    total = (
        sum(r.requests for r in rows),
        sum(r.prompt_tokens for r in rows),
        sum(r.output_tokens for r in rows),
    )
    typer.echo(f"{'total':<15} {'':<17} {'':>6} {'':>8} {total[0]:>8} {total[1]:>10,} {total[2]:>10,}")
    note = (
        f"dry run: nothing was sent. Prompt tokens are estimated at 4 characters a token; output tokens "
        f"are the most ({max_tokens} per request). Cached answers would not be asked again; a server "
        "that returns log-probabilities also gets one scoring request per original and variant text."
    )
    typer.echo(textwrap.fill(note, width=80))


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
        help="A file, a fixture name (gsm8k, mmlu, arc, hellaswag, humaneval, mbpp) or hub:NAME. Repeatable. "
        "Default: all bundled fixtures.",
    ),
    family: list[str] = typer.Option(
        [],
        "--family",
        "-f",
        help="A perturbation family: numeric, entity, option-shuffle, option-relabel, none-of-the-above, "
        "distractor, paraphrase, cloze, truncate; code-rename, code-examples, code-docstring, "
        "code-distractor, code-truncate (code items). Repeatable. Default: every family that applies.",
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
    variants: Path | None = typer.Option(
        None,
        "--variants",
        help="Probe with a variant set made elsewhere instead of the families: GSM-Plus, GSM-Symbolic, "
        "MMLU-CF-style pairs, the generic layout (parent_id, question, choices, answer, family) or a "
        "detect variant file; JSON lines or Parquet. Rows whose parent is not among the loaded items "
        "are reported. See docs/interoperability.md.",
    ),
    max_tokens: int = typer.Option(
        512, "--max-tokens", min=1, help="Most tokens per answer (raise it for reasoning models)."
    ),
    temperature: float = typer.Option(
        0.0, "--temperature", min=0.0, help="Sampling temperature (0: greedy)."
    ),
    top_p: float = typer.Option(1.0, "--top-p", min=0.0, max=1.0, help="Nucleus sampling mass."),
    sampling_seed: int | None = typer.Option(
        None,
        "--sampling-seed",
        help="Seed sent to the server with every request (`seed`); --seed is for variants and the bootstrap.",
    ),
    system_prompt: str | None = typer.Option(
        None, "--system-prompt", help="A system message before every prompt (completions: a first paragraph)."
    ),
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        help="Servers: chat (default; /chat/completions) or completions (/completions, for base models).",
    ),
    chat_template: bool = typer.Option(
        True,
        "--chat-template/--no-chat-template",
        help="hf/ models: ask through the tokenizer's chat template where it has one (default), or raw text.",
    ),
    model_arg: list[str] = typer.Option(
        [],
        "--model-arg",
        help="Backend setting KEY=VALUE (repeatable). hf: device=cuda, dtype=bfloat16, "
        "batch_size=16, revision=REV; servers: revision=REV (the checkpoint; part of the cache key).",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count items, variants, requests and estimated tokens; send nothing."
    ),
    format: str | None = typer.Option(None, "--format", help="Force the benchmark format of --benchmark."),
    field: list[str] = typer.Option(
        [], "--field", help="Generic format mapping NAME=COLUMN, e.g. question=prompt (repeatable)."
    ),
    overlap: Path | None = typer.Option(
        None, "--overlap", metavar="OVERLAP_DIR",
        help="A `detect overlap` output: the report splits accuracy into items found in the corpus and "
        "not found (copied into the run directory as overlap.json).",
    ),
) -> None:
    from detector.models.api import PreflightError
    from detector.pipeline import ProbeOptions, run_probe
    from detector.pipeline import dry_run as count_requests
    from detector.report import print_summary
    from detector.stats import check_fail_on, verdict_reaches
    from detector.types import GenParams

    try:
        if fail_on is not None:
            check_fail_on(fail_on)
        if endpoint is not None and endpoint not in ENDPOINTS:
            raise ValueError(f"--endpoint {endpoint!r}: valid: {', '.join(ENDPOINTS)}")
    except ValueError as error:
        fail(str(error))
    params = GenParams(max_tokens=max_tokens, temperature=temperature, top_p=top_p, seed=sampling_seed)
    options = ProbeOptions(
        model=model, benchmarks=tuple(benchmark), families=tuple(family), per_item=per_item, limit=limit,
        seed=seed, shots=shots, out=out, references=tuple(reference), concurrency=concurrency,
        base_url=base_url, use_cache=not no_cache, max_failed_fraction=max_failed_fraction, progress=True,
        variants=variants,
        gen_params=params, endpoint=endpoint, system_prompt=system_prompt, model_args=tuple(model_arg),
        chat_template=chat_template, format=format, fields=tuple(field), command=("detect", *sys.argv[1:]),
    )  # fmt: skip
    if fresh:
        options = dataclasses.replace(options, fresh=tuple(fresh))
    if overlap is not None:
        from detector.overlap.join import read_overlap

        try:
            read_overlap(overlap)  # a bad OVERLAP_DIR fails before any request is made
        except ValueError as error:
            fail(str(error))
    if dry_run:
        try:
            rows = count_requests(options)
        except (ValueError, OSError, RuntimeError) as error:
            if not is_bad_input(error):
                raise
            fail(str(error))
        print_dry_run(rows, max_tokens)
        return
    try:
        result = run_probe(options)
        if overlap is not None:
            from detector.overlap.join import attach_overlap
            from detector.pipeline import rebuild_report

            attach_overlap(result.run_dir, overlap)
            rebuild_report(result.run_dir)
            report = json.loads((result.run_dir / "report.json").read_text(encoding="utf-8"))
            result = dataclasses.replace(result, report=report)
    except PreflightError as error:
        fail(f"preflight: {error}")
    except (ValueError, OSError, RuntimeError) as error:
        if not is_bad_input(error):
            raise  # an internal error: its traceback, exit 1 (never dressed up as bad input)
        fail(str(error))
    except KeyboardInterrupt:
        resume = "; answers received so far are cached: the same command resumes" if not no_cache else ""
        fail(f"interrupted: the run directory was not written{resume}", EXIT_INTERRUPTED)
    if result.stopped is None:
        print_summary(result.report, result.run_dir)
    if variants is not None:
        from detector.external_variants import describe_pairing

        typer.echo(describe_pairing(result.run_dir), err=True)
    exit_on_failures(result, max_failed_fraction)
    verdict = result.report.get("verdict")
    if verdict == "inconclusive":
        reasons = "; ".join(str(r) for r in result.report.get("inconclusive_reasons") or [])
        fail(f"inconclusive: {reasons}; the run directory is {result.run_dir}", EXIT_INCONCLUSIVE)
    if fail_on is not None and verdict_reaches(verdict, fail_on):
        raise typer.Exit(EXIT_FAIL_ON)
