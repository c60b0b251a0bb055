"""Publishing: write a run's report.json as HTML and Markdown pages, and the leaderboard's files.

Nothing here computes a statistic: `detect report` first rebuilds report.json through the
pipeline (`detector.pipeline.report_run`: analysis, then `write_report`), then renders it with
`publish_report`; `detect leaderboard` calls `publish_leaderboard`. Every file is written
through a temporary file and a rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detector.atomic_files import write_text_atomic
from detector.report.html import render_html
from detector.report.leaderboard import (
    LeaderboardGroup,
    load_leaderboard,
    read_report,
    write_leaderboard_csv,
)
from detector.report.leaderboard_pages import render_leaderboard_html, render_leaderboard_markdown
from detector.report.markdown import render_markdown


@dataclass(frozen=True, slots=True)
class PublishedReport:
    """What `publish_report` did: the report it rendered, whether it was rebuilt, the files written."""

    report: dict[str, Any]
    rebuilt: bool
    written: tuple[Path, ...]


def publish_report(
    run_dir: str | Path,
    *,
    html_path: str | Path | None = None,
    md_path: str | Path | None = None,
    rebuilt: bool = False,
) -> PublishedReport:
    """Write the HTML and Markdown pages of the run's report.json that were asked for.

    `rebuilt` says whether report.json was just rebuilt from the tables (it is passed through).

    Raises:
        ValueError: when the run directory or its report is missing or malformed.
    """
    directory = Path(run_dir)
    if not directory.is_dir():
        raise ValueError(f"{directory}: not a directory (expected a `detect probe` run directory)")
    report = read_report(directory)
    written: list[Path] = []
    if md_path is not None:
        write_text_atomic(md_path, render_markdown(report))
        written.append(Path(md_path))
    if html_path is not None:
        write_text_atomic(html_path, render_html(report))
        written.append(Path(html_path))
    return PublishedReport(report=report, rebuilt=rebuilt, written=tuple(written))


def publish_leaderboard(
    run_dirs: Sequence[str | Path],
    *,
    html_path: str | Path | None = None,
    md_path: str | Path | None = None,
    csv_path: str | Path | None = None,
) -> tuple[list[LeaderboardGroup], tuple[Path, ...]]:
    """Build the leaderboard from run directories and write the files that were asked for.

    Nothing is written unless every run directory reads cleanly.

    Raises:
        ValueError: as `load_leaderboard`.
    """
    groups = load_leaderboard(run_dirs)
    written: list[Path] = []
    if csv_path is not None:
        write_leaderboard_csv(groups, csv_path)
        written.append(Path(csv_path))
    if md_path is not None:
        write_text_atomic(md_path, render_leaderboard_markdown(groups))
        written.append(Path(md_path))
    if html_path is not None:
        write_text_atomic(html_path, render_leaderboard_html(groups))
        written.append(Path(html_path))
    return groups, tuple(written)
