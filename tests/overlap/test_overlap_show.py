"""`detect overlap --show N` and `--matches-format`: readable, sanitized matches and CSV/JSONL copies."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from detector.cli import app
from detector.overlap.display import marked_segments, marked_text, sanitize_text
from tests.support.overlap_corpus_helpers import QUESTIONS


def _benchmark(path: Path) -> Path:
    rows = [{"question": q, "answer": f"It is {i}.\n#### {i}"} for i, q in enumerate(QUESTIONS[:2])]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_marked_snippet_brackets_aligned_words_and_leaves_edits_out() -> None:
    item = "Marisol bakes three trays of lemon cookies every Saturday"
    segments = marked_segments("so Marisol bakes three trays of lime cookies every Saturday", item)
    assert marked_text(segments) == "so [Marisol bakes three trays of] lime [cookies every Saturday]"


def test_sanitize_removes_terminal_escapes_and_bidi_overrides() -> None:
    assert sanitize_text("a\x1b[2Jb\u202ec\r\nd\x00") == "a\ufffd[2Jb\ufffdc d\ufffd"


def test_show_prints_best_matches_and_writes_csv_and_jsonl(tmp_path: Path) -> None:
    bench = _benchmark(tmp_path / "toy.jsonl")
    edited = QUESTIONS[1].replace("Tuesday", "Friday", 1)
    docs = [
        {"id": "verbatim\x1b[31m", "text": f"Intro words. {QUESTIONS[0]} Outro."},
        {"id": "edited", "text": f"Some text {edited} more"},
        {"id": "clean", "text": "river garden window " * 40},
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "overlap", "--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out), "--no-progress",
        "--show", "5", "--matches-format", "csv", "--matches-format", "jsonl",
    ])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    assert "verbatim\ufffd[31m" in lines[first] and ": verbatim, similarity 1.0" in lines[first]
    assert lines[first + 1].strip().startswith("[Marisol bakes")
    second = lines[first + 2]
    assert second.startswith("2. ") and "edited" in second and ": near," in second
    assert "as far on] Friday, [and eleven" in lines[first + 3]
    parquet = pl.read_parquet(out / "matches.parquet")
    assert pl.read_csv(out / "matches.csv")["item_id"].to_list() == parquet["item_id"].to_list()
    jsonl = [json.loads(line) for line in (out / "matches.jsonl").read_text().splitlines()]
    assert [row["doc_id"] for row in jsonl] == parquet["doc_id"].to_list()


def test_unknown_matches_format_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["overlap", "--corpus", str(tmp_path), "--matches-format", "xml",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "xml" in result.output and not (tmp_path / "out").exists()
