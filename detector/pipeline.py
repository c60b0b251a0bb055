"""The probe run: load -> perturb -> render -> query -> score -> tables -> report.json/report.md.

`run_probe` owns the run directory. Model answers go through the runner's response cache as
they arrive, so a killed run loses no finished work: running the same command again resumes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from detector.atomic_files import make_staging_dir
from detector.plan import ProbePlan, build_plan, register_control_cases
from detector.prompts import shot_files
from detector.report.build import read_config, write_report
from detector.report.tables import (
    RESPONSES_SCHEMA,
    frame,
    items_frame,
    read_table,
    variants_frame,
    write_json,
    write_table,
)
from detector.scoring.table import score_rows
from detector.stats.analysis import answer_rows
from detector.stats.calibration import check_variant_sets
from detector.stats.paired import DEFAULT_BOOTSTRAP
from detector.types import BenchmarkItem, Generation, GenParams

if TYPE_CHECKING:
    from detector.benchmarks import LoadedBenchmark
    from detector.models import ModelAPI

CONFIG_SCHEMA_VERSION = 1
DEFAULT_PER_ITEM = 2
DEFAULT_MAX_FAILED_FRACTION = 0.1
RUN_DIR_MODE = 0o755  # mkdtemp makes the staging folder owner-only; a run directory is meant to be shared


@dataclass(frozen=True)
class ProbeOptions:
    """Everything `detect probe` takes; see `detect probe --help`."""

    model: str
    benchmarks: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    per_item: int = DEFAULT_PER_ITEM
    limit: int | None = None
    seed: int = 0
    shots: int = 0
    out: Path | None = None
    references: tuple[Path, ...] = ()
    concurrency: int = 8
    base_url: str | None = None
    use_cache: bool = True
    max_failed_fraction: float = DEFAULT_MAX_FAILED_FRACTION
    progress: bool = False
    n_bootstrap: int = DEFAULT_BOOTSTRAP
    gen_params: GenParams = field(default_factory=lambda: GenParams(max_tokens=512, temperature=0.0))


@dataclass(frozen=True)
class ProbeResult:
    """The run directory written, its report, and how many requests failed for good."""

    run_dir: Path
    report: dict[str, Any]
    n_requests: int
    n_failed: int

    def too_many_failed(self, max_fraction: float) -> bool:
        """Whether more than `max_fraction` of the requests failed."""
        return self.n_requests > 0 and self.n_failed / self.n_requests > max_fraction


def model_slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", spec).strip("-") or "model"


def default_run_dir(options: ProbeOptions) -> Path:
    """runs/<model-slug>-<hash of what decides the answers>: the same command resumes the same run."""
    key = json.dumps(
        [
            options.model,
            list(options.benchmarks),
            list(options.families),
            options.per_item,
            options.limit,
            options.seed,
            options.shots,
            dataclasses.asdict(options.gen_params),
        ],
        sort_keys=True,
    )
    return Path("runs") / f"{model_slug(options.model)}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def load_sources(sources: Sequence[str], limit: int | None) -> list[LoadedBenchmark]:
    """The benchmarks to probe (the bundled defaults when none given), each cut to `limit` items.

    Raises: BenchmarkFormatError, ValueError from the loaders.
    """
    from detector.benchmarks import load_benchmark, load_default_benchmarks

    loaded = [load_benchmark(s) for s in sources] if sources else load_default_benchmarks()
    if limit is not None:
        loaded = [dataclasses.replace(b, items=b.items[:limit]) for b in loaded]
    return loaded


def load_shot_pools(
    loaded: Sequence[LoadedBenchmark], shots: int
) -> tuple[dict[str, tuple[BenchmarkItem, ...]], dict[str, list[str] | None]]:
    """Dev/train items per benchmark for few-shot prompts, and where they came from (or why not)."""
    from detector.benchmarks.loading import load_files

    pools: dict[str, tuple[BenchmarkItem, ...]] = {}
    sources: dict[str, list[str] | None] = {}
    if shots <= 0:
        return pools, sources
    for bench in loaded:
        files = shot_files(bench.path)
        if not files:
            sources[bench.name] = None
            continue
        pool = load_files(files, f"{bench.name}_shots", bench.format, None, str(files[0]))
        pools[bench.name] = pool.items
        sources[bench.name] = [str(f) for f in files]
    return pools, sources


def check_families(families: Sequence[str]) -> list[str]:
    """The families to run (all registered when none given). Raises: ValueError for unknown names."""
    from probes import PROBES

    for name in families:
        if name not in PROBES:
            raise ValueError(f"unknown family {name!r}; valid: {', '.join(PROBES)}")
    return list(families) if families else list(PROBES)


def make_plan(options: ProbeOptions, loaded: Sequence[LoadedBenchmark]) -> tuple[ProbePlan, dict[str, Any]]:
    """Variants (the perturbation engine) and rendered prompts for the loaded benchmarks."""
    from detector.variants import make_variants

    families = check_families(options.families)
    items = [item for bench in loaded for item in bench.items]
    variant_set = make_variants(items, families, options.per_item, options.seed, progress=options.progress)
    pools, shot_sources = load_shot_pools(loaded, options.shots)
    plan = build_plan(
        items,
        variant_set.variants,
        variant_set_sha256=variant_set.sha256,
        shot_pools=pools,
        shots=options.shots,
        skipped=_jsonable(getattr(variant_set, "skipped", {})),
    )
    return plan, {"families": families, "shots_from": shot_sources}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def reference_rows(paths: Sequence[Path], variant_set_sha256: str) -> pl.DataFrame | None:
    """Answer rows of reference runs for calibration, after checking they share the variant set.

    Raises: ValueError (CalibrationError) on a different variant set or a broken run directory.
    """
    if not paths:
        return None
    configs = [(p, read_config(p)) for p in paths]
    check_variant_sets(variant_set_sha256, [(str(p), str(c.get("variant_set_sha256"))) for p, c in configs])
    frames = []
    for path, config in configs:
        rows = answer_rows(read_table(path, "scores"))
        frames.append(
            rows.select(
                pl.lit(str(path)).alias("reference_run"),
                pl.lit(str(config.get("model"))).alias("model"),
                pl.lit(variant_set_sha256).alias("variant_set_sha256"),
                "benchmark",
                "family",
                "parent_id",
                "prompt_id",
                "original_correct",
                "correct",
            )
        )
    return frame(pl.concat(frames).to_dict(as_series=False), "references")


def open_model(options: ProbeOptions) -> ModelAPI:
    """The backend named by `options.model`.

    Raises: ValueError naming the valid providers (or control models) for a bad spec.
    """
    from detector.models import load_model

    return load_model(options.model, base_url=options.base_url)


def query(
    options: ProbeOptions, plan: ProbePlan, model: ModelAPI
) -> tuple[list[Generation], pl.DataFrame | None]:
    """Ask `model` every prompt of the plan through the runner (cache, retries, concurrency).

    When the model gives token log-probabilities, also score every original and variant text
    for the likelihood (membership) signal; else the second value is None. Closes the model.
    """
    from detector.models import ControlModel, ResponseCache, Runner, default_cache_path

    if isinstance(model, ControlModel):
        register_control_cases(plan, model.answer_key)
    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    runner = Runner(model, cache, concurrency=options.concurrency, progress=options.progress)
    try:  # runner.close() also closes the model
        generations = runner.generate(plan.prompts, options.gen_params)
        membership = None
        if runner.supports_logprobs():
            from detector.membership.table import membership_rows

            membership = membership_rows(runner.logprobs, plan.items, plan.variants)
        return generations, membership
    finally:
        runner.close()
        if cache is not None:
            cache.close()


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


def publish_run(run_dir: Path, config: dict[str, Any], tables: dict[str, pl.DataFrame]) -> dict[str, Any]:
    """Write config, tables and reports into a staging folder, then move them into `run_dir`.

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
        report = write_report(staging)
        if not run_dir.exists():
            os.rename(staging, run_dir)
            return report
        for optional in ("references", "membership"):
            if optional not in tables:
                (run_dir / f"{optional}.parquet").unlink(missing_ok=True)
        for path in sorted(staging.iterdir()):
            os.replace(path, run_dir / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


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
    loaded = load_sources(options.benchmarks, options.limit)  # cheap: before loading any weights
    check_families(options.families)
    model = open_model(options)  # before the perturbation work, so a bad spec fails at once
    try:
        plan, extra = make_plan(options, loaded)
        references = reference_rows(options.references, plan.variant_set_sha256)
    except BaseException:
        model.close()
        raise
    generations, membership = query(options, plan, model)
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
        "max_failed_fraction": options.max_failed_fraction,
    }  # fmt: skip
    tables = {
        "items": items_frame(plan.items), "variants": variants_frame(plan.variants),
        "responses": responses_frame(plan, generations), "scores": scores,
    }  # fmt: skip
    if references is not None:
        tables["references"] = references
    if membership is not None:
        tables["membership"] = membership
    report = publish_run(run_dir, _jsonable(config), tables)
    n_failed = sum(1 for g in generations if g.error is not None)
    return ProbeResult(run_dir, report, len(generations), n_failed)
