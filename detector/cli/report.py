"""`detect report`."""

from __future__ import annotations

from pathlib import Path

import typer

from detector.cli.errors import fail

HELP = "Rebuild report.json/report.md from a run directory, and write self-contained HTML."


def report(
    run_dir: Path = typer.Argument(..., metavar="RUN_DIR", help="A run directory written by `detect probe`."),
    html: Path | None = typer.Option(
        None, "--html", metavar="FILE", help="Write a self-contained HTML page here."
    ),
    md: Path | None = typer.Option(None, "--md", metavar="FILE", help="Write the Markdown report here too."),
) -> None:
    from detector.report.display import format_estimate, verdict_label
    from detector.report.publish import publish_report

    try:
        published = publish_report(run_dir, html_path=html, md_path=md)
    except (ValueError, OSError) as error:
        fail(str(error))
    source = "rebuilt from the run's tables" if published.rebuilt else "read from report.json"
    result = published.report
    typer.echo(
        f"{result.get('model')}: {verdict_label(result.get('verdict'))}, overfitting score "
        f"{format_estimate(result.get('overfitting_score'))} points ({source})"
    )
    for path in published.written:
        typer.echo(f"wrote {path}")
