"""Export a variant set as an lm-evaluation-harness task folder: one task for the originals and one
per family, grouped per benchmark, run as is by `lm_eval --include_path DIR --tasks detect_<bench>`.

Every document carries the prompt `detect probe` would send (zero-shot), its parent id, variant id,
family, kind and gold, and the whole detect row (`detect_row`, JSON) so that `detect import lm-eval`
can rebuild the run from lm-eval's samples alone. Multiple-choice items are loglikelihood tasks over
the option labels; everything else is generate_until with an answer filter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detector.benchmarks import item_kind
from detector.interop.yaml_text import dump_yaml
from detector.plan import PromptRow, build_plan
from detector.types import BenchmarkItem

if TYPE_CHECKING:
    from detector.benchmarks import LoadedBenchmark
    from detector.variants import VariantSet

TASK_PREFIX = "detect_"
ORIGINAL = "original"
EXPORT_VERSION = 1
MANIFEST = "detect_export.json"
VARIANTS_FILE = "variants.jsonl"
MAX_GEN_TOKS = 512  # what `detect probe` asks for by default
# The prompt asks for "The answer is X"; lm-eval's own metric reads X (detect rescores the raw text).
ANSWER_REGEX = r"(?i)(?:answer is|####)[:\s]*\(?\$?(-?[0-9][0-9,]*(?:\.[0-9]+)?|[^\s\).]+)"
STOP = ["\n\nProblem:", "\n\nQuestion:"]


@dataclass(frozen=True, slots=True)
class LmevalExport:
    """What was written: the folder, its groups and tasks, and the variant set's sha256."""

    out: Path
    groups: tuple[str, ...]
    tasks: Mapping[str, int]  # task name -> number of documents
    variant_set_sha256: str


