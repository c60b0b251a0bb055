"""The terminal summary of a probe run: a rich table per family, the signals, the verdict."""

from __future__ import annotations

import os
import re
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
    verdict_context,
    verdict_label,
)

if TYPE_CHECKING:
    from rich.console import Console

MAX_EVIDENCE_LINES = 6
NARROW_WIDTH = 100
WHOLE_POINTS = re.compile(r"(-?\d+)\.\d+")
VERDICT_STYLE = {
    "no_evidence": "green", "suspicious": "yellow", "likely_overfit": "bold red",
    "inconclusive": "bold magenta",
}


def wide_console() -> Console:
    """A rich console on stdout; 160 columns when stdout is a file or pipe (logs, CI), not 80."""
    from rich.console import Console

    console = Console()
    if console.is_terminal or os.environ.get("COLUMNS", "").isdigit():  # COLUMNS set: that width
        return console
    return Console(width=160)


def print_summary(report: Mapping[str, Any], run_dir: Path | None = None) -> None:
    """Print the family table, the signals and the verdict with its evidence to the terminal."""
    from rich.table import Table
    from rich.text import Text

    from detector.safe_text import printable_tree

    report = printable_tree(report)  # model names, benchmark names and evidence come from outside
    console = wide_console()
    errors = report.get("errors")
    errors = errors if isinstance(errors, Mapping) else {}
    top = errors.get("top")
    if isinstance(top, list) and top:
        console.print(
            f"{errors.get('n_failed')} of {errors.get('n_requests')} requests failed; the server said:",
            style="bold red", markup=False, highlight=False,
        )  # fmt: skip
        for entry in top:
            if isinstance(entry, Mapping):
                console.print(f"  {entry.get('count')} x {entry.get('error')}", markup=False, highlight=False)
    title = f"{report.get('model')}: original vs variant accuracy (points; q per family, p for all)"
    narrow = console.width < NARROW_WIDTH  # 80 columns: no borders, whole-point intervals
    table = Table(title=Text(title))
    if narrow:
        table = Table(title=Text(title), box=None, padding=(0, 0, 0, 1))
    columns = (
        ("benchmark", "family", "items", "vars", "orig", "var", "drop", "95% CI", "q") if narrow
        else ("benchmark", "family", "items", "variants", "original", "variant", "drop", "95% CI", "q")
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in ("benchmark", "family") else "right",
                         no_wrap=narrow)  # fmt: skip

    def shown(cells: list[str]) -> list[str]:
        return [WHOLE_POINTS.sub(r"\1", cell) if narrow and cell.startswith("[") else cell for cell in cells]

    for fam in get_list(report, "families"):
        if isinstance(fam, Mapping):
            *cells, _, q = accuracy_cells(fam)  # the terminal shows q, not p, per family
            table.add_row(Text(str(fam.get("benchmark"))), Text(str(fam.get("name"))), *shown(cells), q)
    overall = get_block(report, "overall")
    *cells, p, _ = accuracy_cells(overall, with_q=False)
    table.add_section()
    table.add_row("all", "", *shown(cells), p)  # the overall test is in no BH family: its p-value
    console.print(table)
    signals = Table(title="memorization signals")
    keep = [SIGNAL_COLUMNS.index(name) for name in ("signal", "value", "interval", "n", "q")]
    for index in keep:
        signals.add_column(SIGNAL_COLUMNS[index])
    for row in signal_rows(report):
        signals.add_row(*[Text(str(row[index])) for index in keep])
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
        + ("" if report.get("calibrated") else " (uncalibrated: a robustness drop, not evidence)")
    )
    evidence = get_list(report, "evidence")
    for line in evidence[:MAX_EVIDENCE_LINES]:
        console.print(f"  - {line}", markup=False, highlight=False)
    if len(evidence) > MAX_EVIDENCE_LINES:
        console.print(f"  ({len(evidence) - MAX_EVIDENCE_LINES} more lines in report.md)")
    for heading, lines in verdict_context(report):
        if heading == "Failed requests":
            continue  # printed first
        console.print(f"{heading}:", markup=False, highlight=False)
        for line in lines[:MAX_EVIDENCE_LINES]:
            console.print(f"  - {line}", markup=False, highlight=False)
    if run_dir is not None:
        console.print(f"run directory: {printable_tree(str(run_dir))}", markup=False, highlight=False)
