"""`detect lab`."""

from __future__ import annotations

import typer

from detector.cli.errors import not_implemented

HELP = "Build twin small language models with known contamination (extra `lab`)."

app = typer.Typer(no_args_is_help=True)


@app.command("build")
def build() -> None:
    """Train a clean and a contaminated twin on the same background text."""
    not_implemented("lab build")
