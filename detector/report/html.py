"""report.html: the audit of one run as one self-contained page, rendered from the report dict.

Inline CSS and inline SVG only: no scripts, no fonts or images from the network. A
Content-Security-Policy meta tag forbids loading anything at view time. Every piece of text
from a dataset, a model or a user is escaped with `html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from detector.report.charts import family_chart, family_rows, verdict_colour
from detector.report.display import (
    ACCURACY_COLUMNS,
    MISSING,
    SIGNAL_COLUMNS,
    accuracy_cells,
    calibration_note,
    example_choices,
    format_count,
    format_interval,
    format_p,
    format_points,
    get_block,
    get_list,
    provenance_rows,
    score_title,
    signal_rows,
    verdict_context,
    verdict_label,
    verdict_note,
)
from detector.report.overlap_split import html_section
from detector.safe_text import printable

MAX_EXAMPLE_CHARS = 4000
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

PAGE_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1d1f23;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 6px; word-break: break-word; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 0 0 8px; word-break: break-word; }
section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 18px 22px;
  margin: 16px 0; }
.subtitle { color: #555; margin: 0 0 14px; }
.verdict { display: inline-block; color: #fff; font-weight: 700; padding: 4px 12px; border-radius: 14px;
  letter-spacing: .02em; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 14px; }
.card { flex: 1 1 220px; border: 1px solid #e1e4e8; border-radius: 8px; padding: 12px 16px;
  background: #fbfbfc; }
.card .label { color: #555; font-size: 13px; }
.card .value { font-size: 26px; font-weight: 700; }
.card .interval { color: #444; }
ul.evidence { margin: 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eceef1; vertical-align: top; }
th { background: #f6f7f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.nowrap { white-space: nowrap; }
.table-wrap { overflow-x: auto; }
tr.overall td { font-weight: 700; }
.chart-wrap { overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; }
.example { border-top: 1px solid #eceef1; padding-top: 14px; margin-top: 14px; }
.example:first-of-type { border-top: 0; margin-top: 0; padding-top: 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.side { border: 1px solid #e1e4e8; border-radius: 6px; padding: 10px 12px; background: #fbfbfc;
  min-width: 0; }
.side h4 { margin: 0 0 6px; font-size: 14px; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0 10px; padding: 8px 10px;
  background: #f1f2f4; border-radius: 4px;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.gold { font-weight: 600; }
ul.choices { margin: 0 0 8px; padding-left: 20px; font-size: 14px; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
.muted { color: #666; }
section.provenance th { width: 14em; }
.warning { background: #fff4d6; border: 1px solid #e6c36a; border-radius: 6px; padding: 8px 12px; }
footer { color: #666; font-size: 13px; text-align: center; margin-top: 24px; }
@media (max-width: 720px) { .pair { grid-template-columns: 1fr; } }
"""


def _esc(text: Any) -> str:
    return html.escape(MISSING if text is None else str(text), quote=True)


def _clip(text: Any) -> str:
    value = "" if text is None else str(text)
    return value if len(value) <= MAX_EXAMPLE_CHARS else value[:MAX_EXAMPLE_CHARS] + " [...]"


_POINTS_UNIT = '<span class="muted" style="font-size:15px"> points</span>'


def _score_card(label: str, block: Any) -> str:
    block = block if isinstance(block, Mapping) else {}
    estimate = format_points(block.get("estimate"), signed=True)
    interval = format_interval(block.get("ci_low"), block.get("ci_high"))
    return (
        f'<div class="card"><div class="label">{_esc(label)}</div>'
        f'<div class="value">{_esc(estimate)}{"" if estimate == MISSING else _POINTS_UNIT}</div>'
        f'<div class="interval">interval {_esc(interval)}</div></div>'
    )


def _p_phrase(p_value: Any) -> str:
    text = format_p(p_value)
    return f"p {text[0]} {text[1:]}" if text.startswith("<") else f"p = {text}"


def _header(report: Mapping[str, Any]) -> str:
    verdict = report.get("verdict")
    overall = get_block(report, "overall")
    note = verdict_note(verdict)
    score = report.get("overfitting_score")
    cards = [_score_card(score_title(report), score)]
    if isinstance(report.get("excess_drop"), Mapping):
        cards.append(_score_card("Excess drop over reference models", report.get("excess_drop")))
    cards.append(
        '<div class="card"><div class="label">Accuracy: originals → variants</div>'
        f'<div class="value">{_esc(format_points(overall.get("acc_original")))} → '
        f'{_esc(format_points(overall.get("acc_variant")))}</div>'
        f'<div class="interval">{_esc(format_count(overall.get("n_items")))} items, '
        f'{_esc(format_count(overall.get("n_variants")))} variants, {_esc(_p_phrase(overall.get("p_value")))}'
        "</div></div>"
    )
    benchmarks = ", ".join(str(b) for b in get_list(report, "benchmarks")) or MISSING
    return (
        f'<section class="summary"><h1>Overfitting audit: {_esc(report.get("model"))}</h1>'
        f'<p class="subtitle">Benchmarks: {_esc(benchmarks)}</p>'
        f'<p><span class="verdict" style="background:{verdict_colour(verdict)}">'
        f"{_esc(verdict_label(verdict))}</span> {_esc(note + '.' if note else '')}</p>"
        f'<p class="muted">{_esc(calibration_note(report.get("calibrated"), report.get("calibration")))}.</p>'
        f'<div class="cards">{"".join(cards)}</div></section>'
    )


