"""The terminal summary of a probe run: a rich table per family, the signals, the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detector.report.display import (
    SIGNAL_COLUMNS,
    accuracy_cells,
    format_estimate,
    get_block,
    get_list,
    signal_rows,
    verdict_label,
)

if TYPE_CHECKING:
    from rich.console import Console

MAX_EVIDENCE_LINES = 6
VERDICT_STYLE = {"clean": "green", "suspicious": "yellow", "likely_overfit": "bold red"}


def wide_console() -> Console:
    """A rich console on stdout; 160 columns when stdout is a file or pipe (logs, CI), not 80."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def print_summary(report: Mapping[str, Any], run_dir: Path | None = None) -> None:
    """Print the family table, the signals and the verdict with its evidence to the terminal."""
    from rich.table import Table

    console = wide_console()
    title = f"{report.get('model')}: original vs variant accuracy (points; q per family, p for all)"
    table = Table(title=title)
    for column in ("benchmark", "family", "items", "variants", "original", "variant", "drop", "95% CI", "q"):
        table.add_column(column, justify="left" if column in ("benchmark", "family") else "right")
    for fam in get_list(report, "families"):
        if isinstance(fam, Mapping):
            *cells, _, q = accuracy_cells(fam)  # the terminal shows q, not p, per family
            table.add_row(str(fam.get("benchmark")), str(fam.get("name")), *cells, q)
    overall = get_block(report, "overall")
    *cells, p, _ = accuracy_cells(overall, with_q=False)
    table.add_section()
    table.add_row("all", "", *cells, p)  # the overall test is in no BH family: its p-value
    console.print(table)
    signals = Table(title="memorization signals")
    keep = [SIGNAL_COLUMNS.index(name) for name in ("signal", "value", "interval", "n", "q")]
    for index in keep:
        signals.add_column(SIGNAL_COLUMNS[index])
    for row in signal_rows(report):
        signals.add_row(*[str(row[index]) for index in keep])
    if signals.row_count:
        console.print(signals)
    from detector.report.attribution import attribution_lines

    for line in attribution_lines(report):  # fresh sets and order tests (issue 14)
        console.print(line, markup=False, highlight=False)
    verdict = report.get("verdict")
    style = VERDICT_STYLE.get(str(verdict), "bold")
    console.print(
        f"verdict: [{style}]{verdict_label(verdict)}[/{style}]   overfitting score "
        f"{format_estimate(report.get('overfitting_score'))} points"
        + ("" if report.get("calibrated") else " (uncalibrated)")
    )
    evidence = list(report.get("evidence") or [])
    for line in evidence[:MAX_EVIDENCE_LINES]:
        console.print(f"  - {line}", markup=False, highlight=False)
    if len(evidence) > MAX_EVIDENCE_LINES:
        console.print(f"  ({len(evidence) - MAX_EVIDENCE_LINES} more lines in report.md)")
    if run_dir is not None:
        console.print(f"run directory: {run_dir}", markup=False, highlight=False)
