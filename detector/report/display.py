"""How report values read to people: numbers, intervals, p-values and verdict words.

Shared by the Markdown, HTML and leaderboard renderers so the three say the same thing.
Missing values (null in report.json) render as an em dash, never as a made-up number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MISSING = "\u2014"

VERDICT_LABELS: dict[str, str] = {
    "no_evidence": "no evidence",
    "suspicious": "suspicious",
    "likely_overfit": "likely overfit",
    "inconclusive": "inconclusive",
}

VERDICT_NOTES: dict[str, str] = {
    "no_evidence": (
        "no test found evidence of memorized benchmark items; this is not a clearance (rephrased-training "
        "contamination and answer-only memorization can pass unseen)"
    ),
    "suspicious": "one kind of evidence that the scores rely on memorized benchmark items; look closer",
    "likely_overfit": "strong or repeated evidence that the scores rely on memorized benchmark items",
    "inconclusive": "too little was scored to say anything either way; see the reasons",
}


def as_number(value: Any) -> float | None:
    """`value` as a finite float, or None when it is null, not a number, NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits in a damaged report.json
        return None
    return number if math.isfinite(number) else None


def format_points(value: Any, *, signed: bool = False, digits: int = 1) -> str:
    """Accuracy points (0-100 scale) with `digits` decimals; optional explicit sign."""
    number = as_number(value)
    if number is None:
        return MISSING
    text = f"{number:+.{digits}f}" if signed else f"{number:.{digits}f}"
    return "0.0" if text in ("-0.0", "+0.0") else text


def format_interval(low: Any, high: Any, *, digits: int = 1) -> str:
    """`[low, high]` in accuracy points, or an em dash when either bound is missing."""
    lo, hi = as_number(low), as_number(high)
    if lo is None or hi is None:
        return MISSING
    return f"[{format_points(lo, digits=digits)}, {format_points(hi, digits=digits)}]"


def format_estimate(block: Mapping[str, Any] | None, *, signed: bool = True) -> str:
    """`estimate [ci_low, ci_high]` from a {estimate, ci_low, ci_high} block."""
    if not isinstance(block, Mapping):
        return MISSING
    estimate = format_points(block.get("estimate"), signed=signed)
    if estimate == MISSING:
        return MISSING
    interval = format_interval(block.get("ci_low"), block.get("ci_high"))
    return estimate if interval == MISSING else f"{estimate} {interval}"


def format_rate(value: Any) -> str:
    """A proportion in [0, 1] as a percentage with one decimal."""
    number = as_number(value)
    return MISSING if number is None else f"{100.0 * number:.1f}%"


def format_rate_interval(low: Any, high: Any) -> str:
    """A proportion interval as percentages."""
    lo, hi = as_number(low), as_number(high)
    if lo is None or hi is None:
        return MISSING
    return f"[{100.0 * lo:.1f}%, {100.0 * hi:.1f}%]"


def format_p(value: Any) -> str:
    """A p- or q-value: `<0.001` below a thousandth, else three decimals."""
    number = as_number(value)
    if number is None:
        return MISSING
    return "<0.001" if number < 0.001 else f"{number:.3f}"


def format_count(value: Any) -> str:
    """An integer count, or an em dash."""
    number = as_number(value)
    return MISSING if number is None else str(int(number))