def slug(text: str) -> str:
    """A task-name part: lower case, runs of anything but [a-z0-9] as one underscore."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


def item_row(item: BenchmarkItem) -> dict[str, Any]:
    """An original item as a JSON-ready row (the `items` table's columns)."""
    return {
        "benchmark": item.benchmark, "item_id": item.item_id, "question": item.question,
        "answer": item.answer, "choices": list(item.choices), "labels": list(item.labels),
        "solution": item.solution, "metadata": dict(item.metadata),
    }  # fmt: skip


def document(row: PromptRow, order: int) -> dict[str, Any]:
    """One lm-eval document: the prompt, ids, family, gold, and the full detect row as JSON."""
    from detector.variant_table import variant_row

    kind = item_kind(row.item, row.scoring)
    detect_row = variant_row(row.variant) if row.variant is not None else item_row(row.item)
    doc: dict[str, Any] = {
        "order": order, "role": row.role, "benchmark": row.parent.benchmark,
        "parent_id": row.parent.item_id, "variant_id": row.prompt_id, "family": row.family or ORIGINAL,
        "kind": kind, "scoring": row.scoring, "prompt": row.prompt, "gold": row.item.answer,
    }  # fmt: skip
    if kind == "multiple_choice":
        doc["labels"] = list(row.item.labels)
        doc["target_index"] = row.item.labels.index(row.item.answer)
    doc["detect_row"] = json.dumps(detect_row, sort_keys=True, ensure_ascii=False)
    return doc


def task_config(name: str, kind: str, data_file: Path, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The YAML mapping of one task reading `data_file` (an absolute path: datasets resolves
    relative data_files against the working directory, not the YAML)."""
    config: dict[str, Any] = {
        "task": name,
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data_file)}},
        "test_split": "test",
        "doc_to_text": "prompt",
        "num_fewshot": 0,
    }
    if kind == "multiple_choice":
        config |= {
            "output_type": "multiple_choice",
            "doc_to_choice": "labels",
            "doc_to_target": "target_index",
            "target_delimiter": " ",
            "metric_list": [{"metric": "acc", "aggregation": "mean", "higher_is_better": True}],
        }
    else:
        config |= {
            "output_type": "generate_until",
            "doc_to_target": "gold",
            "generation_kwargs": {
                "until": STOP, "do_sample": False, "temperature": 0.0, "max_gen_toks": MAX_GEN_TOKS,
            },
            "filter_list": [{
                "name": "answer",
                "filter": [{"function": "regex", "regex_pattern": ANSWER_REGEX},
                           {"function": "take_first"}],
            }],
            "metric_list": [{
                "metric": "exact_match", "aggregation": "mean", "higher_is_better": True,
                "ignore_case": True, "regexes_to_ignore": [",", "\\$", "\\.$"],
            }],
        }  # fmt: skip
    config["metadata"] = {"version": float(EXPORT_VERSION), **metadata}
    return config


def _task_rows(rows: Sequence[PromptRow]) -> dict[tuple[str, str, str], list[tuple[int, PromptRow]]]:
    """Rows by (benchmark, family or 'original', kind), in plan order."""
    groups: dict[tuple[str, str, str], list[tuple[int, PromptRow]]] = {}
    for order, row in enumerate(rows):
        key = (row.parent.benchmark, row.family or ORIGINAL, item_kind(row.item, row.scoring))
        groups.setdefault(key, []).append((order, row))
    return groups


def export_lmeval(
    loaded: Sequence[LoadedBenchmark],
    variant_set: VariantSet,
    out: Path,
    *,
    settings: Mapping[str, Any],
) -> LmevalExport:
    """Write the task folder `out` (replaced whole if it exists; appears in one rename).

    `settings` (families, per_item, seed, limit) goes into the manifest and task metadata.
    Raises: ValueError when `out` exists and is not a folder written by this export.
    """
    from detector.variant_table import canonical_jsonl

    if out.exists() and not (out.is_dir() and ((out / MANIFEST).exists() or not any(out.iterdir()))):
        raise ValueError(f"{out}: exists and is not an empty folder or an earlier `detect export lm-eval`")
    items = [item for bench in loaded for item in bench.items]
    plan = build_plan(items, variant_set.variants, variant_set_sha256=variant_set.sha256)
    final = out.resolve()
    sources = {b.name: {"path": b.path, "format": b.format, "n_items": len(b.items)} for b in loaded}
    grouped = _task_rows(plan.rows)
    kinds_per_family: dict[tuple[str, str], set[str]] = {}
    for bench, family, kind in grouped:
        kinds_per_family.setdefault((bench, family), set()).add(kind)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    try:
        os.chmod(staging, 0o755)
        (staging / "data").mkdir()
        tasks: dict[str, int] = {}
        group_tasks: dict[str, list[str]] = {}
        for (bench, family, kind), members in grouped.items():
            group = TASK_PREFIX + slug(bench)
            name = f"{group}_{slug(family)}"
            if len(kinds_per_family[(bench, family)]) > 1:
                name += f"_{slug(kind)}"
            docs = canonical_jsonl([document(row, order) for order, row in members])
            (staging / "data" / f"{name}.jsonl").write_text(docs, encoding="utf-8")
            metadata = {
                "detect_export": EXPORT_VERSION, "variant_set_sha256": variant_set.sha256,
                "benchmark": bench, "family": family, "kind": kind,
                "source": sources.get(bench, {}).get("path"), **dict(settings),
            }  # fmt: skip
            config = task_config(name, kind, final / "data" / f"{name}.jsonl", metadata)
            (staging / f"{name}.yaml").write_text(dump_yaml(config), encoding="utf-8")
            tasks[name] = len(members)
            group_tasks.setdefault(group, []).append(name)
        for group, names in group_tasks.items():
            config = {
                "group": group,
                "task": names,
                "metadata": {"version": float(EXPORT_VERSION), "variant_set_sha256": variant_set.sha256},
            }
            (staging / f"_{group}.yaml").write_text(dump_yaml(config), encoding="utf-8")
        (staging / VARIANTS_FILE).write_text(canonical_jsonl(variant_set.rows()), encoding="utf-8")
        manifest = {
            "detect_export": EXPORT_VERSION, "variant_set_sha256": variant_set.sha256,
            "benchmarks": [{"name": name, **info} for name, info in sources.items()],
            "settings": dict(settings), "groups": list(group_tasks), "tasks": tasks,
            "variants_file": VARIANTS_FILE,
        }  # fmt: skip
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        os.rename(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return LmevalExport(final, tuple(group_tasks), tasks, variant_set.sha256)
