"""The HTML report and leaderboard pages in a real headless Chromium (see chromium_pipe.py)."""

import pytest

from detector.report.html import render_html
from detector.report.leaderboard import build_leaderboard
from detector.report.leaderboard_pages import render_leaderboard_html
from tests.support.chromium_pipe import find_browser, open_page
from tests.support.report_samples import (
    calibrated_report,
    clean_report,
    full_report,
    hostile_report,
    null_report,
)


def test_report_page_renders_with_chart_and_no_console_errors(browser, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(full_report()), encoding="utf-8")
    facts, problems, png = open_page(browser, page)
    assert problems == []
    assert facts["title"] == "Overfitting audit: control/contaminated"
    assert facts["scripts"] == 0
    assert facts["familyChart"]["width"] > 500 and facts["familyChart"]["height"] > 100
    # overall + 3 families have an original accuracy; paraphrase has no variant accuracy
    assert (facts["shownOriginalDots"], facts["shownVariantDots"]) == (4, 3)
    for text in ("likely overfit", "+18.4", "Memorization signals", "Tom has 5 apples", "Provenance"):
        assert text in facts["text"]
    assert facts["pageWidth"] <= facts["viewportWidth"]  # nothing overflows sideways
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def test_hostile_text_stays_text_in_the_browser(browser, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_report()), encoding="utf-8")
    facts, problems, _ = open_page(browser, page)
    assert problems == []
    assert facts["scripts"] == 0
    assert '<script>alert("x")</script>' in facts["text"]  # shown literally, never run


def test_null_report_page_renders(browser, tmp_path):
    page = tmp_path / "null.html"
    page.write_text(render_html(null_report()), encoding="utf-8")
    facts, problems, _ = open_page(browser, page)
    assert problems == []
    assert "no verdict" in facts["text"] and facts["shownVariantDots"] == 0


def test_leaderboard_page_renders_scatter_per_variant_set(browser, tmp_path):
    groups = build_leaderboard([
        ("a", full_report("org/a", 18.0, sha="aa" * 32)),
        ("b", clean_report("org/b", sha="aa" * 32)),
        ("c", calibrated_report("org/c", 9.0, 6.0, sha="bb" * 32)),
    ])
    page = tmp_path / "leaderboard.html"
    page.write_text(render_leaderboard_html(groups), encoding="utf-8")
    facts, problems, _ = open_page(browser, page)
    assert problems == []
    assert len(facts["scatterCharts"]) == 2 and all(box["width"] > 400 for box in facts["scatterCharts"])
    assert facts["shownModelPoints"] == 3
    assert "2 different variant sets" in facts["text"]
    assert facts["pageWidth"] <= facts["viewportWidth"]


def test_the_check_catches_console_errors_and_blocked_loads(browser, tmp_path):
    """The console check itself can fail: a page with a script error and a network image."""
    page = tmp_path / "bad.html"
    csp = "default-src 'none'; script-src 'unsafe-inline'"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{csp}"></head>'
        '<body><img src="http://example.invalid/x.png"><script>console.error("boom"); missing();</script>'
        "</body></html>",
        encoding="utf-8",
    )
    _, problems, _ = open_page(browser, page)
    joined = "\n".join(problems)
    assert "console.error" in joined and "boom" in joined
    assert "uncaught" in joined and "missing" in joined
    assert "Content Security Policy" in joined


def test_missing_chromium_fails_with_the_install_line(monkeypatch):
    from tests.support import chromium_pipe

    monkeypatch.setattr(chromium_pipe.shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium"):
        find_browser()