def _evidence(report: Mapping[str, Any]) -> str:
    items = "".join(f"<li>{_esc(e)}</li>" for e in get_list(report, "evidence"))
    body = f'<ul class="evidence">{items}</ul>' if items else '<p class="muted">No evidence was recorded.</p>'
    for heading, lines in verdict_context(report):
        entries = "".join(f"<li>{_esc(line)}</li>" for line in lines)
        body += f'<h3>{_esc(heading)}</h3><ul class="evidence">{entries}</ul>'
    return f'<section class="evidence"><h2>Evidence</h2>{body}</section>'


def _accuracy(report: Mapping[str, Any]) -> str:
    header = "".join(f'<th class="{"num" if i > 1 else ""}">{h}</th>' for i, h in enumerate(ACCURACY_COLUMNS))
    rows = []
    overall = get_block(report, "overall")
    blocks: list[tuple[str, str, Mapping[str, Any], str]] = [("all", "", overall, "overall")]
    for family in get_list(report, "families"):
        if isinstance(family, Mapping):
            blocks.append((str(family.get("name")), str(family.get("benchmark")), family, ""))
    for name, benchmark, block, css in blocks:
        cells = accuracy_cells(block, with_q=not css)
        rows.append(
            f'<tr class="{css}"><td>{_esc(name)}</td><td>{_esc(benchmark)}</td>'
            + "".join(f'<td class="num">{_esc(c)}</td>' for c in cells)
            + "</tr>"
        )
    chart = family_chart(family_rows(report))
    return (
        '<section class="accuracy"><h2>Accuracy on originals and variants</h2>'
        '<p class="muted">Accuracy in points (0-100). The whisker places the interval of the paired drop '
        "(original minus variant, item by item) around the variant accuracy.</p>"
        f'<div class="chart-wrap">{chart}</div>'
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _signals(report: Mapping[str, Any]) -> str:
    rows = signal_rows(report)
    if not rows:
        body = '<p class="muted">No memorization signals were computed for this run.</p>'
    else:
        numeric = range(1, len(SIGNAL_COLUMNS) - 1)
        head = "".join(
            f'<th class="{"num" if i in numeric else ""}">{h}</th>' for i, h in enumerate(SIGNAL_COLUMNS)
        )
        body_rows = "".join(
            "<tr>"
            + "".join(f'<td class="{"num" if i in numeric else ""}">{_esc(c)}</td>' for i, c in enumerate(r))
            + "</tr>"
            for r in rows
        )
        body = f"<table><thead><tr>{head}</tr></thead><tbody>{body_rows}</tbody></table>"
    return f'<section class="signals"><h2>Memorization signals</h2>{body}</section>'


def _attribution(report: Mapping[str, Any]) -> str:
    """Fresh sets and order tests (issue 14) as computed; nothing without them."""
    from detector.report.attribution import attribution_lines

    lines = attribution_lines(report)
    if not lines:
        return ""
    text = _esc("\n".join(lines))
    return f'<section class="attribution"><h2>Fresh sets and order tests</h2><pre>{text}</pre></section>'


def _choices_list(options: list[str]) -> str:
    if not options:
        return ""
    return '<ul class="choices">' + "".join(f"<li>{_esc(_clip(o))}</li>" for o in options) + "</ul>"


def _examples(report: Mapping[str, Any]) -> str:
    examples = [e for e in get_list(report, "examples") if isinstance(e, Mapping)]
    title = "<h2>Examples: right on the original, wrong on the variant</h2>"
    if not examples:
        return (
            f'<section class="examples">{title}<p class="muted">No item was answered right on the original '
            "and wrong on its variant.</p></section>"
        )
    blocks = []
    for example in examples:
        sides = []
        for side in ("original", "variant"):
            sides.append(
                f'<div class="side {side}"><h4>{side.capitalize()}</h4>'
                f"<pre>{_esc(_clip(example.get(f'{side}_question')))}</pre>"
                + _choices_list(example_choices(example, side))
                +
                f'<div>Gold: <span class="gold">{_esc(example.get(f"{side}_gold"))}</span></div>'
                f"<div>Model answered:</div><pre>{_esc(_clip(example.get(f'{side}_response')))}</pre></div>"
            )
        blocks.append(
            f'<div class="example"><h3>{_esc(example.get("family"))}: {_esc(example.get("parent_id"))} → '
            f'{_esc(example.get("variant_id"))}</h3><div class="pair">{"".join(sides)}</div></div>'
        )
    return f'<section class="examples">{title}{"".join(blocks)}</section>'


def _provenance(report: Mapping[str, Any]) -> str:
    rows = provenance_rows(report)
    body = "".join(f"<tr><th>{_esc(k)}</th><td><code>{_esc(v)}</code></td></tr>" for k, v in rows)
    return f'<section class="provenance"><h2>Provenance</h2><table><tbody>{body}</tbody></table></section>'


def page(title: str, body: str) -> str:
    """A complete self-contained HTML document around `body` (already escaped markup), without
    control characters or escape sequences."""
    return printable(
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{PAGE_CSS}</style></head>"
        f"<body><main>{body}"
        "<footer>Made with detect. Gold answers are as each benchmark defines them; variants carry "
        "recomputed gold answers.</footer></main></body></html>\n"
    )


def render_html(report: Mapping[str, Any]) -> str:
    """The report of one run as a self-contained HTML page (inline CSS and SVG, no scripts).

    Raises:
        TypeError: when `report` is not a mapping.
    """
    if not isinstance(report, Mapping):
        raise TypeError(f"report must be a mapping (the parsed report.json), not {type(report).__name__}")
    body = "".join(
        [_header(report), _evidence(report), _accuracy(report), html_section(report), _signals(report),
         _attribution(report), _examples(report), _provenance(report)]
    )
    return page(f"Overfitting audit: {report.get('model') or MISSING}", body)
