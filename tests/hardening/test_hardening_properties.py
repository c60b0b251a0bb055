"""Property tests: arbitrary bytes and structures give a result or the documented error.

Loaders raise BenchmarkFormatError, the corpus reader CorpusFormatError, run tables
InputFormatError, report readers ValueError; scorers and renderers always return. Nothing
is written outside the folder given. Examples are few (the fuzz campaign in
benchmarks/fuzz_campaign.py runs long): this suite's share of time stays small.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.benchmarks import load_benchmark
from detector.overlap.corpus import CorpusFormatError, read_documents
from detector.report.html import render_html
from detector.report.leaderboard import build_leaderboard, read_report
from detector.report.leaderboard_pages import render_leaderboard_html, render_leaderboard_markdown
from detector.report.markdown import render_markdown
from detector.scoring import score_response
from detector.tables import read_table
from detector.types import BenchmarkFormatError, BenchmarkItem, InputFormatError

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ESCAPES = ("\x1b", "\x9b", "\x9d", "\x90")
FORMATS = [None, "gsm8k", "mmlu", "mmlu-hf", "arc", "hellaswag"]
SUFFIXES = [".jsonl", ".json", ".csv", ".tsv", ".parquet", ".jsonl.gz", ""]
WORDS = [
    "question", "answer", "choices", "label", "endings", "ctx", "answerKey", "stem", "text", "####",
    "\\boxed{", "<think>", "The answer is", "NaN", "1e400", "\ud800", "\x1b]52;c;", "[[[[", '"', ",",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.sampled_from(WORDS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=8),
                                                                 inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


def _listing(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def _case_dir(sandbox: Path) -> Path:
    """A fresh folder for one example (the sandbox outlives hypothesis' examples)."""
    return Path(tempfile.mkdtemp(dir=sandbox))


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder; the test checks nothing appears beside what it wrote there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _load(path: Path, format: str | None) -> None:
    try:
        loaded = load_benchmark(path, format=format)
    except BenchmarkFormatError as error:
        assert str(path) in str(error) and "\n" not in str(error).strip()
        return
    assert all(isinstance(item, BenchmarkItem) for item in loaded.items)


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES), format=st.sampled_from(FORMATS))
def test_loaders_on_arbitrary_bytes(sandbox: Path, data: bytes, suffix: str, format: str | None) -> None:
    case = _case_dir(sandbox)
    path = case / f"bench{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    before = _listing(sandbox)
    _load(path, format)
    assert _listing(sandbox) == before


@SETTINGS
@given(
    rows=st.lists(st.dictionaries(st.sampled_from(WORDS), json_values, max_size=6), min_size=1, max_size=4),
    format=st.sampled_from(FORMATS),
)
def test_loaders_on_arbitrary_json_records(
    sandbox: Path, rows: list[dict[str, Any]], format: str | None
) -> None:
    case = _case_dir(sandbox)
    path = case / "bench.jsonl"
    path.write_text("\n".join(json.dumps(row, allow_nan=True) for row in rows) + "\n", encoding="utf-8")
    _load(path, format)
    csv_path = case / "bench.csv"
    cells = "\n".join(",".join(str(v) for v in row.values()) for row in rows)
    csv_path.write_bytes(cells.encode("utf-8", "surrogatepass"))  # lone surrogates become bad UTF-8
    _load(csv_path, format)


@SETTINGS
@given(text=st.text(max_size=400) | st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
       answer=st.sampled_from(["42", "B", "green apples", "-3.5", "0"]))  # fmt: skip
def test_scorers_on_arbitrary_replies(text: str, answer: str) -> None:
    items = [
        BenchmarkItem("b", "b/0", "q", answer, metadata={"kind": "math"}),
        BenchmarkItem("b", "b/1", "q", "B", choices=("x", "y", "z"), labels=("A", "B", "C")),
        BenchmarkItem("b", "b/2", "q", answer, metadata={"kind": "cloze"}),
    ]
    for item in items:
        for scoring in ("answer", "continuation"):
            score = score_response(item, text, scoring)
            assert score.correct in (True, False)


@SETTINGS
@given(report=st.dictionaries(st.sampled_from(["model", "verdict", "families", "overall", "evidence",
                                               "examples", "signals", "overfitting_score", "schema_version",
                                               "variant_set_sha256", "calibrated"]) | st.text(max_size=6),
                              json_values, max_size=8))  # fmt: skip
def test_renderers_on_arbitrary_reports(report: dict[str, Any]) -> None:
    for page in (render_markdown(report), render_html(report)):
        assert isinstance(page, str) and not any(code in page for code in ESCAPES)
    groups = build_leaderboard([("run", {**report, "schema_version": 1})])
    for page in (render_leaderboard_markdown(groups), render_leaderboard_html(groups)):
        assert not any(code in page for code in ESCAPES)


@SETTINGS
@given(data=st.binary(max_size=600), name=st.sampled_from(["c.jsonl", "c.txt", "c.jsonl.gz", "c.jsonl.zst",
                                                            "c.parquet", "c.xz", "shard_0001"]))  # fmt: skip
def test_corpus_reader_on_arbitrary_bytes(sandbox: Path, data: bytes, name: str) -> None:
    case = _case_dir(sandbox)
    path = case / name
    path.write_bytes(data)
    try:
        for batch in read_documents(str(path)):
            assert len(batch.doc_ids) == len(batch.texts)
    except CorpusFormatError as error:
        assert str(path) in str(error)
    assert _listing(case) == {name}


@SETTINGS
@given(data=st.binary(max_size=400))
def test_run_readers_on_arbitrary_bytes(sandbox: Path, data: bytes) -> None:
    case = _case_dir(sandbox)
    (case / "scores.parquet").write_bytes(data)
    (case / "report.json").write_bytes(data)
    with pytest.raises(InputFormatError):
        read_table(case, "scores")
    try:
        read_report(case)
    except ValueError as error:
        assert "report.json" in str(error)
    assert _listing(case) == {"scores.parquet", "report.json"}
    assert os.getcwd() == str(sandbox)
