"""`detect perturb`: write verified variants of benchmark items to Parquet or JSON lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.cli.errors import fail

HELP = (
    "Write verified perturbed variants of benchmark items, each with its gold answer recomputed."
    "\n\n"
    "Families: numeric (new numbers, answer re-derived from the worked solution), entity, "
    "option-shuffle, option-relabel, none-of-the-above, distractor, paraphrase, cloze, truncate; "
    "for code items code-rename, code-examples, code-docstring, code-distractor, code-truncate. "
    "Every variant is checked (gold consistent, similar to its parent but not too similar) before it "
    "is kept. Prints a per-family table of items, variants and skip reasons, and the set's sha256: "
    "the same inputs and seed give a byte-identical file."
    "\n\n"
    "Examples:\n"
    "  detect perturb --out variants.parquet                  # all families, bundled fixtures\n"
    "  detect perturb --benchmark gsm8k --family numeric --per-item 3 --seed 7 --out v.jsonl\n"
    "  detect perturb --benchmark path/to/mmlu/ --family option-shuffle --out mmlu-variants.parquet\n"
    "  detect perturb --benchmark gsm8k --family numeric --out-format hf --license mit --out gsm8k-numeric/"
)


def perturb(
    out: Annotated[Path, typer.Option("--out", help="Output: Parquet, or JSON lines if it ends in .jsonl.")],
    benchmark: Annotated[
        list[str] | None,
        typer.Option("--benchmark", help="A benchmark file, fixture name or hub:NAME (repeatable). "
                     "Default: the bundled fixtures."),
    ] = None,
    family: Annotated[
        list[str] | None,
        typer.Option("--family", help="A perturbation family (repeatable). Default: every family."),
    ] = None,
    per_item: Annotated[int, typer.Option("--per-item", help="Variants per item and family.", min=1)] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Same inputs and seed give the same file.")] = 0,
    out_format: Annotated[
        str,
        typer.Option("--out-format", help="file: one Parquet/JSON lines file; hf: a Hugging Face dataset "
                     "folder (Parquet shards + dataset card) for `datasets.load_dataset(DIR)` or the hub."),
    ] = "file",
    license_id: Annotated[
        str | None, typer.Option("--license", help="--out-format hf: the license named in the dataset card.")
    ] = None,
    format: Annotated[str | None, typer.Option("--format", help="Force the format of --benchmark.")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="Generic format mapping NAME=COLUMN, e.g. question=prompt."),
    ] = None,
) -> None:
    """Make verified variants, write them, print a per-family summary and the set's sha256."""
    from detector.benchmarks import load_sources
    from detector.pipeline import check_families
    from detector.variants import format_summary, make_variants, write_variants

    if out_format not in ("file", "hf"):
        fail(f"unknown --out-format {out_format!r}; valid: file, hf")
    try:
        families = check_families(family or [])
        loaded = load_sources(benchmark or [], None, format=format, fields=field or ())
    except ValueError as exc:
        fail(str(exc))
    items = [item for bench in loaded for item in bench.items]
    variant_set = make_variants(items, families, per_item, seed, progress=len(items) * len(families) > 2000)
    try:
        if out_format == "hf":
            from detector.interop.hf_dataset import write_hf_dataset

            settings = {"families": families, "per_item": per_item, "seed": seed}
            write_hf_dataset(variant_set, out, loaded=loaded, settings=settings, license_id=license_id)
        else:
            write_variants(variant_set, out)
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror or exc})")
    from detector.cli.terminal import fit_line

    for line in format_summary(variant_set).splitlines():  # reasons wrap under their column
        typer.echo(fit_line(line, indent=44))
    typer.echo(f"\nwrote {len(variant_set.variants)} variants of {len(items)} items to {out}")
    typer.echo(f"variant set sha256: {variant_set.sha256}")
