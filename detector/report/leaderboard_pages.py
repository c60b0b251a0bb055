"""The leaderboard as Markdown and as a self-contained HTML page, one table per variant set."""

from __future__ import annotations

import html
from collections.abc import Sequence

from detector.report.html import page
from detector.report.leaderboard import (
    COLUMNS,
    NUMERIC_COLUMNS,
    LeaderboardGroup,
    display_cells,
    group_title,
    mixed_sets_note,
    scatter_svg,
    verdict_style,
)
from detector.report.markdown import escape_inline
from detector.safe_text import printable

SCORE_NOTE = (
    "Sorted by overfitting score (accuracy points lost on the variants; the excess over reference "
    "models where references were given). Drop = accuracy on originals minus accuracy on variants, "
    "with its interval."
)


def render_leaderboard_markdown(groups: Sequence[LeaderboardGroup]) -> str:
    """The leaderboard as Markdown: one table per variant set, model names escaped."""
    lines = ["# Overfitting leaderboard", "", SCORE_NOTE]
    note = mixed_sets_note(groups)
    if note:
        lines += ["", f"**Note:** {note}"]
    for group in groups:
        lines += ["", f"## {escape_inline(group_title(group))}", ""]
        if group.variant_set_sha256:
            lines += [f"Variant set sha256: `{escape_inline(group.variant_set_sha256)}`", ""]
        header = ["rank", *COLUMNS]
        lines.append("| " + " | ".join(header) + " |")
        aligns = ["---:" if h == "rank" or h in NUMERIC_COLUMNS else "---" for h in header]
        lines.append("|" + "|".join(aligns) + "|")
        for rank, row in enumerate(group.rows, start=1):
            cells = display_cells(row)
            # only the model and verdict words come from outside; the rest are our own number formats
            texts = [escape_inline(cells[c]) if c in ("model", "verdict") else cells[c] for c in COLUMNS]
            lines.append("| " + " | ".join([str(rank), *texts]) + " |")
    return printable("\n".join(lines) + "\n")


def _html_table(group: LeaderboardGroup) -> str:
    head = "".join(
        f'<th class="{"num" if c in NUMERIC_COLUMNS or c == "rank" else ""}">{html.escape(c)}</th>'
        for c in ("rank", *COLUMNS)
    )
    body = []
    for rank, row in enumerate(group.rows, start=1):
        cells = display_cells(row)
        tds = [f'<td class="num">{rank}</td>']
        for column in COLUMNS:
            value = html.escape(cells[column])
            if column == "verdict":
                tds.append(f'<td class="nowrap" style="{verdict_style(row.verdict)}">{value}</td>')
            elif column == "model":
                tds.append(f'<td class="nowrap" title="{html.escape(row.run_dir)}">{value}</td>')
            else:
                tds.append(f'<td class="num">{value}</td>')
        body.append(f"<tr>{''.join(tds)}</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="table-wrap">{table}</div>'


def render_leaderboard_html(groups: Sequence[LeaderboardGroup]) -> str:
    """The leaderboard as a self-contained HTML page: per variant set, a table and a scatter."""
    parts = [
        '<section class="summary"><h1>Overfitting leaderboard</h1>'
        f'<p class="muted">{html.escape(SCORE_NOTE)}</p>'
    ]
    note = mixed_sets_note(groups)
    if note:
        parts.append(f'<p class="warning"><strong>Note:</strong> {html.escape(note)}</p>')
    parts.append("</section>")
    for group in groups:
        sha = group.variant_set_sha256
        parts.append(
            f'<section class="group"><h2>{html.escape(group_title(group))}</h2>'
            + (f'<p class="muted">Variant set sha256: <code>{html.escape(sha)}</code></p>' if sha else "")
            + _html_table(group)
            + '<h3 style="margin-top:18px">Original accuracy vs drop</h3>'
            + f'<div class="chart-wrap">{scatter_svg(group)}</div></section>'
        )
    return page("Overfitting leaderboard", "".join(parts))


def print_leaderboard(groups: Sequence[LeaderboardGroup]) -> None:
    """The leaderboard on the terminal: the mixed-sets note, then one rich table per variant set."""
    from rich.table import Table
    from rich.text import Text

    from detector.report.summary import wide_console

    console = wide_console()
    note = mixed_sets_note(groups)
    if note:
        console.print(Text(printable(f"Note: {note}"), style="bold yellow"))
    for group in groups:
        table = Table(title=Text(printable(group_title(group))), title_justify="left")
        table.add_column("rank", justify="right")
        for column in COLUMNS:
            if column in NUMERIC_COLUMNS:
                table.add_column(Text(column), justify="right", overflow="fold")
            else:
                table.add_column(Text(column), justify="left", overflow="fold")
        for rank, row in enumerate(group.rows, start=1):
            cells = display_cells(row)
            table.add_row(str(rank), *(Text(printable(cells[c])) for c in COLUMNS))
        console.print(table)
