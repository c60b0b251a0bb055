"""The `detect` command line: each command lives in its own module and calls the library.

Command modules import heavy dependencies inside their functions so that
`detect --help` stays instant.
"""

from __future__ import annotations

import typer

from detector.cli import (
    benchmarks,
    export,
    importing,
    lab,
    leaderboard,
    overlap,
    perturb,
    probe,
    report,
    selftest,
)

app = typer.Typer(
    name="detect",
    help=(
        "Audit whether a language model's benchmark scores are real: perturb benchmark items "
        "with known answers, measure the paired score drop, look for memorization and for "
        "benchmark text in training corpora."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



def _print_version(value: bool) -> None:
    if value:
        from detector import __version__

        typer.echo(f"detect {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    return None


app.command("probe", help=probe.HELP)(probe.probe)
app.command("perturb", help=perturb.HELP)(perturb.perturb)
app.command("overlap", help=overlap.HELP)(overlap.overlap)
app.command("report", help=report.HELP)(report.report)
app.command("leaderboard", help=leaderboard.HELP)(leaderboard.leaderboard)
app.command("selftest", help=selftest.HELP)(selftest.selftest)
app.add_typer(benchmarks.app, name="benchmarks", help=benchmarks.HELP)
app.add_typer(lab.app, name="lab", help=lab.HELP)
app.add_typer(export.app, name="export", help=export.HELP)
app.add_typer(importing.app, name="import", help=importing.HELP)
