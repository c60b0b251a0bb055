"""`detect leaderboard`."""

from __future__ import annotations

from detector.cli.errors import not_implemented

HELP = "Rank several runs by overfitting score (Markdown, HTML, CSV)."


def leaderboard() -> None:
    not_implemented("leaderboard")
