"""report.md: the audit of one run as Markdown, rendered from the report dict (report.json).

Benchmark and model text is untrusted: inline text is escaped (Markdown syntax, HTML and table
pipes) and long text goes into fenced code blocks whose fence is longer than any backtick run
inside, so nothing from a dataset or a model can turn into markup or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from detector.report.display import (
    ACCURACY_COLUMNS,
    MISSING,
    SIGNAL_COLUMNS,
    accuracy_cells,
    calibration_note,
    example_choices,
    format_interval,
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
from detector.report.overlap_split import markdown_section
from detector.safe_text import printable

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_BACKTICKS = re.compile(r"`+")
MAX_EXAMPLE_CHARS = 2000


def escape_inline(text: Any) -> str:
    """Untrusted text as one line of inert Markdown (safe in paragraphs and table cells)."""
    value = MISSING if text is None else str(text)
    # entities, not backslashes: renderers that predate CommonMark would let `\<img ...>` through
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return " ".join(value.split())


def fenced(text: Any) -> str:
    """Untrusted text as a fenced code block that its own backticks cannot close."""
    value = "" if text is None else str(text)
    if len(value) > MAX_EXAMPLE_CHARS:
        value = value[:MAX_EXAMPLE_CHARS] + " [...]"
    longest = max((len(run) for run in _BACKTICKS.findall(value)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{value}\n{fence}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _points_with_interval(block: Any) -> str:
    block = block if isinstance(block, Mapping) else {}
    estimate = format_points(block.get("estimate"), signed=True)
    interval = format_interval(block.get("ci_low"), block.get("ci_high"))
    if estimate == MISSING:
        return f"{MISSING} (could not be computed)"
    return f"{estimate} accuracy points" + ("" if interval == MISSING else f", interval {interval}")


def _headline(report: Mapping[str, Any]) -> list[str]:
    model = escape_inline(report.get("model"))
    verdict = report.get("verdict")
    note = verdict_note(verdict)
    lines = [f"# Overfitting audit: {model}", ""]
    lines.append(f"**Verdict: {escape_inline(verdict_label(verdict))}**" + (f" — {note}." if note else ""))
    lines.append("")
    title = escape_inline(score_title(report))
    lines.append(f"- **{title}:** {_points_with_interval(report.get('overfitting_score'))}")
    excess = report.get("excess_drop")
    if isinstance(excess, Mapping):
        lines.append(f"- **Excess drop over reference models:** {_points_with_interval(excess)}")
    note = calibration_note(report.get("calibrated"), report.get("calibration"))
    lines.append(f"- **Calibration:** {escape_inline(note)}")
    benchmarks = [escape_inline(b) for b in get_list(report, "benchmarks")]
    lines.append(f"- **Benchmarks:** {', '.join(benchmarks) if benchmarks else MISSING}")
    return lines


def _evidence(report: Mapping[str, Any]) -> list[str]:
    evidence = [escape_inline(e) for e in get_list(report, "evidence")]
    lines = ["## Evidence", ""]
    lines.extend(f"- {e}" for e in evidence) if evidence else lines.append("No evidence was recorded.")
    for heading, block in verdict_context(report):
        lines.extend(["", f"### {heading}", ""])
        lines.extend(f"- {escape_inline(line)}" for line in block)
    return lines


def _accuracy(report: Mapping[str, Any]) -> list[str]:
    overall = get_block(report, "overall")
    lines = ["## Accuracy on originals and variants", ""]
    lines.append("Accuracy in points (0-100); drop = original minus variant, with its interval.")
    lines.append("")
    rows = [["**all**", "", *accuracy_cells(overall, with_q=False)]]
    for family in get_list(report, "families"):
        if isinstance(family, Mapping):
            name, benchmark = escape_inline(family.get("name")), escape_inline(family.get("benchmark"))
            rows.append([name, benchmark, *accuracy_cells(family)])
    lines.extend(_table(list(ACCURACY_COLUMNS), rows))
    return lines


def _signals(report: Mapping[str, Any]) -> list[str]:
    lines = ["## Memorization signals", ""]
    rows = signal_rows(report)
    if not rows:
        lines.append("No memorization signals were computed for this run.")
        return lines
    escaped = [[escape_inline(cell) if i in (0, 6) else cell for i, cell in enumerate(row)] for row in rows]
    lines.extend(_table(list(SIGNAL_COLUMNS), escaped))
    return lines


def _attribution(report: Mapping[str, Any]) -> list[list[str]]:
    """Fresh sets and order tests (issue 14), as computed; no section without them."""
    from detector.report.attribution import attribution_lines

    lines = attribution_lines(report)
    if not lines:
        return []
    return [["## Fresh sets and order tests", "", fenced("\n".join(lines))]]


def _examples(report: Mapping[str, Any]) -> list[str]:
    examples = [e for e in get_list(report, "examples") if isinstance(e, Mapping)]
    lines = ["## Examples: right on the original, wrong on the variant", ""]
    if not examples:
        lines.append("No item was answered right on the original and wrong on its variant.")
        return lines
    for example in examples:
        lines.append(
            f"### {escape_inline(example.get('family'))}: {escape_inline(example.get('parent_id'))}"
            f" → {escape_inline(example.get('variant_id'))}"
        )
        lines.append("")
        for side in ("original", "variant"):
            lines.append(f"**{side.capitalize()}** (gold: {escape_inline(example.get(f'{side}_gold'))})")
            lines.append("")
            question = "" if example.get(f"{side}_question") is None else str(example.get(f"{side}_question"))
            options = example_choices(example, side)
            lines.append(fenced("\n".join([question, *options]) if options else question))
            lines.append("")
            lines.append("Model answered:")
            lines.append("")
            lines.append(fenced(example.get(f"{side}_response")))
            lines.append("")
    return lines[:-1]


_CODE_FIELDS = frozenset({"variant set sha256"})


def _provenance(report: Mapping[str, Any]) -> list[str]:
    rows = []
    for key, value in provenance_rows(report):
        text = escape_inline(value)
        rows.append([escape_inline(key), f"`{text}`" if key in _CODE_FIELDS else text])
    return ["## Provenance", "", *_table(["field", "value"], rows)]


def render_markdown(report: Mapping[str, Any]) -> str:
    """The report of one run as Markdown; null or missing fields render as an em dash.

    Raises:
        TypeError: when `report` is not a mapping.
    """
    if not isinstance(report, Mapping):
        raise TypeError(f"report must be a mapping (the parsed report.json), not {type(report).__name__}")
    sections = [
        _headline(report),
        _evidence(report),
        _accuracy(report),
        markdown_section(report, escape_inline),
        _signals(report),
        *_attribution(report),
        _examples(report),
        _provenance(report),
    ]
    return printable("\n\n".join("\n".join(section) for section in sections if section) + "\n")
