"""`detect export lm-eval` writes task folders lm-eval can read; `detect import lm-eval` refuses
output that is not of exported detect tasks with a one-line error. (The real lm-eval round trip is in
test_interop_lmeval.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from detector.cli import app
from detector.variants import read_variants


def export(out: Path, *args: str) -> object:
    return CliRunner().invoke(app, ["export", "lm-eval", "--limit", "5", "--per-item", "1", "--out", str(out),
                                    *args])  # fmt: skip


def test_export_writes_grouped_tasks_whose_documents_carry_ids_family_gold_and_the_set_sha(tmp_path):
    out = tmp_path / "tasks"
    result = export(out, "--benchmark", "gsm8k", "--benchmark", "mmlu", "--family", "numeric",
                    "--family", "option-shuffle")  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "detect_export.json").read_text())
    variant_set = read_variants(out / "variants.jsonl")
    assert manifest["variant_set_sha256"] == variant_set.sha256
    group = yaml.safe_load((out / "_detect_mmlu_test.yaml").read_text())
    assert group["group"] == "detect_mmlu_test"
    assert group["task"] == ["detect_mmlu_test_original", "detect_mmlu_test_option_shuffle"]
    n_docs = 0
    for name, count in manifest["tasks"].items():
        config = yaml.safe_load((out / f"{name}.yaml").read_text())
        assert config["task"] == name and config["num_fewshot"] == 0
        assert config["metadata"]["variant_set_sha256"] == variant_set.sha256
        data = Path(config["dataset_kwargs"]["data_files"]["test"])
        assert (
            config["dataset_path"] == "json" and data.is_absolute() and data.parent == out.resolve() / "data"
        )
        docs = [json.loads(line) for line in data.read_text().splitlines()]
        assert len(docs) == count
        n_docs += count
        for doc in docs:
            assert {"parent_id", "variant_id", "family", "gold", "prompt", "detect_row"} <= set(doc)
            if config["output_type"] == "multiple_choice":
                assert (
                    config["doc_to_choice"] == "labels" and doc["labels"][doc["target_index"]] == doc["gold"]
                )
            else:
                assert config["output_type"] == "generate_until" and doc["kind"] == "math"
    assert n_docs == 10 + len(variant_set.variants)
    families = {v.family for v in variant_set.variants}
    assert families == {"numeric", "option-shuffle"}
    assert "run: lm_eval --include_path" in result.output


def test_export_again_replaces_the_folder_and_refuses_a_foreign_one(tmp_path):
    out = tmp_path / "tasks"
    assert export(out, "--benchmark", "gsm8k", "--family", "entity").exit_code == 0
    assert export(out, "--benchmark", "gsm8k", "--family", "numeric").exit_code == 0
    assert not (out / "detect_gsm8k_test_entity.yaml").exists()
    assert (out / "detect_gsm8k_test_numeric.yaml").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    result = export(foreign, "--benchmark", "gsm8k")
    assert result.exit_code == 2 and "is not an empty folder" in result.output
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_import_of_a_folder_without_lm_eval_results_fails_in_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        app, ["import", "lm-eval", str(tmp_path / "empty"), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "no results_*.json" in result.output
    assert not (tmp_path / "r").exists()


def test_import_names_the_samples_file_and_line_of_a_broken_sample(tmp_path):
    results = tmp_path / "out" / "m"
    results.mkdir(parents=True)
    config = {"output_type": "generate_until", "metadata": {"variant_set_sha256": "0" * 64}}
    (results / "results_2026-01-01T00-00-00.json").write_text(
        json.dumps({"configs": {"detect_x_original": config}})
    )
    samples = results / "samples_detect_x_original_2026-01-01T00-00-00.jsonl"
    samples.write_text(json.dumps({"doc": {"detect_row": "{}"}, "resps": [["7"]]}) + "\n{not json\n")
    result = CliRunner().invoke(
        app, ["import", "lm-eval", str(tmp_path / "out"), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert f"{samples}:2: invalid JSON" in result.output
    assert not (tmp_path / "r").exists()


def test_import_refuses_results_of_tasks_not_exported_by_detect(tmp_path):
    results = tmp_path / "out" / "m"
    results.mkdir(parents=True)
    (results / "results_2026-01-01T00-00-00.json").write_text(
        json.dumps({"configs": {"gsm8k": {"metadata": {}}}})
    )
    result = CliRunner().invoke(
        app, ["import", "lm-eval", str(tmp_path / "out"), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "no task exported by `detect export lm-eval`" in result.output
