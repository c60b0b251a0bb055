"""`detect export lm-eval`: a variant set as an lm-evaluation-harness task folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.cli.errors import fail

HELP = "Export a variant set for other tools: `detect export lm-eval ...`."

LMEVAL_HELP = (
    "Write an lm-evaluation-harness task folder: the originals and each family's verified variants "
    "as tasks, grouped per benchmark as detect_<benchmark>."
    "\n\n"
    "Each document carries the zero-shot prompt `detect probe` sends, its parent id, variant id, "
    "family and gold; the variant set's sha256 is in every task's metadata. Multiple-choice items are "
    "loglikelihood tasks over the option labels, the rest generate_until. The data are JSON lines "
    "under DIR/data (the YAML names them by absolute path: export again after moving DIR). "
    "DIR/variants.jsonl is the variant set itself, for `detect probe --variants`."
    "\n\n"
    "Examples:\n"
    "  detect export lm-eval --benchmark gsm8k --family numeric --limit 50 --out tasks/\n"
    "  lm_eval --model local-completions \\\n"
    "      --model_args model=M,base_url=http://127.0.0.1:8000/v1/completions \\\n"
    "      --include_path tasks/ --tasks detect_gsm8k_test --log_samples --output_path out/\n"
    "  detect import lm-eval out/ --out runs/m-lmeval"
)

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("lm-eval", help=LMEVAL_HELP)
def lm_eval(
    out: Annotated[Path, typer.Option("--out", "-o", help="The task folder to write (replaced whole).")],
    benchmark: Annotated[
        list[str] | None,
        typer.Option(
            "--benchmark",
            "-b",
            help="A file, fixture name or hub:NAME (repeatable). Default: the bundled fixtures.",
        ),
    ] = None,
    family: Annotated[
        list[str] | None,
        typer.Option("--family", "-f", help="A perturbation family (repeatable). Default: every family."),
    ] = None,
    per_item: Annotated[int, typer.Option("--per-item", min=1, help="Variants per item and family.")] = 2,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="First N items of each benchmark.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the variants (same seed, same set).")] = 0,
) -> None:
    from detector.interop.export_lmeval import export_lmeval
    from detector.pipeline import check_families, load_sources
    from detector.types import BenchmarkFormatError
    from detector.variants import format_summary, make_variants

    try:
        families = check_families(family or [])
        loaded = load_sources(benchmark or [], limit)
    except (BenchmarkFormatError, ValueError) as error:
        fail(str(error))
    items = [item for bench in loaded for item in bench.items]
    variant_set = make_variants(items, families, per_item, seed)
    settings = {"families": families, "per_item": per_item, "limit": limit, "seed": seed}
    try:
        result = export_lmeval(loaded, variant_set, out, settings=settings)
    except ValueError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{out}: cannot write ({error.strerror or error})")
    typer.echo(format_summary(variant_set))
    typer.echo(f"\nwrote {len(result.tasks)} tasks ({sum(result.tasks.values())} documents) to {result.out}")
    for name, count in result.tasks.items():
        typer.echo(f"  {name:<48} {count:>6}")
    typer.echo(f"variant set sha256: {result.variant_set_sha256}")
    typer.echo(
        f"run: lm_eval --include_path {result.out} --tasks {','.join(result.groups)} --log_samples ..."
    )
