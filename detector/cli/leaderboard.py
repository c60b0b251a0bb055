"""`detect leaderboard`."""

from __future__ import annotations

from pathlib import Path

import typer

from detector.cli.errors import fail

HELP = "Rank several runs by overfitting score (Markdown, HTML, CSV)."


def leaderboard(
    run_dirs: list[Path] = typer.Argument(
        ..., metavar="RUN_DIR", help="Run directories written by `detect probe`."
    ),
    html: Path | None = typer.Option(
        None, "--html", metavar="FILE", help="Write a self-contained HTML page here."
    ),
    md: Path | None = typer.Option(None, "--md", metavar="FILE", help="Write a Markdown leaderboard here."),
    csv: Path | None = typer.Option(None, "--csv", metavar="FILE", help="Write the leaderboard as CSV here."),
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from detector.report.leaderboard import (
        COLUMNS,
        NUMERIC_COLUMNS,
        display_cells,
        group_title,
        mixed_sets_note,
    )
    from detector.report.publish import publish_leaderboard

    try:
        groups, written = publish_leaderboard(run_dirs, html_path=html, md_path=md, csv_path=csv)
    except (ValueError, OSError) as error:
        fail(str(error))
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    note = mixed_sets_note(groups)
    if note:
        console.print(Text(f"Note: {note}", style="bold yellow"))
    for group in groups:
        table = Table(title=Text(group_title(group)), title_justify="left")
        table.add_column("rank", justify="right")
        for column in COLUMNS:
            if column in NUMERIC_COLUMNS:
                table.add_column(Text(column), justify="right", overflow="fold")
            else:
                table.add_column(Text(column), justify="left", overflow="fold")
        for rank, row in enumerate(group.rows, start=1):
            cells = display_cells(row)
            table.add_row(str(rank), *(Text(cells[c]) for c in COLUMNS))
        console.print(table)
    for path in written:
        typer.echo(f"wrote {path}")
