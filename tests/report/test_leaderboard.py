import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.report.leaderboard import build_leaderboard, leaderboard_frame, load_leaderboard, read_report
from detector.report.leaderboard_pages import render_leaderboard_html, render_leaderboard_markdown
from tests.support.report_samples import calibrated_report, clean_report, full_report

SHA_A, SHA_B = "aa" * 32, "bb" * 32


def write_run(root: Path, name: str, report: dict) -> Path:
    run = root / name
    run.mkdir()
    (run / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return run


def test_rows_sorted_by_score_and_grouped_by_variant_set():
    reports = [
        ("r1", clean_report("low", 1.0, sha=SHA_A)),
        ("r2", full_report("high", 20.0, sha=SHA_A)),
        ("r3", full_report("other-set", 30.0, sha=SHA_B)),
        ("r4", full_report("mid", 8.0, sha=SHA_A)),
    ]
    groups = build_leaderboard(reports)
    assert [g.variant_set_sha256 for g in groups] == [SHA_A, SHA_B]
    assert [r.model for r in groups[0].rows] == ["high", "mid", "low"]
    assert [r.model for r in groups[1].rows] == ["other-set"]


def test_inconclusive_runs_rank_last_whatever_their_score():
    broken = full_report("broken", 50.0, sha=SHA_A)
    broken["verdict"] = "inconclusive"
    groups = build_leaderboard([("a", broken), ("b", clean_report("low", 1.0, sha=SHA_A))])
    assert [r.model for r in groups[0].rows] == ["low", "broken"]
    frame = leaderboard_frame(groups)
    assert frame["verdict"].to_list() == ["no_evidence", "inconclusive"] and frame["rank"].to_list() == [1, 2]


def test_missing_score_sorts_last_and_unknown_set_is_its_own_group():
    no_score = full_report("no-score", sha=SHA_A)
    no_score["overfitting_score"] = {"estimate": None, "ci_low": None, "ci_high": None}
    unknown_1, unknown_2 = full_report("u1", 5.0), full_report("u2", 6.0)
    unknown_1["variant_set_sha256"] = None
    unknown_2["variant_set_sha256"] = None
    groups = build_leaderboard(
        [("a", no_score), ("b", full_report("scored", 2.0, sha=SHA_A)), ("c", unknown_1), ("d", unknown_2)]
    )
    assert [r.model for r in groups[0].rows] == ["scored", "no-score"]
    assert [[r.model for r in g.rows] for g in groups[1:]] == [["u1"], ["u2"]]


def test_same_run_twice_is_refused(tmp_path):
    run = write_run(tmp_path, "a", full_report())
    with pytest.raises(ValueError, match="given twice"):
        load_leaderboard([run, tmp_path / "a" / "."])


def test_bad_reports_are_refused_with_the_file_named(tmp_path):
    with pytest.raises(ValueError, match=r"report\.json: not found"):
        read_report(tmp_path)
    (tmp_path / "report.json").write_text('{\n"model": ', encoding="utf-8")
    with pytest.raises(ValueError, match=r"report\.json:2: not valid JSON"):
        read_report(tmp_path)
    (tmp_path / "report.json").write_text('{"schema_version": 2}', encoding="utf-8")
    with pytest.raises(ValueError, match="field schema_version: unsupported value 2"):
        read_report(tmp_path)
    with pytest.raises(ValueError, match="no run directories"):
        build_leaderboard([])


def test_frame_has_typed_columns_and_group_index():
    groups = build_leaderboard(
        [("x", calibrated_report("cal", 9.0, 6.0, sha=SHA_A)), ("y", full_report("b", 3.0, sha=SHA_B))]
    )
    frame = leaderboard_frame(groups)
    assert frame.height == 2
    assert frame["group"].to_list() == [1, 2]
    assert frame["excess_drop_points"].to_list() == [6.0, None]
    assert frame.schema["calibrated"] == pl.Boolean
    assert frame["variant_set_sha256"].to_list() == [SHA_A, SHA_B]


def test_excess_drop_shown_only_for_calibrated_runs():
    groups = build_leaderboard([("x", calibrated_report("cal", 9.0, 6.0)), ("y", full_report("raw", 3.0))])
    text = render_leaderboard_markdown(groups)
    cal = next(line for line in text.splitlines() if "| cal |" in line)
    raw = next(line for line in text.splitlines() if "| raw |" in line)
    assert "+6.0 [2.0, 10.0]" in cal
    assert raw.split(" | ")[6] == "\u2014"


def test_pages_warn_about_mixed_sets_and_escape_model_names():
    groups = build_leaderboard(
        [("x", full_report("<img src=x>|m", 9.0, sha=SHA_A)), ("y", full_report("b", 3.0, sha=SHA_B))]
    )
    text = render_leaderboard_markdown(groups)
    assert "2 different variant sets" in text
    assert "&lt;img src=x&gt;\\|m" in text and "<img" not in text
    page = render_leaderboard_html(groups)
    assert "2 different variant sets" in page
    assert "<img" not in page and "&lt;img src=x&gt;|m" in page
    assert page.count('class="chart scatter-chart"') == 2


def test_single_set_has_no_mixing_note():
    groups = build_leaderboard([("x", full_report("a", 9.0)), ("y", full_report("b", 3.0))])
    assert "different variant sets" not in render_leaderboard_markdown(groups)


def test_cli_writes_csv_md_html_and_prints_table(tmp_path):
    runs = [
        write_run(tmp_path, "a", full_report("org/a", 18.0)),
        write_run(tmp_path, "b", clean_report("org/b")),
    ]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["leaderboard", *map(str, runs), "--csv", str(out / "lb.csv"), "--md", str(out / "lb.md"),
         "--html", str(out / "lb.html")],
    )
    assert result.exit_code == 0, result.output
    assert "org/a" in result.output and "likely overfit" in result.output
    frame = pl.read_csv(out / "lb.csv")
    assert frame["model"].to_list() == ["org/a", "org/b"]
    assert frame["rank"].to_list() == [1, 2]
    assert (out / "lb.md").read_text().startswith("# Overfitting leaderboard")
    assert "<svg" in (out / "lb.html").read_text()
    assert sorted(p.name for p in out.iterdir()) == ["lb.csv", "lb.html", "lb.md"]


def test_cli_bad_run_dir_exits_2_and_writes_nothing(tmp_path):
    good = write_run(tmp_path, "a", full_report())
    csv = tmp_path / "lb.csv"
    result = CliRunner().invoke(app, ["leaderboard", str(good), str(tmp_path / "missing"), "--csv", str(csv)])
    assert result.exit_code == 2
    assert "error:" in result.output and "missing" in result.output and "report.json" in result.output
    assert not csv.exists()
