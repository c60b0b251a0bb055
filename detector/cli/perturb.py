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
    "  detect perturb --benchmark path/to/mmlu/ --family option-shuffle --out mmlu-variants.parquet"
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
