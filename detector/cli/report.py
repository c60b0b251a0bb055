"""`detect report`."""

from __future__ import annotations

from pathlib import Path

import typer

from detector.cli.errors import fail

HELP = (
    "Rebuild report.json and report.md from a run directory's tables, and write HTML or Markdown pages."
    "\n\n"
    "The HTML page is one self-contained file (inline CSS and SVG, no scripts, nothing loaded from "
    "the network): verdict and evidence, overfitting score with its interval, a chart per family, "
    "memorization signals, examples and provenance. A directory with only a report.json is rendered "
    "as it is."
    "\n\n"
    "Examples:\n"
    "  detect report runs/my-run                                  # rebuild report.json/report.md\n"
    "  detect report runs/my-run --html report.html --md report.md"
)


def report(
    run_dir: Path = typer.Argument(..., metavar="RUN_DIR", help="A run directory written by `detect probe`."),
    html: Path | None = typer.Option(
        None, "--html", metavar="FILE", help="Write a self-contained HTML page here."
    ),
    md: Path | None = typer.Option(None, "--md", metavar="FILE", help="Write the Markdown report here too."),
    overlap: Path | None = typer.Option(
        None, "--overlap", metavar="OVERLAP_DIR",
        help="A `detect overlap` output: split accuracy into items found in the corpus and not found "
        "(copied into RUN_DIR/overlap.json, so later reports of RUN_DIR keep it).",
    ),
) -> None:
    from detector.pipeline import report_run
    from detector.report import format_estimate, verdict_label

    try:
        if overlap is not None:
            from detector.overlap.join import attach_overlap, read_overlap

            read_overlap(overlap)  # validate before anything is written
            if not (run_dir / "config.json").exists():
                raise ValueError(f"{run_dir / 'config.json'}: missing (is {run_dir} a probe run directory?)")
            attach_overlap(run_dir, overlap)
        published = report_run(run_dir, html_path=html, md_path=md)
    except (ValueError, OSError) as error:
        fail(str(error))
    source = "rebuilt from the run's tables" if published.rebuilt else "read from report.json"
    result = published.report
    from detector.safe_text import printable

    typer.echo(
        printable(f"{result.get('model')}: {verdict_label(result.get('verdict'))}, overfitting score "
        f"{format_estimate(result.get('overfitting_score'))} points ({source})")
    )
    for path in published.written:
        typer.echo(f"wrote {path}")
