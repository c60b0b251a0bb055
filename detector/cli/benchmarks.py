"""`detect benchmarks`: list formats, bundled fixtures and named hub benchmarks; `show` loads one."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from detector.cli.errors import fail

HELP = (
    "List benchmark formats, bundled fixtures and named hub benchmarks; `show SOURCE` loads one."
    "\n\n"
    "A SOURCE is a file, an MMLU-style folder of *_test.csv files, a bundled fixture name or "
    "hub:NAME (a named one below, or any hub dataset as hub:owner/name[:config][@split], split "
    "test by default). The format is detected from the content or forced with --format."
    "\n\n"
    "Examples:\n"
    "  detect benchmarks\n"
    "  detect benchmarks show gsm8k --limit 2\n"
    "  detect benchmarks show path/to/mmlu/ --json\n"
    "  detect benchmarks show data.csv --field question=prompt --field answer=target --field choices=options"
)

app = typer.Typer(no_args_is_help=False, invoke_without_command=True)


@app.callback()
def list_benchmarks(ctx: typer.Context) -> None:
    """List the formats we read, the bundled fixtures (with counts) and the named hub benchmarks."""
    if ctx.invoked_subcommand is not None:
        return
    from detector.benchmarks import FORMATS, HUB_BENCHMARKS, list_fixtures

    try:
        fixtures = list_fixtures()
    except ValueError as exc:
        fail(str(exc))
    typer.echo("Formats (detected from content; force with --format):")
    from detector.cli.terminal import fit_line

    for spec in FORMATS.values():
        typer.echo(fit_line(f"  {spec.name:<10} {spec.description}", indent=13))
    typer.echo("\nBundled fixtures (the default benchmark; pass the name as SOURCE):")
    for fixture in fixtures:
        counted = f"{fixture.count:>4} items"
        typer.echo(f"  {fixture.name:<12} {fixture.format:<10} {counted}  {fixture.description}")
    typer.echo("\nNamed hub benchmarks (SOURCE hub:NAME; pip install 'detect-overfit[hub]'):")
    for hub in HUB_BENCHMARKS.values():
        config = f" ({hub.config})" if hub.config else ""
        typer.echo(f"  hub:{hub.name:<14} {hub.dataset}{config}, split {hub.split}")
    typer.echo("  hub:owner/name[:config][@split]   any other hub dataset (default split: test)")


@app.command("show")
def show(
    source: Annotated[str, typer.Argument(help="A file, an MMLU-style folder, a fixture name or hub:NAME.")],
    format: Annotated[str | None, typer.Option("--format", help="Force the format.")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", help="Generic mapping NAME=COLUMN, e.g. question=prompt.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[
        int, typer.Option("--limit", help="How many items to print (the count is of all items).")
    ] = 3,
) -> None:
    """Load SOURCE and print its format, item count and first items."""
    from detector.benchmarks import benchmark_summary, load_benchmark, parse_field_options
    from detector.safe_text import printable

    try:
        fields = parse_field_options(field or []) or None
        loaded = load_benchmark(source, format=format, fields=fields)
    except ValueError as exc:
        fail(str(exc))
    if json_output:
        typer.echo(printable(json.dumps(benchmark_summary(loaded, limit), ensure_ascii=False, indent=2)))
        return
    lines = [f"{loaded.name}: {len(loaded.items)} items, format {loaded.format} ({loaded.path})"]
    for item in loaded.items[: max(limit, 0)]:
        lines.append(f"\n[{item.item_id}] {item.question}")
        for label, choice in zip(item.labels, item.choices, strict=True):
            lines.append(f"  {label}. {choice}")
        lines.append(f"  gold: {item.answer}")
    for line in lines:  # benchmark text is untrusted: no escape sequence reaches the terminal
        typer.echo(printable(line))
