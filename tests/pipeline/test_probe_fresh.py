"""`detect probe --fresh`: both sets perturbed and asked alike, the fresh-set block in report.json
and report.md, the verdict through it, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "gsm8k_test.jsonl"

# A finished run: a verdict, or `inconclusive` (exit 4): these sets hold fewer than 50 items.
FINISHED = (0, EXIT_INCONCLUSIVE)


def _split(tmp_path: Path) -> tuple[Path, Path]:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    public, fresh = tmp_path / "public.jsonl", tmp_path / "fresh.jsonl"
    public.write_text("".join(lines[:24]))
    fresh.write_text("".join(lines[24:]))
    return public, fresh


def _probe(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["probe", "--no-cache", *args])
    return result.exit_code, result.output


def test_fresh_set_calibrates_an_honest_models_natural_drop(tmp_path: Path) -> None:
    public, fresh = _split(tmp_path)
    base = ["--model", "control/brittle:0.3", "--benchmark", str(public), "--family", "numeric",
            "--family", "entity", "--per-item", "2"]  # fmt: skip
    code, output = _probe([*base, "--out", str(tmp_path / "plain")])
    assert code in FINISHED, output
    plain = json.loads((tmp_path / "plain" / "report.json").read_text())
    assert plain["overall"]["drop"] > 15 and "attribution" not in plain

    code, output = _probe([*base, "--fresh", str(fresh), "--out", str(tmp_path / "with")])
    assert code in FINISHED, output
    report = json.loads((tmp_path / "with" / "report.json").read_text())
    block = report["attribution"]["fresh"]
    assert block["fresh_benchmarks"] == ["fresh"] and block["public_benchmarks"] == ["public"]
    pooled = block["pooled"]
    assert pooled["n_public"] > 15 and pooled["n_fresh"] > 15 and pooled["mde_80"] > 0
    assert pooled["drop_public"] > 10 and pooled["drop_fresh"] > 10  # both sets lose to variant difficulty
    assert pooled["q_value"] is not None and pooled["q_value"] > 0.01
    assert report["verdict"] not in ("suspicious", "likely_overfit"), report["evidence"]
    assert {f["name"] for f in block["families"]} == {"numeric", "entity"}
    assert "difference in differences" in output and "80% power" in output
    markdown = (tmp_path / "with" / "report.md").read_text()
    assert "## Fresh sets and order tests" in markdown and "difficulty-matched" in markdown
    config = json.loads((tmp_path / "with" / "config.json").read_text())
    assert config["fresh_benchmarks"] == ["fresh"]
    # the report rebuilds from the run directory alone
    again = CliRunner().invoke(app, ["report", str(tmp_path / "with")])
    assert again.exit_code == 0, again.output
    assert json.loads((tmp_path / "with" / "report.json").read_text()) == report
    page = CliRunner().invoke(app, ["report", str(tmp_path / "with"), "--html", str(tmp_path / "r.html")])
    assert page.exit_code == 0, page.output
    assert "Fresh sets and order tests" in (tmp_path / "r.html").read_text()


def test_honest_model_with_a_natural_drop_and_a_fresh_set_gets_a_verdict_and_is_not_flagged(
    tmp_path: Path,
) -> None:
    # 48 public and 10 fresh items: enough scored parents for a verdict, not `inconclusive`.
    fixtures = FIXTURE.parent
    args = ["--model", "control/brittle:0.3", "--benchmark", str(fixtures / "gsm8k_test.jsonl"),
            "--fresh", str(fixtures / "gsm8k_train.jsonl"), "--family", "numeric", "--family", "entity",
            "--per-item", "2", "--out", str(tmp_path / "run")]  # fmt: skip
    code, output = _probe(args)
    assert code == 0, output
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["overall"]["drop"] > 10  # the natural drop is there
    assert report["verdict"] == "no_evidence", report["evidence"]
    assert report["attribution"]["fresh"]["pooled"]["n_fresh"] == 10


def test_fresh_set_refuses_a_name_clash_and_warns_on_length(tmp_path: Path) -> None:
    public, _ = _split(tmp_path)
    code, output = _probe(["--model", "control/clean", "--benchmark", str(public), "--fresh", str(public),
                           "--out", str(tmp_path / "x")])  # fmt: skip
    assert code == 2 and "--fresh" in output and "also a --benchmark" in output
    assert not (tmp_path / "x").exists()
    long = tmp_path / "long.jsonl"
    rows = [json.loads(line) for line in FIXTURE.read_text().splitlines()[24:40]]
    long.write_text("".join(json.dumps({**r, "question": r["question"] + " " + r["question"] * 2}) + "\n"
                            for r in rows))  # fmt: skip
    code, output = _probe(["--model", "control/clean", "--benchmark", str(public), "--fresh", str(long),
                           "--family", "numeric", "--out", str(tmp_path / "y")])  # fmt: skip
    assert code in FINISHED, output
    report = json.loads((tmp_path / "y" / "report.json").read_text())
    assert any("differ in length" in w for w in report["attribution"]["fresh"]["warnings"])


def test_brittle_control_model_spec() -> None:
    from detector.models import load_model

    model = load_model("control/brittle:0.25")
    assert model.variant_drop == 0.25
    for bad in ("control/brittle:x", "control/brittle:0.9"):
        try:
            load_model(bad)
        except ValueError as error:
            assert "variant drop" in str(error)
        else:
            raise AssertionError(bad)
