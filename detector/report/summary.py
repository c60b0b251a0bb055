"""The terminal summary of a probe run: a rich table per family, the signals, the verdict."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detector.report.display import (
    SIGNAL_COLUMNS,
    format_estimate,
    format_interval,
    format_p,
    format_points,
    signal_rows,
    verdict_label,
)

MAX_EVIDENCE_LINES = 6
VERDICT_STYLE = {"clean": "green", "suspicious": "yellow", "likely_overfit": "bold red"}


def print_summary(report: Mapping[str, Any], run_dir: Path | None = None) -> None:
    """Print the family table, the signals and the verdict with its evidence to the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{report.get('model')}: original vs variant accuracy (points)")
    for column in ("benchmark", "family", "items", "variants", "original", "variant", "drop", "95% CI", "q"):
        table.add_column(column, justify="left" if column in ("benchmark", "family") else "right")
    for fam in report.get("families") or []:
        table.add_row(
            str(fam.get("benchmark")), str(fam.get("name")), str(fam.get("n_items")),
            str(fam.get("n_variants")), format_points(fam.get("acc_original")),
            format_points(fam.get("acc_variant")), format_points(fam.get("drop"), signed=True),
            format_interval(fam.get("ci_low"), fam.get("ci_high")), format_p(fam.get("q_value")),
        )  # fmt: skip
    overall = report.get("overall") or {}
    table.add_section()
    table.add_row(
        "all", "", str(overall.get("n_items")), str(overall.get("n_variants")),
        format_points(overall.get("acc_original")), format_points(overall.get("acc_variant")),
        format_points(overall.get("drop"), signed=True),
        format_interval(overall.get("ci_low"), overall.get("ci_high")), format_p(overall.get("p_value")),
    )  # fmt: skip
    console.print(table)
    signals = Table(title="memorization signals")
    keep = [SIGNAL_COLUMNS.index(name) for name in ("signal", "value", "interval", "n", "q")]
    for index in keep:
        signals.add_column(SIGNAL_COLUMNS[index])
    for row in signal_rows(report):
        signals.add_row(*[str(row[index]) for index in keep])
    if signals.row_count:
        console.print(signals)
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
