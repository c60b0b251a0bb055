"""Inline SVG charts for the HTML report and leaderboard (no JavaScript, no network).

- `family_chart`: one row per family, a dumbbell from accuracy on originals to accuracy on
  variants (0-100), with a whisker that places the interval of the paired drop around the
  variant accuracy: [acc_original - ci_high, acc_original - ci_low].
- `scatter_chart`: one point per model, original accuracy (x) against drop (y) with the drop's
  interval as a vertical whisker, coloured by verdict.

All text (family names, model names) is escaped: it comes from datasets and users.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from detector.report.display import as_number, format_interval, format_points, verdict_label

ORIGINAL_COLOUR = "#1f5fa8"
VARIANT_COLOUR = "#d95f02"
VERDICT_COLOURS: dict[str, str] = {
    "no_evidence": "#1b7f4b",
    "suspicious": "#b8860b",
    "likely_overfit": "#c62828",
    "inconclusive": "#5a5a9a",
}
UNKNOWN_COLOUR = "#6b6b6b"
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def verdict_colour(verdict: Any) -> str:
    """The colour that marks a verdict in charts and badges."""
    return VERDICT_COLOURS.get(verdict, UNKNOWN_COLOUR) if isinstance(verdict, str) else UNKNOWN_COLOUR


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One row of the family chart: a label and accuracies in points (None where missing)."""

    label: str
    acc_original: float | None
    acc_variant: float | None
    ci_low: float | None
    ci_high: float | None
    emphasis: bool = False


def family_rows(report: Mapping[str, Any]) -> list[FamilyRow]:
    """The overall row then one row per family from a report dict."""
    rows: list[FamilyRow] = []
    overall = report.get("overall")
    if isinstance(overall, Mapping):
        rows.append(_row("all families", overall, emphasis=True))
    families = report.get("families")
    for family in families if isinstance(families, list) else []:
        if isinstance(family, Mapping):
            label = f"{family.get('name') or '?'} · {family.get('benchmark') or '?'}"
            rows.append(_row(label, family))
    return rows


def _row(label: str, block: Mapping[str, Any], emphasis: bool = False) -> FamilyRow:
    return FamilyRow(
        label=label,
        acc_original=as_number(block.get("acc_original")),
        acc_variant=as_number(block.get("acc_variant")),
        ci_low=as_number(block.get("ci_low")),
        ci_high=as_number(block.get("ci_high")),
        emphasis=emphasis,
    )


def family_chart(rows: Sequence[FamilyRow]) -> str:
    """A dumbbell chart of accuracy on originals vs variants, one row per family, as inline SVG."""
    label_w, plot_w, right_pad, row_h, top, bottom = 260, 470, 130, 30, 44, 40
    width = label_w + plot_w + right_pad
    height = top + row_h * max(len(rows), 1) + bottom

    def x(points: float) -> float:
        return label_w + plot_w * _clip(points, 0.0, 100.0) / 100.0

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart family-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="13" '
        f'aria-label="Accuracy on originals and variants per family">',
        "<title>Accuracy on originals and variants per family</title>",
        _legend(label_w, 18),
    ]
    axis_bottom = top + row_h * max(len(rows), 1)
    for tick in range(0, 101, 25):
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{axis_bottom}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{tx:.1f}" y="{axis_bottom + 16}" text-anchor="middle" fill="#555">{tick}</text>'
        )
    parts.append(
        f'<text x="{label_w + plot_w / 2:.1f}" y="{axis_bottom + 34}" text-anchor="middle" fill="#333">'
        "accuracy (points)</text>"
    )
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 18}" fill="#555">no families to show</text>')
    for index, row in enumerate(rows):
        parts.append(_family_row(row, top + row_h * index + row_h / 2, label_w, label_w + plot_w + 10, x))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(left: float, y: float) -> str:
    return (
        f'<g class="legend"><circle cx="{left + 6}" cy="{y - 4}" r="6" fill="{ORIGINAL_COLOUR}"/>'
        f'<text x="{left + 16}" y="{y}" fill="#333">original</text>'
        f'<circle cx="{left + 96}" cy="{y - 4}" r="6" fill="{VARIANT_COLOUR}"/>'
        f'<text x="{left + 106}" y="{y}" fill="#333">variant</text>'
        f'<line x1="{left + 180}" y1="{y - 4}" x2="{left + 210}" y2="{y - 4}" stroke="{VARIANT_COLOUR}" '
        f'stroke-width="2"/><text x="{left + 216}" y="{y}" fill="#333">interval of the paired drop</text></g>'
    )


