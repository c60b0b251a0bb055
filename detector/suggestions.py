"""Near-miss names: "did you mean ...?" for a mistyped family, fixture, model or command."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """`; did you mean 'x'?` naming the closest valid names, or "" when none is close."""
    choices = [str(v) for v in valid]
    close = difflib.get_close_matches(name, choices, n=2, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=2, cutoff=0.6)]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
