import json

from typer.testing import CliRunner

import detector.pipeline as pipeline
from detector.cli import app
from detector.report.html import render_html
from detector.report.markdown import render_markdown
from tests.support.report_samples import full_report


def test_report_writes_html_and_md_from_report_json(tmp_path, monkeypatch):
    # a run directory with only report.json: no tables to rebuild from
    monkeypatch.setattr("detector.pipeline.run_dir.rebuild_report", lambda run_dir: False)
    run = tmp_path / "run"
    run.mkdir()
    report = full_report()
    (run / "report.json").write_text(json.dumps(report), encoding="utf-8")
    html_path, md_path = tmp_path / "out" / "r.html", tmp_path / "out" / "r.md"
    result = CliRunner().invoke(app, ["report", str(run), "--html", str(html_path), "--md", str(md_path)])
    assert result.exit_code == 0, result.output
    assert "likely overfit" in result.output and "+18.4 [12.1, 24.9]" in result.output
    assert html_path.read_text(encoding="utf-8") == render_html(report)
    assert md_path.read_text(encoding="utf-8") == render_markdown(report)
    assert sorted(p.name for p in html_path.parent.iterdir()) == ["r.html", "r.md"]


def test_report_rebuilds_from_tables_first(tmp_path, monkeypatch):
    run = tmp_path / "run"
    run.mkdir()
    calls = []

    def fake_rebuild(run_dir):
        calls.append(run_dir)
        (run_dir / "report.json").write_text(json.dumps(full_report(model="rebuilt")), encoding="utf-8")
        return True

    monkeypatch.setattr("detector.pipeline.run_dir.rebuild_report", fake_rebuild)
    result = CliRunner().invoke(app, ["report", str(run), "--md", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    assert calls == [run]
    assert "rebuilt from the run's tables" in result.output
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Overfitting audit: rebuilt")


def test_report_missing_dir_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path / "nope"), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "error:" in result.output and "not a directory" in result.output
    assert not (tmp_path / "r.html").exists()


def test_report_without_report_json_exits_2(tmp_path, monkeypatch):
    monkeypatch.setattr("detector.pipeline.run_dir.rebuild_report", lambda run_dir: False)
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "report.json: not found" in result.output


def test_report_json_without_tables_is_rendered_as_it_is(tmp_path):
    run = tmp_path / "shared"
    run.mkdir()
    (run / "report.json").write_text(json.dumps(full_report(model="shared-model")), encoding="utf-8")
    assert pipeline.rebuild_report(run) is False
    result = CliRunner().invoke(app, ["report", str(run), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert "read from report.json" in result.output
    assert "Overfitting audit: shared-model" in (tmp_path / "r.html").read_text(encoding="utf-8")
