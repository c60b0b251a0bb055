"""Ctrl-C exits 130 with one line, never 1 (which --fail-on and a failed selftest use)."""

from __future__ import annotations

from typer.testing import CliRunner

from detector.cli import app


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_interrupted_selftest_exits_130_not_1(monkeypatch):
    import detector.selftest

    monkeypatch.setattr(detector.selftest, "run_selftest", _interrupt)
    result = CliRunner().invoke(app, ["selftest", "--items", "10", "--trials", "1", "--benchmark", "gsm8k"])
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output


def test_interrupted_overlap_exits_130_and_says_it_resumes(tmp_path, monkeypatch):
    import detector.overlap.scan

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"text": "nothing to see here"}\n')
    monkeypatch.setattr(detector.overlap.scan, "run_overlap", _interrupt)
    result = CliRunner().invoke(
        app, ["overlap", "--benchmark", "gsm8k", "--corpus", str(corpus), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 130, result.output
    assert "resumes" in result.output
