"""`detect import lm-eval` and `detect import variants`: bring others' results and variants in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.cli.errors import fail

HELP = (
    "Import results and variant sets made by other tools: `detect import lm-eval`, `detect import variants`."
)

LMEVAL_HELP = (
    "Build a run directory from lm-evaluation-harness output (--log_samples) of tasks written by "
    "`detect export lm-eval`."
    "\n\n"
    "Reads the newest results_*.json under RESULTS_DIR and the samples_*.jsonl of its detect tasks, "
    "rebuilds items and variants from the documents, scores each answer with detect's scorer (the "
    "generated text of generate_until tasks; the option with the highest loglikelihood of "
    "multiple-choice tasks) and writes config.json, the tables and report.json/report.md, as "
    "`detect probe` does; `detect report`, `detect leaderboard` and --reference read it. lm-eval's "
    "model, model arguments (secrets redacted) and versions are kept in config.json under `lmeval`."
    "\n\n"
    "Example:\n"
    "  detect import lm-eval out/ --out runs/my-model-lmeval"
)

VARIANTS_HELP = (
    "Pair a variant set made elsewhere with its original items and write it in detect's layout."
    "\n\n"
    "Layouts: GSM-Plus (seed_question, perturbation_type), GSM-Symbolic instances and MMLU-CF-style "
    "pairs (original_question), the generic layout (parent_id, question, choices, answer, family), or "
    "a detect variant file. Golds come from the file. Rows whose parent is not among the items of "
    "--benchmark are listed, never dropped in silence. The output runs with `detect probe --variants`."
    "\n\n"
    "Example:\n"
    "  detect import variants gsm_plus_test.jsonl --benchmark /data/gsm8k/test.jsonl --out gsmplus.jsonl"
)

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("lm-eval", help=LMEVAL_HELP)
def lm_eval(
    results_dir: Annotated[Path, typer.Argument(help="lm-eval's --output_path.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The run directory to write.")],
) -> None:
    from detector.interop.import_lmeval import import_lmeval
    from detector.report.summary import print_summary
    from detector.types import BenchmarkFormatError

    try:
        report = import_lmeval(results_dir, out)
    except (BenchmarkFormatError, ValueError, FileNotFoundError) as error:
        fail(str(error))
    print_summary(report, out)


@app.command("variants", help=VARIANTS_HELP)
def variants(
    file: Annotated[Path, typer.Argument(help="The external variant file (JSON lines, JSON or Parquet).")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output: Parquet, or JSON lines if it ends in .jsonl.")
    ],
    benchmark: Annotated[
        list[str] | None,
        typer.Option("--benchmark", "-b", help="The benchmark the variants were made from (repeatable)."),
    ] = None,
    family: Annotated[
        str | None, typer.Option("--family", help="Name the family (default: from the file's layout).")
    ] = None,
) -> None:
    from detector.external_variants import load_external_variants
    from detector.pipeline import load_sources
    from detector.types import BenchmarkFormatError
    from detector.variants import VariantSet, write_variants

    try:
        loaded = load_sources(benchmark or [], None)
        items = [item for bench in loaded for item in bench.items]
        result = load_external_variants(file, items, family)
    except (BenchmarkFormatError, ValueError) as error:
        fail(str(error))
    variant_set = VariantSet(result.variants)
    try:
        write_variants(variant_set, out)
    except OSError as error:
        fail(f"{out}: cannot write ({error.strerror or error})")
    summary = result.summary()
    typer.echo(f"layout {result.layout}: {len(result.variants)} of {result.n_rows} rows paired")
    for name, count in summary["families"].items():
        typer.echo(f"  {name:<40} {count:>6}")
    if result.unmatched:
        shown = ", ".join(f"line {line} ({key!r})" for line, key in result.unmatched[:5])
        typer.echo(f"{len(result.unmatched)} rows without a parent among the loaded items: {shown}", err=True)
    for why, count in summary["rejected"].items():
        typer.echo(f"{count} rows rejected: {why}", err=True)
    typer.echo(f"wrote {len(variant_set.variants)} variants to {out}")
    typer.echo(f"variant set sha256: {variant_set.sha256}")
