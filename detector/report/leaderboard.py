"""A cross-model leaderboard from several run directories (their report.json files).

Runs are only comparable on the same variant set, so rows are grouped by
`variant_set_sha256`: one table (and one scatter) per variant set, never one mixed ranking.
A run whose hash is unknown (null) forms a group of its own. Within a group, rows are sorted by
overfitting score, highest first; runs without a score come last.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from detector.atomic_files import write_text_atomic
from detector.report.charts import ScatterPoint, scatter_chart, verdict_colour
from detector.report.display import (
    MISSING,
    as_number,
    format_count,
    format_interval,
    format_points,
    get_block,
    get_list,
    verdict_label,
)
from detector.safe_text import csv_cell

SUPPORTED_SCHEMA_VERSIONS = (1,)

CSV_SCHEMA: dict[str, Any] = {
    "group": pl.Int64,
    "rank": pl.Int64,
    "model": pl.String,
    "verdict": pl.String,
    "calibrated": pl.Boolean,
    "overfitting_score_points": pl.Float64,
    "overfitting_score_ci_low_points": pl.Float64,
    "overfitting_score_ci_high_points": pl.Float64,
    "acc_original_points": pl.Float64,
    "acc_variant_points": pl.Float64,
    "drop_points": pl.Float64,
    "drop_ci_low_points": pl.Float64,
    "drop_ci_high_points": pl.Float64,
    "excess_drop_points": pl.Float64,
    "excess_drop_ci_low_points": pl.Float64,
    "excess_drop_ci_high_points": pl.Float64,
    "n_items": pl.Int64,
    "n_variants": pl.Int64,
    "variant_set_sha256": pl.String,
    "benchmarks": pl.String,
    "seed": pl.Int64,
    "run_dir": pl.String,
}


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    """One run of one model; accuracies, drops and scores in points (None where missing)."""

    model: str
    run_dir: str
    verdict: str | None
    calibrated: bool
    score: float | None
    score_ci_low: float | None
    score_ci_high: float | None
    acc_original: float | None
    acc_variant: float | None
    drop: float | None
    drop_ci_low: float | None
    drop_ci_high: float | None
    excess_drop: float | None
    excess_ci_low: float | None
    excess_ci_high: float | None
    n_items: int | None
    n_variants: int | None
    variant_set_sha256: str | None
    benchmarks: tuple[str, ...]
    seed: int | None


@dataclass(frozen=True, slots=True)
class LeaderboardGroup:
    """The runs made on one variant set, sorted by overfitting score (highest first)."""

    variant_set_sha256: str | None
    rows: tuple[LeaderboardRow, ...]

    @property
    def benchmarks(self) -> tuple[str, ...]:
        return tuple(sorted({b for row in self.rows for b in row.benchmarks}))


def read_report(run_dir: str | Path) -> dict[str, Any]:
    """The parsed report.json of a run directory.

    Raises:
        ValueError: when the file is missing, is not JSON, or has an unsupported schema version.
    """
    path = Path(run_dir) / "report.json"
    if not path.is_file():
        raise ValueError(f"{path}: not found (is {run_dir} a `detect probe` run directory?)")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", 1)
        raise ValueError(f"{path}:{line}: not valid JSON ({error})") from error
    except RecursionError:
        raise ValueError(f"{path}: not valid JSON (nested too deeply)") from None
    except ValueError as error:  # a number past Python's 4,300-digit limit
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(report, dict):
        raise ValueError(f"{path}:1: report must be a JSON object")
    version = report.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise ValueError(f"{path}: field schema_version: unsupported value {version!r} (supported: 1)")
    return report


def _int64(value: float | None) -> int | None:
    """A count or seed that fits the table's 64-bit integer column, else None (a damaged report)."""
    return None if value is None or abs(value) >= 2**63 else int(value)


