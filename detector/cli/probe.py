"""`detect probe`."""

from __future__ import annotations

from detector.cli.errors import not_implemented

HELP = "Audit a model: query it on items and verified variants, test the paired drop, give a verdict."


def probe() -> None:
    not_implemented("probe")
