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
