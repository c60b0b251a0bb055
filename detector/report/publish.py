"""Publishing: rebuild a run's report.json from its tables, then write HTML and Markdown pages.

`publish_report` is what `detect report` calls; `publish_leaderboard` is what
`detect leaderboard` calls. Every file is written through a temporary file and a rename.
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


def rebuild_report(run_dir: Path) -> bool:
    """Rebuild report.json and report.md from the run's tables; False when there is nothing to do it with.

    A directory that holds a report.json but no config.json (a report shared without its tables)
    is rendered as it is.
    """
    if not (run_dir / "config.json").exists() and (run_dir / "report.json").exists():
        return False
    from detector.report.build import write_report

    write_report(run_dir)
    return True


def publish_report(
    run_dir: str | Path, *, html_path: str | Path | None = None, md_path: str | Path | None = None
) -> PublishedReport:
    """Rebuild the run's report, then write the HTML and Markdown pages that were asked for.

    Raises:
        ValueError: when the run directory or its report is missing or malformed.
    """
    directory = Path(run_dir)
    if not directory.is_dir():
        raise ValueError(f"{directory}: not a directory (expected a `detect probe` run directory)")
    rebuilt = rebuild_report(directory)
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
