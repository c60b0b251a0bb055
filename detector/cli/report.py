"""`detect report`."""

from __future__ import annotations

from detector.cli.errors import not_implemented

HELP = "Rebuild report.json/report.md from a run directory, and write self-contained HTML."


def report() -> None:
    not_implemented("report")
