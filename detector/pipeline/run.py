"""The probe run: load -> perturb -> render -> query -> score -> analyse -> report.json/report.md.

`run_probe` wires the steps and owns the run directory. Model answers go through the runner's
response cache as they arrive, so a killed run loses no finished work: running the same command
again resumes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detector.benchmarks import load_shot_pools, load_sources
from detector.pipeline.inputs import check_families, check_fresh, make_plan, reference_rows
from detector.pipeline.options import ProbeOptions, default_run_dir, say
from detector.pipeline.querying import (
    first_prompt,
    model_options,
    open_model,
    order_data,
    query,
    run_preflight,
    stopped_reason,
)
from detector.pipeline.run_dir import (
    CONFIG_SCHEMA_VERSION,
    jsonable,
    lab_ground_truth,
    publish_run,
    responses_frame,
)
from detector.provenance import finish_provenance, start_provenance
from detector.scoring import score_rows
from detector.tables import items_frame, variants_frame


@dataclass(frozen=True)
class ProbeResult:
    """The run directory written, its report, and how many requests failed for good."""

    run_dir: Path
    report: dict[str, Any]
    n_requests: int
    n_failed: int
    stopped: str | None = None  # the server stopped answering: the run ended early

    def too_many_failed(self, max_fraction: float) -> bool:
        """Whether more than `max_fraction` of the requests failed."""
        return self.n_requests > 0 and self.n_failed / self.n_requests > max_fraction


def run_probe(options: ProbeOptions) -> ProbeResult:
    """Run the whole audit and write the run directory; returns the report.

    Raises: BenchmarkFormatError / ValueError for bad input: sources, families and the model
    spec are checked before any perturbation work, references before any model is queried.
    The run directory is complete even when requests failed (failures are rows with `error`).
    Interrupted (Ctrl-C), it writes nothing: answers already received are in the response
    cache, so the same command resumes.
    """
    run_dir = options.out or default_run_dir(options)
    if run_dir.exists() and not run_dir.is_dir():
        raise ValueError(f"{run_dir}: exists and is not a directory (--out names the run directory)")
    loaded = load_sources(
        options.benchmarks, options.limit, seed=options.seed, format=options.format, fields=options.fields
    )  # cheap: before loading any weights
    fresh_names: list[str] = []
    if options.fresh:
        fresh_loaded = load_sources(
            options.fresh, options.limit, seed=options.seed, format=options.format, fields=options.fields
        )
        fresh_names = check_fresh(loaded, fresh_loaded)
        loaded = [*loaded, *fresh_loaded]
    check_families(options.families)
    model = open_model(options)  # before the perturbation work, so a bad spec fails at once
    try:
        pools = load_shot_pools(loaded, options.shots)
        for name, source in pools[1].items():
            if source is None:
                say(options, f"warning: {name} has no dev/train split beside it: --shots {options.shots} "
                     "runs 0-shot for it (shots_from is null in config.json)")
        check = run_preflight(options, model, first_prompt(loaded, pools[0], options.shots))
        if check.note is not None:
            say(options, f"warning: {check.note}")
        provenance = start_provenance(model, options.gen_params, options.command, model_options(options))
        plan, extra = make_plan(options, loaded, pools)
        references = reference_rows(options.references, plan.variant_set_sha256)
    except BaseException:
        model.close()
        raise
    try:
        order = order_data(options, plan, model, fresh_names)  # issue 14: order exchangeability
    except BaseException:
        model.close()
        raise
    generations, membership = query(options, plan, model)
    stopped = stopped_reason(generations)
    provenance = finish_provenance(
        provenance, server_model_id=check.server_model_id, served_models=check.served_models,
        fingerprint=check.fingerprint, generations=generations, stopped=stopped,
    )  # fmt: skip
    hits = provenance["cache_hits"]
    say(options, f"{hits} of {len(generations)} answers came from the cache")
    scores = score_rows(plan.rows, [g.text if g.error is None else None for g in generations])
    config = {
        "schema_version": CONFIG_SCHEMA_VERSION, "created_by": "detect probe", "model": options.model,
        "benchmarks": [{"name": b.name, "path": b.path, "format": b.format, "n_items": len(b.items)}
                       for b in loaded],
        "families": extra["families"], "per_item": options.per_item, "limit": options.limit,
        "seed": options.seed, "shots": options.shots, "shots_from": extra["shots_from"],
        "references": [str(p) for p in options.references], "variant_set_sha256": plan.variant_set_sha256,
        "n_items": len(plan.items), "n_variants": len(plan.variants), "skipped": plan.skipped,
        "gen_params": dataclasses.asdict(options.gen_params), "n_bootstrap": options.n_bootstrap,
        "max_failed_fraction": options.max_failed_fraction, "provenance": provenance,
        **({"fresh_benchmarks": fresh_names} if fresh_names else {}),
    }  # fmt: skip
    config.update(extra["config"])  # --variants: the file and how its rows paired
    tables = {
        "items": items_frame(plan.items), "variants": variants_frame(plan.variants),
        "responses": responses_frame(plan, generations), "scores": scores,
    }  # fmt: skip
    if references is not None:
        tables["references"] = references
    if membership is not None:
        tables["membership"] = membership
    report = publish_run(run_dir, jsonable(config), tables, lab_ground_truth(options.model), order)
    n_failed = sum(1 for g in generations if g.error is not None)
    return ProbeResult(run_dir, report, len(generations), n_failed, stopped)
