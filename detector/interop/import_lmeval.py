"""Import lm-evaluation-harness `--log_samples` output of exported detect tasks as a run directory.

lm-eval writes `results_<date>.json` and one `samples_<task>_<date>.jsonl` per task (under
`--output_path`, in a folder named after the model). Each sample holds the document exported by
`detect export lm-eval` (with the full detect row), the arguments sent and the raw responses. The
import rebuilds items and variants from the documents, takes the answer of each (the generated text
of generate_until tasks; the option with the highest loglikelihood of multiple-choice tasks) and
scores it with detect's own scorer, so the run directory has the tables `detect probe` writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from detector.interop.export_lmeval import ORIGINAL, TASK_PREFIX
from detector.plan import ProbePlan, build_plan
from detector.types import BenchmarkFormatError, BenchmarkItem, Variant

IMPORT_VERSION = 1
_SECRET_RE = re.compile(r"key|token|secret|password|auth", re.IGNORECASE)
_FLOAT_RE = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|-?inf|nan")


@dataclass(frozen=True, slots=True)
class Answer:
    """One imported sample: the text detect scores, the context lm-eval sent, the request type."""

    text: str | None
    context: str
    output_type: str
    lmeval_correct: bool | None


@dataclass(frozen=True, slots=True)
class LmevalSamples:
    """What one lm-eval results file and its samples hold for detect's tasks."""

    results_file: Path
    results: Mapping[str, Any]
    rows: tuple[tuple[Mapping[str, Any], Answer], ...]  # (document, answer) in the exported order
    task_metadata: Mapping[str, Mapping[str, Any]]


def find_results(results_dir: Path) -> Path:
    """The newest results_*.json under `results_dir` (lm-eval nests it in a folder per model).

    Raises: ValueError when there is none.
    """
    if not results_dir.is_dir():
        raise ValueError(f"{results_dir}: not a folder (pass lm-eval's --output_path)")
    found = sorted(results_dir.rglob("results_*.json"), key=lambda p: (p.name, str(p)))
    if not found:
        raise ValueError(f"{results_dir}: no results_*.json (was lm_eval run with --output_path here?)")
    return found[-1]


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BenchmarkFormatError(str(path), exc.lineno, None, f"invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise BenchmarkFormatError(str(path), None, None, "expected a JSON object")
    return data


def _loglikelihood(value: Any) -> float:
    """A loglikelihood from a logged response: [ll, greedy] as numbers or as sanitized strings."""
    while isinstance(value, list | tuple) and value:
        value = value[0]
    match = _FLOAT_RE.match(str(value).strip().lstrip("(["))
    if match is None:
        raise ValueError(f"not a loglikelihood: {value!r}")
    return float(match.group(0))


def _arguments(sample: Mapping[str, Any]) -> list[list[Any]]:
    """The request arguments as lists: lm-eval logs them as {gen_args_i: {arg_j: ...}}."""
    args = sample.get("arguments")
    if isinstance(args, Mapping):
        return [list(dict(v).values()) if isinstance(v, Mapping) else [v] for v in args.values()]
    return [list(a) if isinstance(a, list | tuple) else [a] for a in args or []]


def sample_answer(sample: Mapping[str, Any], output_type: str, path: str, line: int) -> Answer:
    """The answer of one sample. Raises: BenchmarkFormatError naming the sample's line and field."""
    doc = sample.get("doc")
    resps = sample.get("resps")
    if not isinstance(doc, Mapping) or not isinstance(resps, list):
        raise BenchmarkFormatError(path, line, "doc" if not isinstance(doc, Mapping) else "resps", "missing")
    args = _arguments(sample)
    context = str(args[0][0]) if args and args[0] else ""
    metric = sample.get("acc", sample.get("exact_match"))
    lmeval_correct = None if metric is None else float(metric) >= 0.5
    if output_type == "multiple_choice":
        labels = list(doc.get("labels") or [])
        if len(resps) != len(labels):
            raise BenchmarkFormatError(
                path, line, "resps", f"{len(resps)} responses for {len(labels)} options"
            )
        try:
            scores = [_loglikelihood(r) for r in resps]
        except ValueError as exc:
            raise BenchmarkFormatError(path, line, "resps", str(exc)) from exc
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))  # ties: the first, as lm-eval's argmax
        return Answer(labels[best], context, output_type, lmeval_correct)
    first = resps[0] if resps else None
    while isinstance(first, list) and first:
        first = first[0]
    return Answer(None if first is None else str(first), context, output_type, lmeval_correct)


