"""What a user of `detect probe` relies on: reruns resume from the cache, interrupted runs write
nothing, bad model names fail at once, and --fail-on sets the exit code."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_sources
from detector.cli import app
from detector.models import AnswerKey, ControlModel
from detector.pipeline import ProbeOptions, make_plan, run_probe
from detector.report.markdown import render_markdown
from detector.stats.verdict import FAIL_ON_LEVELS
from tests.support.local_server import LocalServer


def test_second_identical_probe_asks_nothing_and_reports_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("DETECT_CACHE_DIR", str(tmp_path / "cache"))
    key = AnswerKey()
    served = ControlModel("control/contaminated", key, memorized_fraction=1.0)
    with LocalServer(served) as server:
        options = ProbeOptions(
            model="openai/control", base_url=server.url, benchmarks=("gsm8k", "mmlu"), limit=6,
            out=tmp_path / "run", concurrency=4,
        )  # fmt: skip
        plan, _ = make_plan(options, load_sources(options.benchmarks, options.limit))
        key.register_plan(plan)  # the served control model answers the plan's prompts

        first = run_probe(options)
        asked = sum(server.answered.values())
        first_json = (tmp_path / "run" / "report.json").read_bytes()
        first_md = (tmp_path / "run" / "report.md").read_bytes()
        assert asked >= len(plan.rows) and first.n_failed == 0

        second = run_probe(options)
        assert sum(server.answered.values()) == asked, "the rerun asked the model again"
    again = json.loads((tmp_path / "run" / "report.json").read_bytes())
    # the numbers are the same; provenance says when and how each run asked (cache hits differ)
    assert _numbers(again) == _numbers(json.loads(first_json)) and first_md
    assert (tmp_path / "run" / "report.md").read_text() == render_markdown(again)
    assert _numbers(second.report) == _numbers(first.report)
    assert again["provenance"]["cache_hits"] == len(plan.rows)
    cached = pl.read_parquet(tmp_path / "run" / "responses.parquet")["cached"]
    assert cached.all() and cached.len() == len(plan.rows)


def _numbers(report):
    return {key: value for key, value in report.items() if key != "provenance"}


def _no_leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_interrupted_probe_writes_no_run_directory(tmp_path, monkeypatch):
    def interrupted_query(options, plan, model):
        model.close()
        raise KeyboardInterrupt

    monkeypatch.setattr("detector.pipeline.run.query", interrupted_query)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["probe", "--model", "control/clean", "--benchmark", "gsm8k", "--limit", "4", "--out", str(out)]
    )
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output and "resumes" in result.output
    assert not out.exists() and _no_leftovers(tmp_path) == []


def test_interrupt_while_publishing_leaves_no_half_written_directory(tmp_path, monkeypatch):
    def interrupted_report(staging, stats):
        assert (staging / "scores.parquet").exists()  # tables were being written when it stopped
        raise KeyboardInterrupt

    monkeypatch.setattr("detector.pipeline.run_dir.write_report", interrupted_report)
    out = tmp_path / "run"
    options = ProbeOptions(model="control/clean", benchmarks=("gsm8k",), limit=4, out=out, use_cache=False)
    with pytest.raises(KeyboardInterrupt):
        run_probe(options)
    assert not out.exists() and _no_leftovers(tmp_path) == []


def test_rerun_into_an_existing_directory_keeps_its_other_files(tmp_path):
    out = tmp_path / "run"
    options = ProbeOptions(model="control/clean", benchmarks=("gsm8k",), limit=4, out=out, use_cache=False)
    run_probe(options)
    (out / "report.html").write_text("<p>kept</p>")
    report = json.loads((out / "report.json").read_text())
    again = run_probe(options).report
    assert {k: v for k, v in again.items() if k != "provenance"} == {
        k: v for k, v in report.items() if k != "provenance"
    }  # provenance holds each run's own times and cache hits
    assert (out / "report.html").read_text() == "<p>kept</p>"
    assert (out / "report.json").stat().st_mode & 0o044 == 0o044  # readable by others, not 0600


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        ("foo/bar", "openai, vllm, ollama, hf, control"),
        ("gpt-4o", "openai, vllm, ollama, hf, control"),
        ("control/bogus", "control/clean, control/contaminated"),
    ],
)
def test_bad_model_fails_in_one_line_before_any_work(tmp_path, monkeypatch, spec, names):
    def no_plan(*args, **kwargs):
        raise AssertionError("variants were made before the model spec was checked")

    monkeypatch.setattr("detector.pipeline.run.make_plan", no_plan)
    result = CliRunner().invoke(app, ["probe", "--model", spec, "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and names in lines[0]
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("model", "fail_on", "code"),
    [
        ("control/contaminated", "suspicious", 1),
        ("control/contaminated", None, 0),
        ("control/clean", "suspicious", 0),
        ("control/clean", "likely", 0),
    ],
)
def test_fail_on_exit_codes(tmp_path, model, fail_on, code):
    args = ["probe", "--model", model, "--benchmark", "gsm8k", "--benchmark", "mmlu", "--family", "numeric",
            "--family", "option-shuffle", "--no-cache"]  # fmt: skip
    args += ["--out", str(tmp_path / "run")] + (["--fail-on", fail_on] if fail_on else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.output
    verdict = json.loads((tmp_path / "run" / "report.json").read_text())["verdict"]
    if fail_on is not None:
        assert (verdict in FAIL_ON_LEVELS[fail_on]) == (code == 1), verdict
