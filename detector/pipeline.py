"""The probe run: load -> perturb -> render -> query -> score -> analyse -> report.json/report.md.

`run_probe` owns the run directory. Model answers go through the runner's response cache as
they arrive, so a killed run loses no finished work: running the same command again resumes.
`report_run` rebuilds a run's report from its directory alone (`detect report`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from detector.atomic_files import make_staging_dir
from detector.benchmarks import LoadedBenchmark, load_shot_pools, load_sources
from detector.plan import ProbePlan, build_plan
from detector.prompts import render_prompt, select_shots
from detector.provenance import finish_provenance, start_provenance
from detector.report import PublishedReport, publish_report, write_report
from detector.scoring import score_rows
from detector.stats import DEFAULT_BOOTSTRAP, LAB_FILE, analyze_run, answer_rows, check_variant_sets
from detector.stats.attribution import ORDER_FILE
from detector.tables import (
    RESPONSES_SCHEMA,
    frame,
    items_frame,
    read_config,
    read_table,
    variants_frame,
    write_json,
    write_table,
)
from detector.types import BenchmarkItem, Generation, GenParams

if TYPE_CHECKING:
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
    fresh: tuple[str, ...] = ()  # --fresh: sets the model cannot have seen (issue 14)
    order_tests: bool = True  # the order exchangeability tests, for models with prompt log-probabilities
    gen_params: GenParams = field(default_factory=lambda: GenParams(max_tokens=512, temperature=0.0))
    variants: Path | None = None  # an external variant set (detector.external_variants), not families
    endpoint: str | None = None  # "chat" or "completions" for servers (default chat)
    system_prompt: str | None = None
    model_args: tuple[str, ...] = ()  # KEY=VALUE backend settings (device, dtype, batch_size, revision)
    chat_template: bool = True  # hf: prompts through the tokenizer's chat template where it has one
    format: str | None = None  # force the benchmark format
    fields: tuple[str, ...] = ()  # generic field mapping NAME=COLUMN
    command: tuple[str, ...] = ()  # the command line, for provenance
    preflight: bool = True


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
            *_answer_settings(options),
            *([list(options.fresh)] if options.fresh else []),
        ]
        + ([str(options.variants)] if options.variants is not None else []),
        sort_keys=True,
    )
    return Path("runs") / f"{model_slug(options.model)}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def _answer_settings(options: ProbeOptions) -> list[object]:
    """Settings that change the answers, named only when set (earlier run directories keep their name)."""
    settings = {
        "endpoint": options.endpoint, "system_prompt": options.system_prompt,
        "model_args": sorted(options.model_args) or None,
        "chat_template": None if options.chat_template else False,
        "format": options.format, "fields": sorted(options.fields) or None,
    }  # fmt: skip
    chosen = {k: v for k, v in settings.items() if v is not None}
    return [chosen] if chosen else []


def check_families(families: Sequence[str]) -> list[str]:
    """The families to run (all registered when none given). Raises: ValueError for unknown names."""
    from probes import check_families as check_registered

    return check_registered(families)


def make_plan(
    options: ProbeOptions,
    loaded: Sequence[LoadedBenchmark],
    shot_pools: tuple[dict[str, tuple[BenchmarkItem, ...]], dict[str, list[str] | None]] | None = None,
) -> tuple[ProbePlan, dict[str, Any]]:
    """Variants (the perturbation engine) and rendered prompts for the loaded benchmarks."""
    from detector.variants import make_variants

    families = check_families(options.families)
    items = [item for bench in loaded for item in bench.items]
    external: dict[str, Any] = {}
    if options.variants is not None:
        from detector.external_variants import external_variant_set

        variant_set, external = external_variant_set(options.variants, items, options.families)
        families = list(dict.fromkeys(v.family for v in variant_set.variants))
    else:
        variant_set = make_variants(
            items, families, options.per_item, options.seed, progress=options.progress
        )
    pools, shot_sources = shot_pools if shot_pools is not None else load_shot_pools(loaded, options.shots)
    plan = build_plan(
        items,
        variant_set.variants,
        variant_set_sha256=variant_set.sha256,
        shot_pools=pools,
        shots=options.shots,
        skipped=_jsonable(getattr(variant_set, "skipped", {})),
    )
    return plan, {"families": families, "shots_from": shot_sources, "config": external}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def check_fresh(public: Sequence[LoadedBenchmark], fresh: Sequence[LoadedBenchmark]) -> list[str]:
    """The fresh sets' names. Raises: ValueError when a name or an item id is also a public one's."""
    names = {b.name for b in public}
    ids = {item.item_id for b in public for item in b.items}
    for bench in fresh:
        if bench.name in names:
            raise ValueError(
                f"--fresh {bench.path}: its benchmark name {bench.name!r} is also a --benchmark's; "
                "rename the file so the two sets can be told apart"
            )
        clash = next((item.item_id for item in bench.items if item.item_id in ids), None)
        if clash is not None:
            raise ValueError(f"--fresh {bench.path}: item id {clash!r} is also a public item's")
    return [b.name for b in fresh]


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


def model_options(options: ProbeOptions) -> dict[str, Any]:
    """Backend options from `--model-arg`, `--endpoint`, `--system-prompt`, `--chat-template`.

    Raises: ValueError for a setting the backend does not take.
    """
    from detector.models.model_args import SERVER_PROVIDERS, parse_model_args

    provider = options.model.partition("/")[0]
    settings: dict[str, Any] = dict(parse_model_args(options.model_args, provider))
    if options.endpoint is not None:
        if provider not in SERVER_PROVIDERS:
            raise ValueError(f"--endpoint applies to servers (openai/, vllm/, ollama/), not to {provider}/")
        settings["endpoint"] = options.endpoint
    if options.system_prompt is not None:
        if provider == "control":
            raise ValueError("--system-prompt applies to language models, not to control models")
        settings["system_prompt"] = options.system_prompt
    if not options.chat_template:
        if provider != "hf":
            raise ValueError("--no-chat-template applies to hf/ models (servers: --endpoint completions)")
        settings["chat"] = False
    return settings


def open_model(options: ProbeOptions) -> ModelAPI:
    """The backend named by `options.model`, with its `--model-arg` settings.

    Raises: ValueError naming the valid providers (or control models) for a bad spec.
    """
    from detector.models import load_model

    return load_model(options.model, base_url=options.base_url, **model_options(options))


def first_prompt(
    loaded: Sequence[LoadedBenchmark], pools: dict[str, tuple[BenchmarkItem, ...]], shots: int
) -> str | None:
    """The run's first prompt (the first original item, as the plan renders it), before perturbing."""
    for bench in loaded:
        if bench.items:
            item = bench.items[0]
            return render_prompt(item, shots=select_shots(pools.get(item.benchmark, ()), item, shots))
    return None


