"""`detect overlap`."""

from __future__ import annotations

from detector.cli.errors import not_implemented

HELP = "Find benchmark items in training corpora (or in another benchmark) with MinHash, verified."


def overlap() -> None:
    not_implemented("overlap")