def read_samples(results_dir: Path) -> LmevalSamples:
    """Read the newest lm-eval results file and the samples of its detect tasks.

    Raises: ValueError / BenchmarkFormatError when the results name no exported detect task or a
    samples file is missing or malformed.
    """
    results_file = find_results(results_dir)
    results = _load_json(results_file)
    configs = results.get("configs") or {}
    date = results_file.stem.removeprefix("results_")
    metadata: dict[str, Mapping[str, Any]] = {}
    rows: list[tuple[Mapping[str, Any], Answer]] = []
    for task, config in sorted(configs.items()):
        meta = (config or {}).get("metadata") or {}
        if not task.startswith(TASK_PREFIX) or "variant_set_sha256" not in meta:
            continue
        metadata[task] = meta
        path = results_file.parent / f"samples_{task}_{date}.jsonl"
        if not path.exists():
            raise ValueError(f"{path}: missing (run lm_eval with --log_samples)")
        output_type = str(config.get("output_type"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                sample = json.loads(text)
            except json.JSONDecodeError as exc:
                raise BenchmarkFormatError(str(path), number, None, f"invalid JSON: {exc.msg}") from exc
            answer = sample_answer(sample, output_type, str(path), number)
            doc = sample["doc"]
            if "detect_row" not in doc:
                raise BenchmarkFormatError(
                    str(path), number, "doc.detect_row", "missing (not a detect export)"
                )
            rows.append((doc, answer))
    if not metadata:
        raise ValueError(
            f"{results_file}: no task exported by `detect export lm-eval` (detect_* with metadata)"
        )
    shas = {str(m["variant_set_sha256"]) for m in metadata.values()}
    if len(shas) > 1:
        raise ValueError(f"{results_file}: tasks of {len(shas)} different variant sets; import one at a time")
    rows.sort(key=lambda pair: int(pair[0].get("order", 0)))
    return LmevalSamples(results_file, results, tuple(rows), metadata)


def _item(row: Mapping[str, Any]) -> BenchmarkItem:
    metadata = {str(k): str(v) for k, v in (row.get("metadata") or {}).items()}
    return BenchmarkItem(
        benchmark=str(row["benchmark"]), item_id=str(row["item_id"]), question=str(row["question"]),
        answer=str(row["answer"]), choices=tuple(row.get("choices") or ()),
        labels=tuple(row.get("labels") or ()), solution=row.get("solution"), metadata=metadata,
    )  # fmt: skip


def rebuild_plan(samples: LmevalSamples) -> tuple[ProbePlan, list[Answer], dict[str, Any]]:
    """Items, variants and the plan of the answered documents, with their answers in plan order.

    A variant whose original was not answered (lm_eval --limit) cannot be paired; it is left out
    and counted. Raises: BenchmarkFormatError for a document whose detect row is broken.
    """
    from detector.variant_table import variant_from_row
    from detector.variants import VariantSet

    items: dict[str, tuple[BenchmarkItem, Answer]] = {}
    variants: dict[str, tuple[Variant, Answer]] = {}
    for number, (doc, answer) in enumerate(samples.rows, start=1):
        try:
            row = json.loads(str(doc["detect_row"]))
        except json.JSONDecodeError as exc:
            raise BenchmarkFormatError(str(samples.results_file), number, "detect_row", exc.msg) from exc
        if doc.get("role") == "original" or doc.get("family") == ORIGINAL:
            items[str(row["item_id"])] = (_item(row), answer)
        else:
            variant = variant_from_row(row, str(samples.results_file), number)
            variants[variant.variant_id] = (variant, answer)
    paired = [(v, a) for v, a in variants.values() if v.parent_id in items]
    exported_sha = next(iter({str(m["variant_set_sha256"]) for m in samples.task_metadata.values()}))
    answered_sha = VariantSet(tuple(v for v, _ in paired)).sha256
    plan = build_plan([i for i, _ in items.values()], [v for v, _ in paired], variant_set_sha256=exported_sha)
    answers = [a for _, a in items.values()] + [a for _, a in paired]
    coverage = {
        "exported_variant_set_sha256": exported_sha, "answered_variant_set_sha256": answered_sha,
        "n_variants_unpaired": len(variants) - len(paired),
    }  # fmt: skip
    return plan, answers, coverage


def model_name(results: Mapping[str, Any]) -> str:
    """`lm-eval/<model type>/<model name>`, e.g. lm-eval/local-completions/control."""
    config = results.get("config") or {}
    name = (
        results.get("model_name") or _model_args(config).get("model") or _model_args(config).get("pretrained")
    )
    return f"lm-eval/{config.get('model', 'unknown')}/{name or 'unknown'}"


def _model_args(config: Mapping[str, Any]) -> dict[str, Any]:
    args = config.get("model_args")
    if isinstance(args, Mapping):
        return dict(args)
    if isinstance(args, str):
        return dict(part.split("=", 1) for part in args.split(",") if "=" in part)
    return {}


def provenance(samples: LmevalSamples, agreement: Mapping[str, int]) -> dict[str, Any]:
    """lm-eval's model, arguments (secrets redacted), versions and files, for config.json."""
    results = samples.results
    config = results.get("config") or {}
    args = {k: ("<redacted>" if _SECRET_RE.search(k) else v) for k, v in _model_args(config).items()}
    return {
        "results_file": str(samples.results_file), "model": config.get("model"), "model_args": args,
        "model_name": results.get("model_name"), "lm_eval_version": results.get("lm_eval_version"),
        "transformers_version": results.get("transformers_version"), "git_hash": results.get("git_hash"),
        "date": results.get("date"), "gen_kwargs": config.get("gen_kwargs"), "limit": config.get("limit"),
        "random_seed": config.get("random_seed"), "chat_template_sha": results.get("chat_template_sha"),
        "system_instruction_sha": results.get("system_instruction_sha"), "n-shot": results.get("n-shot"),
        "task_versions": results.get("versions"), "tasks": sorted(samples.task_metadata),
        "metric_agreement": dict(agreement),
    }  # fmt: skip


def responses(plan: ProbePlan, answers: Sequence[Answer]) -> pl.DataFrame:
    """The responses table: the context lm-eval sent and the answer detect scored."""
    from detector.tables import RESPONSES_SCHEMA, frame

    columns: dict[str, list[Any]] = {name: [] for name in RESPONSES_SCHEMA}
    for row, answer in zip(plan.rows, answers, strict=True):
        values = {
            "prompt_id": row.prompt_id, "role": row.role, "benchmark": row.parent.benchmark,
            "parent_id": row.parent.item_id, "family": row.family, "prompt": answer.context,
            "text": answer.text, "error": None if answer.text is not None else "no response logged",
            "finish_reason": "loglikelihood" if answer.output_type == "multiple_choice" else None,
            "latency_s": None, "cached": False,
        }  # fmt: skip
        for name, value in values.items():
            columns[name].append(value)
    return frame(columns, "responses")


def import_lmeval(results_dir: Path, run_dir: Path) -> dict[str, Any]:
    """Build the run directory `run_dir` from lm-eval output in `results_dir`; returns the report.

    Raises: ValueError / BenchmarkFormatError for output that is not of exported detect tasks.
    """
    from detector.pipeline import CONFIG_SCHEMA_VERSION, publish_run
    from detector.scoring.table import score_rows
    from detector.tables import items_frame, variants_frame

    if run_dir.exists() and not run_dir.is_dir():
        raise ValueError(f"{run_dir}: exists and is not a directory")
    samples = read_samples(results_dir)
    plan, answers, coverage = rebuild_plan(samples)
    scores = score_rows(plan.rows, [a.text for a in answers])
    agreement = {"agree": 0, "disagree": 0}
    for correct, answer in zip(scores["correct"].to_list(), answers, strict=True):
        if answer.lmeval_correct is not None and correct is not None:
            agreement["agree" if answer.lmeval_correct == correct else "disagree"] += 1
    meta = next(iter(samples.task_metadata.values()))
    benchmarks: dict[str, dict[str, Any]] = {}
    for item in plan.items:
        entry = benchmarks.setdefault(
            item.benchmark, {"name": item.benchmark, "path": None, "format": None, "n_items": 0}
        )
        entry["n_items"] += 1
    for task_meta in samples.task_metadata.values():
        if task_meta.get("benchmark") in benchmarks:
            benchmarks[str(task_meta["benchmark"])]["path"] = task_meta.get("source")
    families = list(dict.fromkeys(v.family for v in plan.variants))
    config = {
        "schema_version": CONFIG_SCHEMA_VERSION, "created_by": "detect import lm-eval",
        "model": model_name(samples.results), "benchmarks": list(benchmarks.values()),
        "families": families, "per_item": meta.get("per_item"), "limit": meta.get("limit"),
        "seed": int(meta.get("seed") or 0), "shots": 0, "shots_from": {}, "references": [],
        "variant_set_sha256": coverage["answered_variant_set_sha256"], **coverage,
        "n_items": len(plan.items), "n_variants": len(plan.variants), "skipped": {},
        "gen_params": (samples.results.get("config") or {}).get("gen_kwargs"),
        "lmeval": provenance(samples, agreement), "import_version": IMPORT_VERSION,
    }  # fmt: skip
    tables = {
        "items": items_frame(plan.items), "variants": variants_frame(plan.variants),
        "responses": responses(plan, answers), "scores": scores,
    }  # fmt: skip
    return publish_run(run_dir, json.loads(json.dumps(config, default=str)), tables)
