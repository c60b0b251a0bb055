import json
from dataclasses import replace

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.pipeline import ProbeOptions, default_run_dir, run_probe
from detector.report import build_report, write_report
from detector.stats import analyze_run
from detector.tables import TABLES, read_table
from detector.types import Generation

RUN_FILES = (
    "config.json",
    "items.parquet",
    "variants.parquet",
    "responses.parquet",
    "scores.parquet",
    "report.json",
    "report.md",
)


@pytest.fixture(scope="module")
def contaminated(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "contaminated"
    return run_probe(ProbeOptions(model="control/contaminated", out=out, use_cache=False))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "clean"
    return run_probe(ProbeOptions(model="control/clean", out=out, use_cache=False))


def test_contaminated_control_is_likely_overfit(contaminated):
    report = contaminated.report
    assert report["verdict"] == "likely_overfit"
    assert any("stale answers" in line for line in report["evidence"])
    assert report["overall"]["drop"] > 20 and report["overall"]["ci_low"] > 0
    assert report["signals"]["stale_answer_rate"]["rate"] > 0.5
    assert report["signals"]["verbatim_rate"]["rate"] > 0.5
    assert report["calibrated"] is False and report["excess_drop"] is None
    assert report["examples"], "a contaminated run has variants it got wrong after getting the original right"


def test_clean_control_has_no_evidence(clean):
    report = clean.report
    assert report["verdict"] == "no_evidence"
    stale = report["signals"]["stale_answer_rate"]
    # Wrong answers hit the old gold by chance too: the chance rate is not zero.
    assert stale["chance_rate"] > 0 and stale["rate"] > 0
    assert abs(report["overall"]["drop"]) < 10


def test_run_directory_and_schemas(contaminated):
    run_dir = contaminated.run_dir
    for name in RUN_FILES:
        assert (run_dir / name).exists(), name
    for name in ("items", "variants", "responses", "scores"):
        table = pl.read_parquet(run_dir / f"{name}.parquet")
        assert table.schema == pl.Schema(TABLES[name]), name
    scores = read_table(run_dir, "scores")
    responses = read_table(run_dir, "responses")
    assert scores.height == responses.height == contaminated.n_requests
    config = json.loads((run_dir / "config.json").read_text())
    assert config["variant_set_sha256"] == contaminated.report["variant_set_sha256"]
    assert len(config["variant_set_sha256"]) == 64
    report = json.loads((run_dir / "report.json").read_text())
    for key in (
        "schema_version",
        "model",
        "benchmarks",
        "seed",
        "variant_set_sha256",
        "verdict",
        "evidence",
        "calibrated",
        "overfitting_score",
        "excess_drop",
        "overall",
        "families",
        "signals",
        "examples",
        "errors",
        "versions",
        "created_by",
    ):
        assert key in report, key
    family = report["families"][0]
    for key in (
        "name",
        "benchmark",
        "n_items",
        "n_variants",
        "acc_original",
        "acc_variant",
        "drop",
        "ci_low",
        "ci_high",
        "p_value",
        "q_value",
    ):
        assert key in family
    assert report["errors"] == {"n_requests": contaminated.n_requests, "n_failed": 0, "top": []}
    assert "# " in (run_dir / "report.md").read_text()


def test_report_rebuilds_from_tables_byte_identical(contaminated):
    path = contaminated.run_dir / "report.json"
    before = path.read_bytes()
    assert build_report(contaminated.run_dir, analyze_run(contaminated.run_dir)) == json.loads(before)
    write_report(contaminated.run_dir, analyze_run(contaminated.run_dir))
    assert path.read_bytes() == before


def test_same_seed_same_bytes(tmp_path, contaminated):
    again = run_probe(ProbeOptions(model="control/contaminated", out=tmp_path / "again", use_cache=False))
    runs = (contaminated.run_dir, again.run_dir)
    first, second = (json.loads((run / "report.json").read_bytes()) for run in runs)
    first.pop("provenance"), second.pop("provenance")  # when and how each run asked: its own
    assert first == second
    for name in ("items", "variants", "scores"):
        assert read_table(again.run_dir, name).equals(read_table(contaminated.run_dir, name))


def test_references_on_another_variant_set_are_refused(tmp_path, contaminated):
    options = ProbeOptions(
        model="control/clean",
        benchmarks=("gsm8k",),
        limit=5,
        out=tmp_path / "x",
        use_cache=False,
        references=(contaminated.run_dir,),
    )
    with pytest.raises(ValueError, match="same variant set"):
        run_probe(options)
    assert not (tmp_path / "x").exists()


def test_default_run_dir_is_stable():
    options = ProbeOptions(model="openai/gpt-4o mini")
    assert default_run_dir(options) == default_run_dir(replace(options))
    assert default_run_dir(options).parts[0] == "runs"
    assert " " not in str(default_run_dir(options))
    assert default_run_dir(options) != default_run_dir(replace(options, seed=1))


def test_cli_fail_on_and_bad_input(tmp_path):
    runner = CliRunner()
    args = ["probe", "--model", "control/contaminated", "--benchmark", "gsm8k", "--benchmark", "mmlu",
            "--family", "numeric", "--family", "option-shuffle", "--no-cache"]  # fmt: skip
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "a"), "--fail-on", "likely"])
    assert result.exit_code == 1, result.output
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--fail-on", "nonsense"])
    assert result.exit_code == 2
    missing = tmp_path / "missing.jsonl"
    result = runner.invoke(
        app, ["probe", "--model", "control/clean", "--benchmark", str(missing), "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 2 and "missing.jsonl" in result.output
    assert not (tmp_path / "c").exists()
    result = runner.invoke(
        app, ["probe", "--model", "control/clean", "--family", "nope", "--out", str(tmp_path / "d")]
    )
    assert result.exit_code == 2 and "option-shuffle" in result.output


def test_cli_too_many_failures_exit_code(tmp_path, monkeypatch):
    def failing_query(options, plan, model):
        gens = [
            Generation(text=None, error="HTTP 500") if i % 2 else Generation(text="The answer is 1.")
            for i in range(len(plan.rows))
        ]
        return gens, None

    monkeypatch.setattr("detector.pipeline.run.query", failing_query)
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "control/clean",
            "--benchmark",
            "gsm8k",
            "--limit",
            "6",
            "--out",
            str(tmp_path / "f"),
            "--max-failed-fraction",
            "0.2",
        ],
    )
    assert result.exit_code == 3, result.output
    report = json.loads((tmp_path / "f" / "report.json").read_text())
    assert report["errors"]["n_failed"] > 0 and report["verdict"] == "inconclusive"
    assert report["errors"]["top"][0]["error"] == "HTTP 500"
    # The server's reason is in the first lines of the terminal output.
    assert "HTTP 500" in "\n".join(result.output.splitlines()[:5])
    scores = read_table(tmp_path / "f", "scores")
    assert scores["correct"].null_count() == report["errors"]["n_failed"]