def format_value(value: Any) -> str:
    """Any scalar from report.json as plain text (numbers rounded to 4 significant digits)."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = as_number(value)
    if number is not None:
        return str(int(number)) if isinstance(value, int) else f"{number:.4g}"
    if isinstance(value, float):
        return MISSING
    return str(value)


def verdict_label(verdict: Any) -> str:
    """Human words for a verdict code; unknown codes are shown as they are."""
    if not isinstance(verdict, str) or not verdict:
        return "no verdict"
    return VERDICT_LABELS.get(verdict, verdict)


def verdict_note(verdict: Any) -> str:
    """One line explaining the verdict, or an empty string for unknown codes."""
    return VERDICT_NOTES.get(verdict, "") if isinstance(verdict, str) else ""


def calibration_note(calibrated: Any, calibration: Any = None) -> str:
    """Say whether the verdict was calibrated against reference models (the run's own words if any)."""
    if isinstance(calibration, Mapping) and isinstance(calibration.get("message"), str):
        return str(calibration["message"])
    if calibrated is True:
        return "calibrated against reference models (excess drop over what references show)"
    return "not calibrated: no reference models were given, so drops are robustness, not evidence"


def score_title(report: Mapping[str, Any]) -> str:
    """What the headline number is: a calibrated excess drop, or a robustness drop and its families."""
    if report.get("calibrated") is True:
        return "Overfitting score (excess drop over reference models)"
    families = ", ".join(str(f) for f in get_list(report, "summarised_families"))
    pooled = f"all families pooled: {families}" if families else "all families pooled"
    return f"Drop on variants ({pooled}; robustness, not evidence)"


def verdict_context(report: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """(heading, lines) blocks around the evidence: why inconclusive, what was scored, robustness.

    Shared by the Markdown and HTML pages and the terminal, so that all say the same thing.
    """
    blocks: list[tuple[str, list[str]]] = []
    reasons = [str(r) for r in get_list(report, "inconclusive_reasons")]
    top = [e for e in get_list(get_block(report, "errors"), "top") if isinstance(e, Mapping)]
    errors = [f"{format_count(e.get('count'))} requests: {e.get('error')}" for e in top]
    if reasons:
        blocks.append(("Why inconclusive", reasons + errors))
    elif errors:
        blocks.append(("Failed requests", errors))
    scored = as_number(report.get("n_scored_parents"))
    if scored is not None:
        families = ", ".join(str(f) for f in get_list(report, "summarised_families")) or MISSING
        mde = format_points(report.get("min_detectable_drop"))
        blocks.append(("What was scored", [
            f"{int(scored)} parent items scored with variants, families: {families}",
            f"smallest drop this run could detect (level 0.01, 80% power): {mde} points",
        ]))  # fmt: skip
        missing = [str(f) for f in get_list(report, "families_not_scored")]
        if missing:
            blocks[-1][1].append(f"families asked for that scored no item: {', '.join(missing)}")
    robustness = [str(r) for r in get_list(report, "robustness")]
    if robustness:
        blocks.append(("Robustness (not evidence of contamination)", robustness))
    return blocks


def flatten_mapping(mapping: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings as (dotted key, scalar) pairs in key order, for free-form blocks."""
    pairs: list[tuple[str, Any]] = []
    for key in sorted(mapping, key=str):
        value = mapping[key]
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            pairs.extend(flatten_mapping(value, f"{name}."))
        elif isinstance(value, list | tuple):
            pairs.append((name, ", ".join(format_value(v) for v in value)))
        else:
            pairs.append((name, value))
    return pairs


def get_block(report: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """report[k1][k2]... as a mapping; an empty mapping wherever the path is missing or null."""
    current: Any = report
    for key in keys:
        if not isinstance(current, Mapping):
            return {}
        current = current.get(key)
    return current if isinstance(current, Mapping) else {}


def get_list(report: Mapping[str, Any], key: str) -> list[Any]:
    """report[key] as a list; empty when missing or null."""
    value = report.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def signal_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """(signal, value, interval, n, p, q, meaning) rows for the memorization signals, as plain text."""
    rows: list[list[str]] = []

    def tests(block: Mapping[str, Any]) -> list[str]:
        return [format_p(block.get("p_value")), format_p(block.get("q_value"))]

    stale = get_block(report, "signals", "stale_answer_rate")
    if stale:
        rows.append(
            [
                "stale answer rate",
                format_rate(stale.get("rate")),
                format_rate_interval(stale.get("ci_low"), stale.get("ci_high")),
                format_count(stale.get("n")),
                *tests(stale),
                f"old answer to a changed question; chance {format_rate(stale.get('chance_rate'))}",
            ]
        )
    echo = get_block(report, "signals", "solution_echo")
    if echo:
        rows.append(
            [
                "solution echo",
                format_value(echo.get("difference")),
                format_interval(echo.get("ci_low"), echo.get("ci_high"), digits=3),
                format_count(echo.get("n")),
                *tests(echo),
                "similarity to the original solution minus to the variant's own: "
                f"{format_value(echo.get('parent'))} vs {format_value(echo.get('own'))}",
            ]
        )
    verbatim = get_block(report, "signals", "verbatim_rate")
    if verbatim:
        rows.append(
            [
                "verbatim continuation",
                format_rate(verbatim.get("rate")),
                format_rate_interval(verbatim.get("ci_low"), verbatim.get("ci_high")),
                format_count(verbatim.get("n")),
                *tests(verbatim),
                "continues a truncated item with its original text"
                + (f"; allowance {format_rate(verbatim['allowance'])}" if "allowance" in verbatim else ""),
            ]
        )
    membership = get_block(report, "signals", "membership")
    if membership:
        auroc = membership.get("auroc")
        rows.append(
            [
                "membership",
                format_value(membership.get("estimate")),
                format_interval(membership.get("ci_low"), membership.get("ci_high"), digits=3),
                format_count(membership.get("n_items")),
                *tests(membership),
                f"originals more likely than their variants ({membership.get('unit', 'nats per token')}, "
                f"{membership.get('score', 'mean_logprob')})"
                + (
                    f"; AUROC {', '.join(f'{k} {format_value(v)}' for k, v in flatten_mapping(auroc))}"
                    if isinstance(auroc, Mapping) and auroc
                    else ""
                ),
            ]
        )
    return rows


SIGNAL_COLUMNS = ("signal", "value", "interval", "n", "p", "q", "what it means")
ACCURACY_COLUMNS = (
    "family",
    "benchmark",
    "items",
    "variants",
    "original",
    "variant",
    "drop",
    "interval",
    "p",
    "q",
)


def accuracy_cells(block: Mapping[str, Any], *, with_q: bool = True) -> list[str]:
    """The numeric cells (items .. q) of one accuracy-table row as plain text; q blank without `with_q`."""
    return [
        format_count(block.get("n_items")),
        format_count(block.get("n_variants")),
        format_points(block.get("acc_original")),
        format_points(block.get("acc_variant")),
        format_points(block.get("drop"), signed=True),
        format_interval(block.get("ci_low"), block.get("ci_high")),
        format_p(block.get("p_value")),
        format_p(block.get("q_value")) if with_q else "",
    ]


def provenance_rows(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, value) rows saying where a report came from, including library versions, as plain text."""
    errors = get_block(report, "errors")
    rows: list[tuple[str, str]] = [
        ("model", format_value(report.get("model"))),
        ("seed", format_value(report.get("seed"))),
        ("variant set sha256", format_value(report.get("variant_set_sha256"))),
        ("benchmarks", ", ".join(str(b) for b in get_list(report, "benchmarks")) or MISSING),
        ("calibrated", format_value(report.get("calibrated"))),
        ("requests", format_count(errors.get("n_requests"))),
        ("failed requests", format_count(errors.get("n_failed"))),
        ("schema version", format_value(report.get("schema_version"))),
        ("created by", format_value(report.get("created_by"))),
    ]
    rows.extend(run_provenance_rows(report))
    versions = flatten_mapping(get_block(report, "versions"))
    rows.extend((f"version: {key}", format_value(value)) for key, value in versions)
    return rows


PROVENANCE_FIELDS = (
    ("base_url", "base url"), ("endpoint", "endpoint"), ("server_model_id", "server model id"),
    ("model_fingerprint", "model fingerprint"), ("model_args", "model args"), ("command", "command"),
    ("started_at", "started at"), ("finished_at", "finished at"), ("cache_hits", "answers from cache"),
    ("n_prompts", "prompts"), ("stopped_early", "stopped early"), ("generation", "generation"),
)  # fmt: skip


def run_provenance_rows(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Rows of the run's `provenance` block (server, endpoint, command, times, settings), if any."""
    block = get_block(report, "provenance")
    rows: list[tuple[str, str]] = []
    for key, label in PROVENANCE_FIELDS:
        value = block.get(key)
        if value is None or value == {} or value == []:
            continue
        if key == "command" and isinstance(value, list):
            text = " ".join(str(part) for part in value)
        elif isinstance(value, dict):
            text = ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
        else:
            text = format_value(value)
        rows.append((label, text))
    return rows


def example_choices(example: Mapping[str, Any], side: str) -> list[str]:
    """The options of one side of an example as "label. text" lines (empty for open questions).

    Uses `{side}_choices` and, where given, `{side}_labels` (optional example keys).
    """
    choices = example.get(f"{side}_choices")
    if not isinstance(choices, list | tuple) or not choices:
        return []
    labels = example.get(f"{side}_labels")
    if not isinstance(labels, list | tuple) or len(labels) != len(choices):
        labels = [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(len(choices))]
    return [f"{label}. {choice}" for label, choice in zip(labels, choices, strict=True)]
