"""End to end with the real lm-evaluation-harness: export a variant set as tasks, run `lm_eval`
against a local OpenAI-compatible server that serves a control model, import the samples, and
compare with a direct `detect probe --variants` of the same model on the same variant set."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.models import AnswerKey, ControlModel
from detector.pipeline import ProbeOptions, load_sources, make_plan, run_probe
from tests.support.extras import require
from tests.support.lmeval_choice_server import ChoiceServer
from tests.support.local_server import LocalServer

require("lm_eval", "lmeval")
pytestmark = pytest.mark.slow  # lm_eval's own start-up takes 15-60 s


def run_lm_eval(tasks: Path, out: Path, base_url: str, group: str, tokenizer: str, home: Path) -> None:
    env = {**os.environ, "HF_HOME": str(home), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}  # fmt: skip
    command = [
        sys.executable, "-m", "lm_eval", "--model", "local-completions",
        "--model_args", f"model=control,base_url={base_url},tokenizer_backend={tokenizer},max_retries=1",
        "--include_path", str(tasks), "--tasks", group, "--log_samples", "--output_path", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def export(tmp_path: Path, benchmark: str, family: str) -> tuple[Path, str]:
    tasks = tmp_path / "tasks"
    result = CliRunner().invoke(app, [
        "export", "lm-eval", "--benchmark", benchmark, "--family", family, "--limit", "8",
        "--per-item", "1", "--out", str(tasks),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((tasks / "detect_export.json").read_text())
    return tasks, manifest["variant_set_sha256"]


def served_control(benchmark: str, tasks: Path) -> tuple[ControlModel, ProbeOptions, list]:
    """A contaminated control model that knows every prompt of the exported plan."""
    key = AnswerKey()
    model = ControlModel("control/contaminated", key, memorized_fraction=0.5)
    options = ProbeOptions(model="openai/control", benchmarks=(benchmark,), limit=8,
                           variants=tasks / "variants.jsonl", use_cache=False)  # fmt: skip
    plan, _ = make_plan(options, load_sources(options.benchmarks, options.limit))
    key.register_plan(plan)
    return model, options, list(plan.rows)


def compare_runs(imported: Path, direct: Path, sha: str) -> None:
    """Same variant set, verdict, per-family accuracies and per-prompt correctness."""
    a, b = (json.loads((d / "report.json").read_text()) for d in (imported, direct))
    assert a["variant_set_sha256"] == b["variant_set_sha256"] == sha
    assert a["verdict"] == b["verdict"]
    assert a["overall"] == b["overall"]
    assert a["families"] == b["families"]
    assert a["signals"]["stale_answer_rate"] == b["signals"]["stale_answer_rate"]
    left, right = (pl.read_parquet(d / "scores.parquet").sort("prompt_id") for d in (imported, direct))
    assert left["prompt_id"].to_list() == right["prompt_id"].to_list()
    assert left["correct"].to_list() == right["correct"].to_list()
    assert left["correct"].sum() > 0 and not left["correct"].all()  # a comparison that could fail


def test_generate_until_tasks_round_trip_through_lm_eval(tmp_path):
    tasks, sha = export(tmp_path, "gsm8k", "numeric")
    model, options, rows = served_control("gsm8k", tasks)
    with LocalServer(model) as server:
        url = server.url + "/completions"
        run_lm_eval(tasks, tmp_path / "out", url, "detect_gsm8k_test", "none", tmp_path)
        asked_by_lm_eval = sum(server.answered.values())
        direct = run_probe(dataclasses.replace(options, base_url=server.url, out=tmp_path / "direct"))
    assert asked_by_lm_eval == len(rows)
    result = CliRunner().invoke(
        app, ["import", "lm-eval", str(tmp_path / "out"), "--out", str(tmp_path / "run")]
    )
    assert result.exit_code == 0, result.output
    compare_runs(tmp_path / "run", direct.run_dir, sha)
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["lmeval"]["model"] == "local-completions"
    assert config["lmeval"]["model_args"]["base_url"] == url
    assert config["lmeval"]["lm_eval_version"]
    assert config["n_variants_unpaired"] == 0
    # lm-eval's own exact_match (its answer filter) agrees with detect's scorer on every sample
    assert config["lmeval"]["metric_agreement"] == {"agree": len(rows), "disagree": 0}
    responses = pl.read_parquet(tmp_path / "run" / "responses.parquet")
    assert set(responses["prompt"].to_list()) == {row.prompt for row in rows}  # the very prompts detect sends

    # As after `lm_eval --limit`: originals missing; their variants are counted as unpaired, not scored
    (originals,) = (tmp_path / "out").rglob("samples_detect_gsm8k_test_original_*.jsonl")
    lines = originals.read_text().splitlines()
    originals.write_text("\n".join(lines[:3]) + "\n")
    partial = CliRunner().invoke(
        app, ["import", "lm-eval", str(tmp_path / "out"), "--out", str(tmp_path / "p")]
    )
    assert partial.exit_code == 0, partial.output
    config = json.loads((tmp_path / "p" / "config.json").read_text())
    kept = {json.loads(line)["doc"]["parent_id"] for line in lines[:3]}
    dropped = [row for row in rows if row.variant is not None and row.parent.item_id not in kept]
    assert config["n_items"] == 3 and config["n_variants_unpaired"] == len(dropped) > 0
    assert config["variant_set_sha256"] != sha and config["exported_variant_set_sha256"] == sha


def test_multiple_choice_tasks_round_trip_as_loglikelihoods(tmp_path):
    tasks, sha = export(tmp_path, "mmlu", "option-shuffle")
    model, options, rows = served_control("mmlu", tasks)
    labels_of = {row.prompt: (row.item.labels, row.item.choices) for row in rows}
    with ChoiceServer(model, labels_of) as server:
        run_lm_eval(tasks, tmp_path / "out", server.url, "detect_mmlu_test", "remote", tmp_path)
        assert server.requests >= 4 * len(rows)  # one loglikelihood request per option
    in_process = dataclasses.replace(options, model="control/contaminated:0.5", out=tmp_path / "direct")
    direct = run_probe(in_process)
    result = CliRunner().invoke(
        app, ["import", "lm-eval", str(tmp_path / "out"), "--out", str(tmp_path / "run")]
    )
    assert result.exit_code == 0, result.output
    compare_runs(tmp_path / "run", direct.run_dir, sha)
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["lmeval"]["metric_agreement"] == {"agree": len(rows), "disagree": 0}  # lm-eval's acc
    responses = pl.read_parquet(tmp_path / "run" / "responses.parquet")
    assert set(responses["finish_reason"].to_list()) == {"loglikelihood"}
