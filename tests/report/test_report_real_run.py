"""Reports and leaderboard on real runs of `detect probe` with the bundled control models."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.report.markdown import render_markdown
from tests.support.chromium_pipe import open_page


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two real runs on the bundled fixtures: the contaminated and the clean control model.

    Made with `detect probe --model MODEL --out DIR` (no response cache: nothing written outside tmp).
    """
    root = tmp_path_factory.mktemp("runs")
    made = {}
    for name, model in (("contaminated", "control/contaminated"), ("clean", "control/clean")):
        out = root / name
        result = CliRunner().invoke(app, ["probe", "--model", model, "--out", str(out), "--no-cache"])
        assert result.exit_code == 0, result.output
        made[name] = out
    return made


def test_report_rebuilds_the_same_report_and_writes_pages(runs, tmp_path):
    run = runs["contaminated"]
    before = (run / "report.json").read_bytes()
    html_path, md_path = tmp_path / "report.html", tmp_path / "report.md"
    result = CliRunner().invoke(app, ["report", str(run), "--html", str(html_path), "--md", str(md_path)])
    assert result.exit_code == 0, result.output
    assert "rebuilt from the run's tables" in result.output
    assert (run / "report.json").read_bytes() == before
    report = json.loads(before)
    assert report["verdict"] == "likely_overfit"
    assert md_path.read_text(encoding="utf-8") == render_markdown(report)
    assert (run / "report.md").read_text(encoding="utf-8") == render_markdown(report)
    page = html_path.read_text(encoding="utf-8")
    assert "likely overfit" in page and 'class="chart family-chart"' in page
    assert page.count('class="family-row"') == 1 + len(report["families"])
    assert page.count('class="example"') == len(report["examples"]) > 0


def test_real_report_page_in_the_browser(runs, browser, tmp_path):
    html_path = tmp_path / "real_report.html"
    result = CliRunner().invoke(app, ["report", str(runs["contaminated"]), "--html", str(html_path)])
    assert result.exit_code == 0, result.output
    facts, problems, _ = open_page(browser, html_path)
    assert problems == []
    assert facts["familyChart"]["height"] > 300
    assert facts["shownOriginalDots"] > 10
    assert facts["pageWidth"] <= facts["viewportWidth"]


def test_leaderboard_ranks_the_contaminated_model_first(runs, tmp_path):
    csv = tmp_path / "board.csv"
    result = CliRunner().invoke(
        app, ["leaderboard", str(runs["clean"]), str(runs["contaminated"]), "--csv", str(csv)]
    )
    assert result.exit_code == 0, result.output
    board = pl.read_csv(csv)
    assert board["model"].to_list() == ["control/contaminated", "control/clean"]
    assert board["group"].to_list() == [1, 1]  # same fixtures, seed and families: one variant set
    assert board["verdict"].to_list() == ["likely_overfit", "no_evidence"]