def test_membership_table_feeds_the_report(tmp_path, monkeypatch):
    import detector.pipeline as pipeline
    from detector.membership import membership_rows
    from detector.types import TokenLogprobs

    def fake_logprobs(pairs):
        # Deterministic stand-in log-probabilities; only the plumbing is under test here.
        return [
            TokenLogprobs(
                tokens=tuple(cont.split()), logprobs=tuple(-1.0 - (len(ctx) % 3) for _ in cont.split())
            )
            for ctx, cont in pairs
        ]

    real_query = pipeline.query

    def query_with_logprobs(options, plan, model):
        generations, _ = real_query(options, plan, model)
        return generations, membership_rows(fake_logprobs, plan.items, plan.variants)

    monkeypatch.setattr("detector.pipeline.run.query", query_with_logprobs)
    result = run_probe(
        ProbeOptions(
            model="control/clean", benchmarks=("gsm8k",), limit=6, out=tmp_path / "m", use_cache=False
        )
    )
    assert (tmp_path / "m" / "membership.parquet").exists()
    membership = result.report["signals"]["membership"]
    assert membership is not None and membership["n_items"] > 0
    assert build_report(tmp_path / "m", analyze_run(tmp_path / "m"))["signals"]["membership"] == membership


def test_too_little_scored_is_inconclusive_with_its_own_exit_code(tmp_path):
    runner = CliRunner()
    args = ["probe", "--model", "control/clean", "--benchmark", "gsm8k", "--no-cache"]
    three = runner.invoke(app, [*args, "--limit", "3", "--out", str(tmp_path / "three")])
    assert three.exit_code == 4, three.output
    report = json.loads((tmp_path / "three" / "report.json").read_text())
    assert report["verdict"] == "inconclusive" and "only 3 parent items" in report["inconclusive_reasons"][0]
    assert report["min_detectable_drop"] > 0 and "inconclusive" in three.output
    # A family that applies to none of the items: nothing scored, never a clearance.
    none = runner.invoke(app, [*args, "--family", "option-shuffle", "--out", str(tmp_path / "none")])
    assert none.exit_code == 4, none.output
    report = json.loads((tmp_path / "none" / "report.json").read_text())
    assert report["verdict"] == "inconclusive" and "no item was scored" in report["inconclusive_reasons"][0]
    assert report["families_not_scored"] == ["option-shuffle"]
    assert "families asked for that scored no item: option-shuffle" in none.output


def test_calibrated_run_with_reference_runs(tmp_path):
    families = ("numeric", "option-shuffle")
    common = dict(benchmarks=("gsm8k", "mmlu"), limit=30, families=families, use_cache=False)
    refs = [
        run_probe(ProbeOptions(model="control/clean", out=tmp_path / f"ref{k}", **common)).run_dir
        for k in range(5)
    ]
    target = run_probe(
        ProbeOptions(model="control/contaminated", out=tmp_path / "t", references=tuple(refs), **common)
    )
    report = target.report
    assert report["calibrated"] is True and report["calibration"]["n_references"] == 5
    assert report["excess_drop"]["ci_low"] > 10
    assert report["overfitting_score"] == report["excess_drop"]
    assert report["verdict"] == "likely_overfit"
    assert (tmp_path / "t" / "references.parquet").exists()
    # rebuilt from its own tables, references included
    assert build_report(tmp_path / "t", analyze_run(tmp_path / "t")) == report
    few = run_probe(
        ProbeOptions(model="control/contaminated", out=tmp_path / "f", references=tuple(refs[:2]), **common)
    )
    assert few.report["calibrated"] is False and "at least 5" in few.report["calibration"]["message"]
