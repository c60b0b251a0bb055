"""`detect leaderboard`."""

from __future__ import annotations

from pathlib import Path

import typer

from detector.cli.errors import fail

HELP = (
    "Rank several runs by overfitting score and print the table; optionally write Markdown, HTML, CSV."
    "\n\n"
    "Reads each run's report.json. Runs are comparable only on the same variant set, so runs with "
    "different variant_set_sha256 go into separate tables, never into one ranking."
    "\n\n"
    "Examples:\n"
    "  detect leaderboard runs/a runs/b runs/c\n"
    "  detect leaderboard runs/* --html board.html --md board.md --csv board.csv"
)


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
    from detector.report import print_leaderboard, publish_leaderboard

    try:
        groups, written = publish_leaderboard(run_dirs, html_path=html, md_path=md, csv_path=csv)
    except (ValueError, OSError) as error:
        fail(str(error))
    print_leaderboard(groups)
    for path in written:
        typer.echo(f"wrote {path}")
