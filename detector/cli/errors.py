"""How commands report failure: one clear line on stderr and a non-zero exit."""

from __future__ import annotations

from typing import NoReturn

import typer

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C (click's own 'Aborted!' exits 1)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print `error: message` to stderr and exit with `code`."""
    from detector.safe_text import printable

    typer.echo(f"error: {printable(message)}", err=True)
    raise typer.Exit(code)
