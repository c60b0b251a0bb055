"""`detect benchmarks`."""

from __future__ import annotations

import typer

from detector.cli.errors import not_implemented

HELP = "List benchmark formats, bundled fixtures and named benchmarks; `show SOURCE` loads one."

app = typer.Typer(no_args_is_help=False, invoke_without_command=True)


@app.callback()
def list_benchmarks(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        not_implemented("benchmarks")
