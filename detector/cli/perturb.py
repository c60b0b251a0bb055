"""`detect perturb`: write verified variants of benchmark items to Parquet or JSON lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.cli.errors import fail

HELP = "Write verified perturbed variants of benchmark items (with recomputed gold answers) to Parquet/JSONL."


def perturb(
    out: Annotated[Path, typer.Option("--out", help="Output: Parquet, or JSON lines if it ends in .jsonl.")],
    benchmark: Annotated[
        list[str] | None,
        typer.Option("--benchmark", help="A benchmark file, fixture name or hub:NAME (repeatable). "
                     "Default: the bundled fixtures."),
    ] = None,
    family: Annotated[
        list[str] | None, typer.Option("--family", help="A perturbation family (repeatable). Default: all.")
    ] = None,
    per_item: Annotated[int, typer.Option("--per-item", help="Variants per item and family.", min=1)] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Same inputs and seed give the same file.")] = 0,
) -> None:
    """Make verified variants, write them, print a per-family summary and the set's sha256."""
    from detector.pipeline import check_families, load_sources
    from detector.variants import format_summary, make_variants, write_variants

    try:
        families = check_families(family or [])
        loaded = load_sources(benchmark or [], None)
    except ValueError as exc:
        fail(str(exc))
    items = [item for bench in loaded for item in bench.items]
    variant_set = make_variants(items, families, per_item, seed, progress=len(items) * len(families) > 2000)
    try:
        write_variants(variant_set, out)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror or exc})")
    typer.echo(format_summary(variant_set))
    typer.echo(f"\nwrote {len(variant_set.variants)} variants of {len(items)} items to {out}")
    typer.echo(f"variant set sha256: {variant_set.sha256}")
