"""`detect perturb`."""

from __future__ import annotations

from detector.cli.errors import not_implemented

HELP = "Write verified perturbed variants of benchmark items (with recomputed gold answers) to Parquet/JSONL."


def perturb() -> None:
    not_implemented("perturb")
