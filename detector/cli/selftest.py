"""`detect selftest`."""

from __future__ import annotations

from detector.cli.errors import not_implemented

HELP = "Check the instrument on control models: false-flag rate on clean, detection rate on contaminated."


def selftest() -> None:
    not_implemented("selftest")
