"""Print an overlap summary as a rich table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl


def print_summary(summary: list[dict[str, Any]], matches: pl.DataFrame, out_dir: str | Path) -> None:
    """Print one row per benchmark: items, searched, found, fraction contaminated, by class."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from detector.safe_text import printable

    table = Table(title="Benchmark items found in the corpus")
    for column in ("benchmark", "items", "searched", "found", "contaminated", "verbatim", "near"):
        table.add_column(column, justify="left" if column == "benchmark" else "right")
    for entry in summary:
        table.add_row(
            Text(printable(str(entry["benchmark"]))), str(entry["items"]), str(entry["items_searched"]),
            str(entry["items_found"]),
            f"{100 * entry['fraction_contaminated']:.1f}%", str(entry["by_class"]["verbatim"]),
            str(entry["by_class"]["near"]),
        )
    console = Console()
    console.print(table)
    out = Path(out_dir)
    console.print(
        printable(f"{len(matches)} matches -> {out / 'matches.parquet'}, {out / 'summary.json'}"),
        markup=False, highlight=False,
    )