def _family_row(row: FamilyRow, cy: float, label_w: float, value_x: float, x: Any) -> str:
    weight = ' font-weight="bold"' if row.emphasis else ""
    label = row.label if len(row.label) <= 36 else row.label[:35] + "…"
    drop = None
    if row.acc_original is not None and row.acc_variant is not None:
        drop = row.acc_original - row.acc_variant
    tip = (
        f"{row.label}: original {format_points(row.acc_original)}, variant {format_points(row.acc_variant)}, "
        f"drop {format_points(drop, signed=True)} {format_interval(row.ci_low, row.ci_high)}"
    )
    parts = [f'<g class="family-row"><title>{_esc(tip)}</title>']
    parts.append(
        f'<text x="{label_w - 10}" y="{cy + 4:.1f}" text-anchor="end" fill="#222"{weight}>'
        f"{_esc(label)}</text>"
    )
    if row.acc_original is None and row.acc_variant is None:
        parts.append(f'<text x="{label_w + 8}" y="{cy + 4:.1f}" fill="#888">no data</text></g>')
        return "".join(parts)
    if row.acc_original is not None and row.ci_low is not None and row.ci_high is not None:
        lo, hi = x(row.acc_original - row.ci_high), x(row.acc_original - row.ci_low)
        parts.append(
            f'<line class="whisker" x1="{lo:.1f}" y1="{cy:.1f}" x2="{hi:.1f}" y2="{cy:.1f}" '
            f'stroke="{VARIANT_COLOUR}" stroke-width="2"/>'
            + "".join(
                f'<line x1="{end:.1f}" y1="{cy - 6:.1f}" x2="{end:.1f}" y2="{cy + 6:.1f}" '
                f'stroke="{VARIANT_COLOUR}" stroke-width="2"/>'
                for end in (lo, hi)
            )
        )
    if row.acc_original is not None and row.acc_variant is not None:
        parts.append(
            f'<line x1="{x(row.acc_original):.1f}" y1="{cy:.1f}" x2="{x(row.acc_variant):.1f}" y2="{cy:.1f}" '
            'stroke="#999" stroke-width="4" stroke-opacity="0.45"/>'
        )
    # the original is a larger dot under the variant, so equal accuracies show both
    dots = (
        (row.acc_original, ORIGINAL_COLOUR, "original", 7.5),
        (row.acc_variant, VARIANT_COLOUR, "variant", 5.5),
    )
    for value, colour, name, radius in dots:
        if value is not None:
            parts.append(
                f'<circle class="dot-{name}" cx="{x(value):.1f}" cy="{cy:.1f}" r="{radius}" fill="{colour}" '
                'stroke="#fff" stroke-width="1.5"/>'
            )
    parts.append(
        f'<text x="{value_x}" y="{cy + 4:.1f}" fill="#333"{weight}>'
        f"{_esc(format_points(row.acc_original))} → {_esc(format_points(row.acc_variant))}</text>"
    )
    parts.append("</g>")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class ScatterPoint:
    """One model in the leaderboard scatter: accuracies and drop in points, None where missing."""

    label: str
    acc_original: float | None
    drop: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str | None