def leaderboard_row(report: Mapping[str, Any], run_dir: str) -> LeaderboardRow:
    """One leaderboard row from a report dict."""
    score = get_block(report, "overfitting_score")
    overall = get_block(report, "overall")
    excess = get_block(report, "excess_drop")
    sha = report.get("variant_set_sha256")
    seed = as_number(report.get("seed"))
    n_items, n_variants = as_number(overall.get("n_items")), as_number(overall.get("n_variants"))
    return LeaderboardRow(
        model=str(report.get("model") or MISSING),
        run_dir=run_dir,
        verdict=report.get("verdict") if isinstance(report.get("verdict"), str) else None,
        calibrated=report.get("calibrated") is True,
        score=as_number(score.get("estimate")),
        score_ci_low=as_number(score.get("ci_low")),
        score_ci_high=as_number(score.get("ci_high")),
        acc_original=as_number(overall.get("acc_original")),
        acc_variant=as_number(overall.get("acc_variant")),
        drop=as_number(overall.get("drop")),
        drop_ci_low=as_number(overall.get("ci_low")),
        drop_ci_high=as_number(overall.get("ci_high")),
        excess_drop=as_number(excess.get("estimate")),
        excess_ci_low=as_number(excess.get("ci_low")),
        excess_ci_high=as_number(excess.get("ci_high")),
        n_items=_int64(n_items),
        n_variants=_int64(n_variants),
        variant_set_sha256=sha if isinstance(sha, str) and sha else None,
        benchmarks=tuple(str(b) for b in get_list(report, "benchmarks")),
        seed=_int64(seed),
    )


