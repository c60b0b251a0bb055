"""The probe run: load -> perturb -> render -> query -> score -> analyse -> report.json/report.md.

The front door of the run, one concept a module:

- `options`: what a run takes (`ProbeOptions`) and its default run directory;
- `inputs`: the families, fresh sets, plan and reference runs, checked before any model is asked;
- `querying`: talking to the model (open, preflight, ask every prompt, order log-likelihoods);
- `run_dir`: the run directory, written all at once, and its report rebuilt from it alone;
- `cost`: the dry run, which counts what a run would ask;
- `run`: `run_probe`, which wires them.
"""

from __future__ import annotations

from detector.benchmarks import load_sources
from detector.pipeline.cost import CHARS_PER_TOKEN, DryRunRow, dry_run
from detector.pipeline.inputs import check_families, check_fresh, make_plan, reference_rows
from detector.pipeline.options import (
    DEFAULT_MAX_FAILED_FRACTION,
    DEFAULT_PER_ITEM,
    ProbeOptions,
    default_run_dir,
    model_slug,
)
from detector.pipeline.querying import (
    first_prompt,
    model_options,
    open_model,
    order_data,
    query,
    run_preflight,
    stopped_reason,
)
from detector.pipeline.run import ProbeResult, run_probe
from detector.pipeline.run_dir import (
    CONFIG_SCHEMA_VERSION,
    RUN_DIR_MODE,
    lab_ground_truth,
    publish_run,
    rebuild_report,
    report_run,
    responses_frame,
)

__all__ = [
    "CHARS_PER_TOKEN",
    "CONFIG_SCHEMA_VERSION",
    "DEFAULT_MAX_FAILED_FRACTION",
    "DEFAULT_PER_ITEM",
    "RUN_DIR_MODE",
    "DryRunRow",
    "ProbeOptions",
    "ProbeResult",
    "check_families",
    "check_fresh",
    "default_run_dir",
    "dry_run",
    "first_prompt",
    "lab_ground_truth",
    "load_sources",
    "make_plan",
    "model_options",
    "model_slug",
    "open_model",
    "order_data",
    "publish_run",
    "query",
    "rebuild_report",
    "reference_rows",
    "report_run",
    "responses_frame",
    "run_preflight",
    "run_probe",
    "stopped_reason",
]