def run_preflight(options: ProbeOptions, model: ModelAPI, prompt: str | None) -> Any:
    """Check the server before any perturbing (see `detector.models.preflight`).

    Raises: PreflightError.
    """
    from detector.models import ResponseCache, default_cache_path
    from detector.models.preflight import ServerCheck, preflight

    if not options.preflight or prompt is None:
        return ServerCheck()
    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    try:
        return preflight(model, cache, prompt, options.gen_params)
    finally:
        if cache is not None:
            cache.close()


def query(
    options: ProbeOptions, plan: ProbePlan, model: ModelAPI
) -> tuple[list[Generation], pl.DataFrame | None]:
    """Ask `model` every prompt of the plan through the runner (cache, retries, concurrency).

    When the model gives token log-probabilities, also score every original and variant text
    for the likelihood (membership) signal; else the second value is None. Closes the model.
    """
    from detector.models import ResponseCache, Runner, default_cache_path, prepare_for_plan

    prepare_for_plan(model, plan)  # control models learn their answer key here
    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    runner = Runner(model, cache, concurrency=options.concurrency, progress=options.progress)
    try:  # runner.close() also closes the model
        generations = runner.generate(plan.prompts, options.gen_params)
        membership = None
        if runner.stopped is None and runner.supports_logprobs():
            from detector.membership import membership_rows

            membership = membership_rows(runner.logprobs, plan.items, plan.variants)
        if runner.capability_error is not None:
            _say(options, f"warning: {runner.capability_error}; the membership signal is left out")
        return generations, membership
    finally:
        runner.close()
        if cache is not None:
            cache.close()