def build_leaderboard(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> list[LeaderboardGroup]:
    """Group (run_dir, report) pairs by variant set and sort each group by overfitting score.

    Inconclusive runs come last in their group, whatever their score.

    Groups come in order of their first run on the command line; a run with no variant-set
    hash gets a group of its own, since nothing shows it is comparable with any other run.

    Raises:
        ValueError: when no report is given or a run directory is given twice.
    """
    if not reports:
        raise ValueError("no run directories given")
    seen: set[str] = set()
    buckets: dict[str, list[LeaderboardRow]] = {}
    for run_dir, report in reports:
        key_dir = os.path.realpath(run_dir)
        if key_dir in seen:
            raise ValueError(f"{run_dir}: run directory given twice")
        seen.add(key_dir)
        row = leaderboard_row(report, run_dir)
        key = row.variant_set_sha256 or f"unknown:{key_dir}"
        buckets.setdefault(key, []).append(row)
    groups = []
    for rows in buckets.values():
        # An inconclusive run's score says nothing: it ranks after every run that scored enough.
        ordered = sorted(
            rows,
            key=lambda r: (
                r.verdict == "inconclusive", r.score is None, -(r.score or 0.0), r.model, r.run_dir,
            ),  # fmt: skip
        )
        groups.append(LeaderboardGroup(rows[0].variant_set_sha256, tuple(ordered)))
    return groups


def load_leaderboard(run_dirs: Sequence[str | Path]) -> list[LeaderboardGroup]:
    """Read each run directory's report.json and build the grouped leaderboard.

    Raises:
        ValueError: as `read_report` and `build_leaderboard`.
    """
    return build_leaderboard([(str(d), read_report(d)) for d in run_dirs])


def leaderboard_frame(groups: Sequence[LeaderboardGroup]) -> pl.DataFrame:
    """All groups as one tidy table (one row per run) with a `group` column and the variant-set hash."""
    records = []
    for group_index, group in enumerate(groups, start=1):
        for rank, row in enumerate(group.rows, start=1):
            records.append(
                {
                    "group": group_index, "rank": rank, "model": row.model, "verdict": row.verdict,
                    "calibrated": row.calibrated, "overfitting_score_points": row.score,
                    "overfitting_score_ci_low_points": row.score_ci_low,
                    "overfitting_score_ci_high_points": row.score_ci_high,
                    "acc_original_points": row.acc_original, "acc_variant_points": row.acc_variant,
                    "drop_points": row.drop, "drop_ci_low_points": row.drop_ci_low,
                    "drop_ci_high_points": row.drop_ci_high, "excess_drop_points": row.excess_drop,
                    "excess_drop_ci_low_points": row.excess_ci_low,
                    "excess_drop_ci_high_points": row.excess_ci_high,
                    "n_items": row.n_items, "n_variants": row.n_variants,
                    "variant_set_sha256": row.variant_set_sha256, "benchmarks": ",".join(row.benchmarks),
                    "seed": row.seed, "run_dir": row.run_dir,
                }
            )
    return pl.DataFrame(records, schema=CSV_SCHEMA) if records else pl.DataFrame(schema=CSV_SCHEMA)


def write_leaderboard_csv(groups: Sequence[LeaderboardGroup], path: str | Path) -> None:
    """The leaderboard as CSV (polars), written atomically."""
    table = leaderboard_frame(groups)
    text_columns = [name for name, dtype in table.schema.items() if dtype == pl.String]
    # model and benchmark names come from outside: no cell may start a spreadsheet formula
    table = table.with_columns(pl.col(text_columns).map_elements(csv_cell, return_dtype=pl.String))
    write_text_atomic(path, table.write_csv())


def group_title(group: LeaderboardGroup) -> str:
    """A heading naming the variant set a table was measured on."""
    sha = group.variant_set_sha256
    name = f"variant set {sha[:12]}" if sha else "unknown variant set"
    benchmarks = ", ".join(group.benchmarks) or MISSING
    return f"{name} ({benchmarks})"


def display_cells(row: LeaderboardRow) -> dict[str, str]:
    """A row's values as display text, keyed by column name; shared by every renderer."""
    excess = MISSING
    if row.calibrated:
        excess = _with_interval(row.excess_drop, row.excess_ci_low, row.excess_ci_high)
    return {
        "model": row.model,
        "verdict": verdict_label(row.verdict),
        "original": format_points(row.acc_original),
        "variant": format_points(row.acc_variant),
        "drop [interval]": _with_interval(row.drop, row.drop_ci_low, row.drop_ci_high),
        "excess drop [interval]": excess,
        "overfitting score [interval]": _with_interval(row.score, row.score_ci_low, row.score_ci_high),
        "items": format_count(row.n_items),
    }


def _with_interval(estimate: float | None, low: float | None, high: float | None) -> str:
    text = format_points(estimate, signed=True)
    interval = format_interval(low, high)
    return text if text == MISSING or interval == MISSING else f"{text} {interval}"


COLUMNS = (
    "model", "verdict", "original", "variant", "drop [interval]", "excess drop [interval]",
    "overfitting score [interval]", "items",
)
NUMERIC_COLUMNS = frozenset(COLUMNS) - {"model", "verdict"}


def mixed_sets_note(groups: Sequence[LeaderboardGroup]) -> str | None:
    """A warning when runs were made on different variant sets, else None."""
    if len(groups) < 2:
        return None
    return (
        f"These runs used {len(groups)} different variant sets, so they are shown in separate tables: "
        "scores are comparable only within a table."
    )


def scatter_points(group: LeaderboardGroup) -> list[ScatterPoint]:
    """The scatter of original accuracy against drop for one group."""
    return [
        ScatterPoint(r.model, r.acc_original, r.drop, r.drop_ci_low, r.drop_ci_high, r.verdict)
        for r in group.rows
    ]


def verdict_style(verdict: str | None) -> str:
    """Inline CSS colour for a verdict cell."""
    return f"color:{verdict_colour(verdict)};font-weight:600"


def scatter_svg(group: LeaderboardGroup) -> str:
    """The scatter chart of one group as inline SVG."""
    return scatter_chart(scatter_points(group), title=f"Original accuracy vs drop, {group_title(group)}")
