"""`detect report RUN_DIR` reads only the run directory: a copy elsewhere rebuilds the same bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import detector.pipeline as pipeline
from detector.cli import app
from detector.lab.manifest import LabManifest, write_manifest
from detector.membership import membership_rows
from detector.pipeline import ProbeOptions, lab_ground_truth, run_probe
from detector.types import TokenLogprobs


def _fake_logprobs(pairs):
    # Deterministic stand-in log-probabilities: only the plumbing is under test here.
    return [
        TokenLogprobs(tokens=tuple(cont.split()), logprobs=tuple(-1.0 - (len(ctx) % 3) for _ in cont.split()))
        for ctx, cont in pairs
    ]


def _rebuild_elsewhere(run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copy the run, run `detect report` on the copy from an unrelated working directory."""
    copy = tmp_path / "moved" / "run-copy"
    shutil.copytree(run_dir, copy)
    (copy / "report.json").unlink()
    (copy / "report.md").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(app, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    assert "rebuilt from the run's tables" in result.output
    return copy


def test_a_copied_run_rebuilds_report_json_byte_for_byte_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = run_probe(
        ProbeOptions(model="control/contaminated", benchmarks=("gsm8k", "mmlu"), limit=8, out=Path("run"),
                     use_cache=False)
    ).run_dir  # fmt: skip
    copy = _rebuild_elsewhere(tmp_path / run, tmp_path, monkeypatch)
    for name in ("report.json", "report.md"):
        assert (copy / name).read_bytes() == (tmp_path / run / name).read_bytes()


def test_the_lab_ground_truth_travels_with_the_run(tmp_path, monkeypatch):
    # A lab build's lab.json sits beside the twin, relative to where the probe ran; the probe
    # copies it into the run so that the AUROC is rebuilt without the build directory.
    build = tmp_path / "build"
    build.mkdir()
    (build / "contaminated").mkdir()
    monkeypatch.chdir(tmp_path)
    assert lab_ground_truth("hf/build/clean") is None  # no lab.json yet
    real_query = pipeline.query

    def query_with_logprobs(options, plan, model):
        generations, _ = real_query(options, plan, model)
        return generations, membership_rows(_fake_logprobs, plan.items, plan.variants)

    monkeypatch.setattr("detector.pipeline.run.query", query_with_logprobs)
    options = ProbeOptions(
        model="control/clean", benchmarks=("gsm8k",), limit=8, out=Path("run"), use_cache=False
    )
    first = run_probe(options)  # found no lab.json: no ground truth, no AUROC
    assert not (tmp_path / "run" / "lab.json").exists()
    assert first.report["signals"]["membership"]["auroc"] is None

    parents = _item_ids(tmp_path / "run")
    assert len(parents) == 8
    manifest = LabManifest(
        benchmark="gsm8k", benchmark_path="gsm8k", contaminated_ids=tuple(parents[::2]),
        unseen_ids=tuple(parents[1::2]), exposures=1, seed=0, steps=1, tokens_per_twin=1,
    )  # fmt: skip
    write_manifest(manifest, build / "lab.json")
    assert lab_ground_truth("hf/build/contaminated") == Path("build") / "lab.json"
    monkeypatch.setattr("detector.pipeline.run.lab_ground_truth", lambda spec: Path("build") / "lab.json")
    second = run_probe(options)
    assert (tmp_path / "run" / "lab.json").read_bytes() == (build / "lab.json").read_bytes()
    auroc = second.report["signals"]["membership"]["auroc"]
    assert auroc is not None and any(value is not None for value in auroc.values())

    shutil.rmtree(build)  # the build directory is gone: the copy in the run is all there is
    copy = _rebuild_elsewhere(tmp_path / "run", tmp_path, monkeypatch)
    assert (copy / "report.json").read_bytes() == (tmp_path / "run" / "report.json").read_bytes()
    assert json.loads((copy / "report.json").read_text())["signals"]["membership"]["auroc"] == auroc

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("detector.pipeline.run.lab_ground_truth", lambda spec: None)
    run_probe(options)  # a rerun without ground truth does not keep a stale copy
    assert not (tmp_path / "run" / "lab.json").exists()


def _item_ids(run_dir: Path) -> list[str]:
    from detector.tables import read_table

    return read_table(run_dir, "items")["item_id"].to_list()