def scatter_chart(points: Sequence[ScatterPoint], title: str = "Original accuracy vs drop") -> str:
    """Original accuracy (x, 0-100) against drop (y) with interval whiskers, as inline SVG."""
    left, plot_w, right, top, plot_h, bottom = 64, 560, 190, 30, 340, 50
    width, height = left + plot_w + right, top + plot_h + bottom
    shown = [p for p in points if p.acc_original is not None and p.drop is not None]
    values = [0.0, 5.0]
    for p in shown:
        # accuracy drops lie within +-100 points; a damaged report's 1e308 or NaN must not size the axis
        values.extend(
            _clip(v, -100.0, 100.0)
            for v in (p.drop, p.ci_low, p.ci_high)
            if v is not None and math.isfinite(v)
        )
    y_min, y_max = _nice_range(min(values), max(values))

    def sx(points_x: float) -> float:
        return left + plot_w * _clip(points_x, 0.0, 100.0) / 100.0

    def sy(points_y: float) -> float:
        return top + plot_h * (y_max - _clip(points_y, y_min, y_max)) / (y_max - y_min)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart scatter-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="13" '
        f'aria-label="{_esc(title)}"><title>{_esc(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#ccc"/>',
    ]
    for tick in range(0, 101, 20):
        parts.append(
            f'<line x1="{sx(tick):.1f}" y1="{top}" x2="{sx(tick):.1f}" y2="{top + plot_h}" stroke="#e4e4e4"/>'
            f'<text x="{sx(tick):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#555">{tick}</text>'
        )
    for y_tick in _ticks(y_min, y_max):
        stroke = "#888" if y_tick == 0 else "#e4e4e4"
        parts.append(
            f'<line x1="{left}" y1="{sy(y_tick):.1f}" x2="{left + plot_w}" y2="{sy(y_tick):.1f}" '
            f'stroke="{stroke}"/>'
            f'<text x="{left - 8}" y="{sy(y_tick) + 4:.1f}" text-anchor="end" fill="#555">{y_tick:g}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle" fill="#333">'
        "accuracy on originals (points)</text>"
        f'<text transform="translate(16 {top + plot_h / 2}) rotate(-90)" text-anchor="middle" fill="#333">'
        "drop on variants (points)</text>"
    )
    if not shown:
        parts.append(f'<text x="{left + 12}" y="{top + 22}" fill="#555">no model has both numbers</text>')
    for point in shown:
        parts.append(_scatter_point(point, sx, sy))
    parts.append(_verdict_legend(left + plot_w + 16, top + 10))
    parts.append("</svg>")
    return "\n".join(parts)


def _scatter_point(point: ScatterPoint, sx: Any, sy: Any) -> str:
    assert point.acc_original is not None and point.drop is not None
    cx, cy = sx(point.acc_original), sy(point.drop)
    colour = verdict_colour(point.verdict)
    tip = (
        f"{point.label}: original {format_points(point.acc_original)}, drop "
        f"{format_points(point.drop, signed=True)} {format_interval(point.ci_low, point.ci_high)}, "
        f"{verdict_label(point.verdict)}"
    )
    parts = [f'<g class="model-point"><title>{_esc(tip)}</title>']
    if point.ci_low is not None and point.ci_high is not None:
        parts.append(
            f'<line x1="{cx:.1f}" y1="{sy(point.ci_low):.1f}" x2="{cx:.1f}" y2="{sy(point.ci_high):.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    label = point.label if len(point.label) <= 28 else point.label[:27] + "…"
    # labels of points on the right half go to the left of the point, away from the legend
    anchor, tx = ("end", cx - 9) if point.acc_original > 50 else ("start", cx + 9)
    parts.append(
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{colour}" stroke="#fff" stroke-width="1.5"/>'
        f'<text x="{tx:.1f}" y="{cy - 7:.1f}" text-anchor="{anchor}" fill="#222" font-size="12">'
        f"{_esc(label)}</text></g>"
    )
    return "".join(parts)


def _verdict_legend(x0: float, y0: float) -> str:
    parts = ['<g class="legend">']
    for index, verdict in enumerate(("no_evidence", "suspicious", "likely_overfit", "inconclusive", None)):
        y = y0 + 22 * index
        parts.append(
            f'<circle cx="{x0 + 6}" cy="{y}" r="6" fill="{verdict_colour(verdict)}"/>'
            f'<text x="{x0 + 18}" y="{y + 4}" fill="#333">{_esc(verdict_label(verdict))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _nice_range(low: float, high: float) -> tuple[float, float]:
    step = _tick_step(high - low)
    lo, hi = step * math.floor(low / step), step * math.ceil(high / step)
    return (lo, hi if hi > lo else lo + step)


def _tick_step(span: float) -> float:
    for step in (1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0):
        if span / step <= 8:
            return step
    return 100.0


def _ticks(low: float, high: float) -> list[float]:
    step = _tick_step(high - low)
    ticks: list[float] = []
    value = low
    while value <= high + 1e-9 and len(ticks) <= 100:
        ticks.append(round(value, 6))
        value += step
    return ticks