def _say(options: ProbeOptions, text: str) -> None:
    """A line for the person at the terminal (commands run with progress on)."""
    if options.progress:
        print(text, file=sys.stderr, flush=True)


def stopped_reason(generations: Sequence[Generation]) -> str | None:
    """Why the runner stopped asking (the server stopped answering), if it did."""
    from detector.models.runner import STOPPED_PREFIX

    for gen in generations:
        if gen.error is not None and gen.error.startswith(STOPPED_PREFIX):
            return gen.error.removeprefix(STOPPED_PREFIX)
    return None
class _LeftOpen:
    """A model whose `close` does nothing, so that one runner can be closed before the next uses it."""

    def __init__(self, model: ModelAPI):
        self._model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def close(self) -> None:
        return None


def order_data(
    options: ProbeOptions, plan: ProbePlan, model: ModelAPI, fresh_names: Sequence[str]
) -> dict[str, Any] | None:
    """The order tests' log-likelihoods (detector.membership.order) of the plan's public items,
    for a model that gives prompt log-probabilities; None otherwise. Leaves the model open."""
    if not options.order_tests:
        return None
    from detector.membership.order import order_scores
    from detector.models import ResponseCache, Runner, default_cache_path

    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    runner = Runner(_LeftOpen(model), cache, concurrency=options.concurrency)  # type: ignore[arg-type]
    try:
        if not runner.supports_logprobs():  # asked once, cached with the answers
            return None
        return order_scores(runner.logprobs, plan.items, seed=options.seed, skip_benchmarks=fresh_names)
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


CHARS_PER_TOKEN = 4  # a rough average for English prompts under common BPE tokenizers


@dataclass(frozen=True)
class DryRunRow:
    """What one benchmark x family would cost: prompts to ask and estimated tokens."""

    benchmark: str
    family: str  # "original" for the unperturbed items
    items: int
    variants: int
    requests: int
    prompt_tokens: int
    output_tokens: int  # the most: requests x --max-tokens


def dry_run(options: ProbeOptions) -> list[DryRunRow]:
    """Load, perturb and render exactly as `run_probe` would, and count; sends nothing.

    Raises: BenchmarkFormatError / ValueError for bad input, as `run_probe`.
    """
    loaded = load_sources(
        options.benchmarks, options.limit, seed=options.seed, format=options.format, fields=options.fields
    )
    check_families(options.families)
    open_model(options).close()  # the spec and its settings are checked; no request is made
    plan, _ = make_plan(options, loaded)
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in plan.rows:
        groups.setdefault((row.parent.benchmark, row.family or "original"), []).append(row)
    out = []
    for (bench, family), rows in groups.items():
        unique = set(r.prompt for r in rows)
        out.append(
            DryRunRow(
                benchmark=bench,
                family=family,
                items=len({r.parent.item_id for r in rows}),
                variants=sum(1 for r in rows if r.variant is not None),
                requests=len(unique),
                prompt_tokens=sum(len(p) for p in unique) // CHARS_PER_TOKEN,
                output_tokens=len(unique) * options.gen_params.max_tokens,
            )
        )
    return out


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
                _say(options, f"warning: {name} has no dev/train split beside it: --shots {options.shots} "
                     "runs 0-shot for it (shots_from is null in config.json)")
        check = run_preflight(options, model, first_prompt(loaded, pools[0], options.shots))
        if check.note is not None:
            _say(options, f"warning: {check.note}")
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
    _say(options, f"{hits} of {len(generations)} answers came from the cache")
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
    report = publish_run(run_dir, _jsonable(config), tables, lab_ground_truth(options.model), order)
    n_failed = sum(1 for g in generations if g.error is not None)
    return ProbeResult(run_dir, report, len(generations), n_failed, stopped)
