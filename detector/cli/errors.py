"""How commands report failure: one clear line on stderr and a non-zero exit."""

from __future__ import annotations

from typing import NoReturn

import typer

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C (click's own 'Aborted!' exits 1)

# Modules whose own `raise ValueError` sites check what the user gave: a spec, a name, an option,
# a path. A ValueError raised anywhere else (our scoring, polars, numpy) is a bug, not bad input.
INPUT_CHECKING_MODULES = frozenset(
    {
        "detector.pipeline.inputs", "detector.pipeline.querying", "detector.pipeline.run",
        "detector.pipeline.run_dir", "detector.models", "detector.models.runner",
        "detector.models.openai_compat", "detector.stats.verdict", "detector.stats.calibration",
        "detector.benchmarks.loading", "detector.benchmarks.generic", "detector.benchmarks.registry",
        "detector.benchmarks.hub", "detector.benchmarks.sources", "detector.benchmarks.records",
        "detector.variants", "detector.external_variants", "detector.models.model_args",
        "detector.models.control", "detector.models.hf", "probes.registry",
    }
)  # fmt: skip


def is_bad_input(error: BaseException) -> bool:
    """Whether `error` is about the user's input or setup (exit 2) rather than an internal fault.

    Input-format, calibration, missing-file and cache errors are; a plain ValueError is when it
    was raised in one of INPUT_CHECKING_MODULES.
    """
    from detector.models.cache import CacheUnavailableError
    from detector.stats.calibration import CalibrationError
    from detector.types import InputFormatError

    if isinstance(error, InputFormatError | CalibrationError | FileNotFoundError | CacheUnavailableError):
        return True
    if not isinstance(error, ValueError):
        return False
    traceback = error.__traceback__
    if traceback is None:
        return False
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback.tb_frame.f_globals.get("__name__") in INPUT_CHECKING_MODULES


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print `error: message` to stderr and exit with `code`."""
    from detector.safe_text import printable

    typer.echo(f"error: {printable(message)}", err=True)
    raise typer.Exit(code)
