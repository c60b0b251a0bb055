"""The corpus-overlap split of a run's report (`overlap_split`), as Markdown lines and HTML.

Accuracy on originals found in the training corpus against those not found, overall and per
match class, with the gap's interval and p-value, and the top matches with the matched words
marked. Absent from reports of runs without `--overlap`: both renderers then return nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from detector.report.display import MISSING, format_interval, format_points

COLUMNS = ["match class", "found: items", "found: accuracy", "not found: items", "not found: accuracy",
           "gap (points)", "p"]


def _p(value: Any) -> str:
    if not isinstance(value, int | float):
        return MISSING
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _points(value: Any) -> float | None:
    return value * 100 if isinstance(value, int | float) else None


def _accuracy(block: Mapping[str, Any]) -> str:
    if block.get("accuracy") is None:
        return MISSING
    interval = format_interval(_points(block.get("ci_low")), _points(block.get("ci_high")))
    return f"{format_points(_points(block['accuracy']))} {interval}"


def _gap(block: Mapping[str, Any]) -> str:
    if block.get("estimate") is None:
        return MISSING
    interval = format_interval(_points(block.get("ci_low")), _points(block.get("ci_high")))
    return f"{format_points(_points(block['estimate']), signed=True)} {interval}"


def split_rows(split: Mapping[str, Any]) -> list[list[str]]:
    """One row for every match class together, then one per class (against items not found)."""
    blocks = [("any", split)]
    by_class = split.get("by_class")
    if isinstance(by_class, Mapping):
        blocks.extend((str(name), block) for name, block in by_class.items() if isinstance(block, Mapping))
    rows = []
    for name, block in blocks:
        found, not_found, gap = (block.get(k) or {} for k in ("found", "not_found", "gap"))
        rows.append([name, str(found.get("n_items", MISSING)), _accuracy(found),
                     str(not_found.get("n_items", MISSING)), _accuracy(not_found), _gap(gap),
                     _p(gap.get("p_value"))])
    return rows


def _source_note(split: Mapping[str, Any]) -> str:
    source = split.get("source") or {}
    return (
        f"Overlap scan: {source.get('overlap_dir', MISSING)} ({source.get('method', MISSING)}, "
        f"{source.get('documents', MISSING)} documents). {split.get('method', '')}. Accuracy on originals "
        "in points (0-100) with 95% intervals; gap = found minus not found."
    )


def markdown_section(report: Mapping[str, Any], escape: Callable[[Any], str]) -> list[str]:
    """Markdown lines of the section, [] when the report has no `overlap_split`."""
    split = report.get("overlap_split")
    if not isinstance(split, Mapping):
        return []
    lines = ["## Items found in the training corpus", "", escape(_source_note(split)), ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    lines.extend("| " + " | ".join(escape(c) for c in row) + " |" for row in split_rows(split))
    matches = split.get("top_matches") or []
    if matches:
        lines += ["", "Top matches (matched words in **bold**):", ""]
        for match in matches:
            pieces = match.get("snippet", [])
            snippet = "".join(f"**{escape(p)}**" if flag else escape(p) for p, flag in pieces)
            lines.append(
                f"- {escape(match.get('item_id'))} ({escape(match.get('match_class'))}, similarity "
                f"{escape(match.get('verified_similarity'))}) in {escape(match.get('doc_id'))}: {snippet}"
            )
    return lines


def html_section(report: Mapping[str, Any]) -> str:
    """The HTML section, "" when the report has no `overlap_split`."""
    split = report.get("overlap_split")
    if not isinstance(split, Mapping):
        return ""
    esc = lambda text: html.escape(MISSING if text is None else str(text), quote=True)  # noqa: E731
    header = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
    rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in split_rows(split))
    items = []
    for match in split.get("top_matches") or []:
        pieces = match.get("snippet", [])
        snippet = "".join(f"<mark>{esc(p)}</mark>" if flag else esc(p) for p, flag in pieces)
        items.append(
            f"<li><b>{esc(match.get('item_id'))}</b> ({esc(match.get('match_class'))}, similarity "
            f"{esc(match.get('verified_similarity'))}) in {esc(match.get('doc_id'))} "
            f"<span class=\"muted\">{esc(match.get('corpus_file'))}</span><br>{snippet}</li>"
        )
    listing = f"<h3>Top matches</h3><ul>{''.join(items)}</ul>" if items else ""
    return (
        '<section class="overlap"><h2>Items found in the training corpus</h2>'
        f'<p class="muted">{esc(_source_note(split))}</p>'
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>{listing}</section>"
    )
