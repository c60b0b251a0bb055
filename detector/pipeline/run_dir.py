"""The run directory: its files written all at once (`publish_run`) and its report rebuilt from
it alone (`report_run`, behind `detect report`)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from detector.atomic_files import make_staging_dir
from detector.plan import ProbePlan
from detector.report import PublishedReport, publish_report, write_report
from detector.stats import LAB_FILE, analyze_run
from detector.stats.attribution import ORDER_FILE
from detector.tables import RESPONSES_SCHEMA, frame, write_json, write_table
from detector.types import Generation

CONFIG_SCHEMA_VERSION = 1
RUN_DIR_MODE = 0o755  # mkdtemp makes the staging folder owner-only; a run directory is meant to be shared


def jsonable(value: Any) -> Any:
    """`value` as config.json holds it: JSON types only (anything else as its str), keys sorted."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def responses_frame(plan: ProbePlan, generations: Sequence[Generation]) -> pl.DataFrame:
    columns: dict[str, list[Any]] = {name: [] for name in RESPONSES_SCHEMA}
    for row, gen in zip(plan.rows, generations, strict=True):
        values = {
            "prompt_id": row.prompt_id,
            "role": row.role,
            "benchmark": row.parent.benchmark,
            "parent_id": row.parent.item_id,
            "family": row.family,
            "prompt": row.prompt,
            "text": gen.text,
            "error": gen.error,
            "finish_reason": gen.finish_reason,
            "latency_s": gen.latency_s,
            "cached": gen.cached,
        }
        for name, value in values.items():
            columns[name].append(value)
    return frame(columns, "responses")


def lab_ground_truth(model_spec: str) -> Path | None:
    """The `lab.json` of a lab twin model (`hf/BUILD/contaminated`), to be copied into its run."""
    from detector.lab import lab_for_model

    return lab_for_model(model_spec)


def rebuild_report(run_dir: Path) -> bool:
    """Analyse the run's tables, then rebuild report.json and report.md; False when there are no tables.

    A directory that holds a report.json but no config.json (a report shared without its tables)
    is left as it is.
    """
    if not (run_dir / "config.json").exists() and (run_dir / "report.json").exists():
        return False
    write_report(run_dir, analyze_run(run_dir))
    return True


def report_run(
    run_dir: str | Path, *, html_path: str | Path | None = None, md_path: str | Path | None = None
) -> PublishedReport:
    """`detect report`: rebuild the run's report from its directory alone, then write the pages asked for.

    Raises:
        ValueError: when the run directory or its report is missing or malformed.
    """
    directory = Path(run_dir)
    if not directory.is_dir():
        raise ValueError(f"{directory}: not a directory (expected a `detect probe` run directory)")
    rebuilt = rebuild_report(directory)
    return publish_report(directory, html_path=html_path, md_path=md_path, rebuilt=rebuilt)


def publish_run(
    run_dir: Path,
    config: dict[str, Any],
    tables: dict[str, pl.DataFrame],
    lab: Path | None = None,
    order: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write config, tables, the lab's ground truth (`lab`, if any) and reports into a staging
    folder, then move them into `run_dir`.

    Nothing in `run_dir` changes unless every file was written and the report was built. A new
    run directory appears whole, in one rename; an existing one (a rerun) has each file replaced
    atomically and keeps files of its own (such as a report.html written later).
    """
    staging = make_staging_dir(run_dir)  # also removes the staging folders of killed runs
    try:
        os.chmod(staging, RUN_DIR_MODE)
        for name, table in tables.items():
            write_table(table, staging, name)
        write_json(config, staging / "config.json")
        if lab is not None:
            shutil.copyfile(lab, staging / LAB_FILE)
        if order is not None:
            write_json(order, staging / ORDER_FILE)
        report = write_report(staging, analyze_run(staging))
        if not run_dir.exists():
            os.rename(staging, run_dir)
            return report
        for optional in ("references", "membership"):
            if optional not in tables:
                (run_dir / f"{optional}.parquet").unlink(missing_ok=True)
        if lab is None:
            (run_dir / LAB_FILE).unlink(missing_ok=True)
        if order is None:
            (run_dir / ORDER_FILE).unlink(missing_ok=True)
        for path in sorted(staging.iterdir()):
            os.replace(path, run_dir / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report
