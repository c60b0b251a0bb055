"""`detect overlap` end to end, and its one-line errors (exit 2, nothing half-written)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.cli import app
from tests.support.overlap_corpus_helpers import QUESTIONS, make_documents, write_jsonl


def _benchmark(path: Path, questions: list[str]) -> Path:
    rows = [{"question": q, "answer": f"It is {i}.\n#### {i}"} for i, q in enumerate(questions)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["overlap", *args])


def test_overlap_command_writes_matches_and_summary(tmp_path: Path) -> None:
    bench = _benchmark(tmp_path / "toy.jsonl", QUESTIONS[:3])
    docs, truth = make_documents()
    corpus = write_jsonl(tmp_path / "c.jsonl", docs)
    out = tmp_path / "out"
    result = _run("--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out), "--no-progress")
    assert result.exit_code == 0, result.output
    assert "toy" in result.output and "66.7%" in result.output and "MB/s" not in result.output
    matches = pl.read_parquet(out / "matches.parquet")
    assert dict(matches.select("doc_id", "item_id").iter_rows()) == {"v0": "toy/0", "e1": "toy/1"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["benchmarks"][0]["items_found"] == 2


def test_ngram13_method_and_glob(tmp_path: Path) -> None:
    bench = _benchmark(tmp_path / "toy.jsonl", QUESTIONS[:3])
    docs, _ = make_documents()
    write_jsonl(tmp_path / "c1.jsonl", docs[:10])
    write_jsonl(tmp_path / "c2.jsonl", docs[10:])
    out = tmp_path / "out"
    result = _run("--benchmark", str(bench), "--corpus", str(tmp_path / "c*.jsonl"), "--method", "ngram13",
                  "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "overlap (ngram13) " in result.output and " MB/s, " in result.output  # a log gets plain lines
    summary = json.loads((out / "summary.json").read_text())
    assert summary["method"] == "ngram13" and summary["documents"] == len(docs)
    assert "toy/0" in pl.read_parquet(out / "matches.parquet")["item_id"].to_list()


def test_between_two_benchmarks(tmp_path: Path) -> None:
    old = _benchmark(tmp_path / "old.jsonl", QUESTIONS[:3])
    new = _benchmark(tmp_path / "new.jsonl", ["Something unrelated about violins and copper lanterns today?",
                                              QUESTIONS[1]])
    out = tmp_path / "out"
    result = _run("--between", str(old), str(new), "--out", str(out))
    assert result.exit_code == 0, result.output
    matches = pl.read_parquet(out / "matches.parquet")
    assert matches.select("item_id", "doc_id").rows() == [("old/1", "new/1")]


def _assert_one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ('{"text": "fine"}\n{"text": broken\n', [":2:", "invalid JSON"]),
        ('{"text": "fine"}\n{"body": "no text here"}\n', [":2:", "'text'"]),
    ],
)
def test_bad_corpus_lines_exit_2(tmp_path: Path, content: str, needles: list[str]) -> None:
    bench = _benchmark(tmp_path / "toy.jsonl", QUESTIONS[:3])
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(content)
    out = tmp_path / "out"
    result = _run("--benchmark", str(bench), "--corpus", str(corpus), "--out", str(out), "--no-progress")
    _assert_one_line_error(result, "bad.jsonl", *needles)
    assert not (out / "matches.parquet").exists() and not (out / "summary.json").exists()


def test_missing_corpus_and_missing_parquet_column_exit_2(tmp_path: Path) -> None:
    bench = _benchmark(tmp_path / "toy.jsonl", QUESTIONS[:3])
    missing = str(tmp_path / "missing.jsonl")
    result = _run("--benchmark", str(bench), "--corpus", missing, "--out", str(tmp_path))
    _assert_one_line_error(result, "missing.jsonl", "not found")
    pl.DataFrame({"body": ["x"]}).write_parquet(tmp_path / "c.parquet")
    result = _run("--benchmark", str(bench), "--corpus", str(tmp_path / "c.parquet"), "--out", str(tmp_path))
    _assert_one_line_error(result, "c.parquet", "'text'")
    result = _run("--benchmark", str(bench), "--corpus", str(tmp_path / "c.parquet"), "--text-field", "body",
                  "--method", "nope", "--out", str(tmp_path))
    _assert_one_line_error(result, "unknown method")


def test_corpus_or_between_is_required() -> None:
    _assert_one_line_error(_run(), "--corpus")


def test_corrupt_compressed_corpus_exit_2(tmp_path: Path) -> None:
    bench = _benchmark(tmp_path / "toy.jsonl", QUESTIONS[:3])
    (tmp_path / "c.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage that is not gzip")
    corpus = str(tmp_path / "c.jsonl.gz")
    result = _run("--benchmark", str(bench), "--corpus", corpus, "--out", str(tmp_path / "o"))
    _assert_one_line_error(result, "c.jsonl.gz", "cannot read file")
