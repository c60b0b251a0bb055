"""Bad input: one error line naming file, line and field; exit code 2 through the CLI; nothing written."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_benchmark
from detector.cli import app
from detector.types import BenchmarkFormatError

GOOD_GSM8K = json.dumps({"question": "Q", "answer": "1 + 1 = <<1+1=2>>2\n#### 2"})


def _jsonl(*lines: str) -> Callable[[Path], Path]:
    def write(directory: Path) -> Path:
        path = directory / "bench.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def _text(name: str, content: bytes) -> Callable[[Path], Path]:
    def write(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(content)
        return path

    return write


ARC_ROW = {"question": {"stem": "S", "choices": [{"label": "A", "text": "a"}, {"label": "B", "text": "b"}]}}

# (case id, writer, expected line, expected field or None, words the message must hold)
CASES = [
    ("malformed-json", _jsonl(GOOD_GSM8K, '{"question": "Q", "answer": '), 2, None, "malformed JSON"),
    ("not-an-object", _jsonl(GOOD_GSM8K, "[1, 2]"), 2, None, "JSON object"),
    (
        "missing-question",
        _jsonl(GOOD_GSM8K, GOOD_GSM8K, json.dumps({"answer": "#### 3"})),
        3,
        "question",
        "missing",
    ),
    (
        "no-final-answer",
        _jsonl(GOOD_GSM8K, json.dumps({"question": "Q", "answer": "it is 4"})),
        2,
        "answer",
        "####",
    ),
    (
        "non-numeric-final",
        _jsonl(json.dumps({"question": "Q", "answer": "x #### four"})),
        1,
        "answer",
        "number",
    ),
    ("mmlu-unknown-letter", _text("x_test.csv", b"Q1,a,b,c,d,A\nQ2,a,b,c,d,E\n"), 2, "answer", "letter"),
    ("mmlu-columns", _text("x_test.csv", b"Q1,a,b,c,d,A\nQ2,a,b,c\n"), 2, None, "6 columns"),
    ("mmlu-empty-choice", _text("x_test.csv", b"Q1,a,,c,d,A\n"), 1, "B", "empty"),
    ("arc-unknown-key", _jsonl(json.dumps({**ARC_ROW, "answerKey": "C"})), 1, "answerKey", "unknown answer"),
    (
        "arc-missing-stem",
        _jsonl(json.dumps({"question": {"choices": []}, "answerKey": "A"})),
        1,
        "question.stem",
        "",
    ),
    (
        "hellaswag-label",
        _jsonl(json.dumps({"ctx": "c", "endings": ["a", "b"], "label": 5})),
        1,
        "label",
        "index",
    ),
    (
        "hellaswag-endings",
        _jsonl(json.dumps({"ctx": "c", "endings": "ab", "label": 0})),
        1,
        "endings",
        "list",
    ),
    (
        "wrong-encoding",
        _text("bench.jsonl", GOOD_GSM8K.encode() + b"\n" + "caf\u00e9".encode("latin-1")),
        2,
        None,
        "UTF-8",
    ),
    ("empty-file", _text("bench.jsonl", b"\n  \n"), None, None, "empty"),
    ("header-only-csv", _text("g.csv", b"question,answer\n"), 1, None, "no items"),
    ("undetectable", _jsonl(json.dumps({"prompt": "p", "target": "t"})), 1, None, "--format"),
]


@pytest.mark.parametrize(("case", "write", "line", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_library_and_cli(
    tmp_path: Path, case: str, write: Callable[[Path], Path], line: int | None, field: str | None, words: str
) -> None:
    path = write(tmp_path)
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert error.field_name == field
    assert words in str(error)
    before = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(app, ["benchmarks", "show", str(path)])
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("error: ")
    assert str(path) in message and words in message
    if line is not None:
        assert f"{path}:{line}:" in message
    if field is not None:
        assert f"field '{field}'" in message
    assert result.stdout == ""
    assert sorted(tmp_path.iterdir()) == before


def test_unreadable_paths(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(BenchmarkFormatError, match="no such file"):
        load_benchmark(missing)
    with pytest.raises(BenchmarkFormatError, match="no \\*_test.csv"):
        load_benchmark(tmp_path)
    for source in (missing, tmp_path):
        result = CliRunner().invoke(app, ["benchmarks", "show", str(source)])
        assert result.exit_code == 2 and str(source) in result.stderr


def test_bad_options(tmp_path: Path) -> None:
    path = _jsonl(GOOD_GSM8K)(tmp_path)
    with pytest.raises(ValueError, match="unknown format 'nope'"):
        load_benchmark(path, format="nope")
    with pytest.raises(ValueError, match="needs a mapping for question and answer"):
        load_benchmark(path, format="generic")
    with pytest.raises(ValueError, match="generic format, not to 'gsm8k'"):
        load_benchmark(path, format="gsm8k", fields={"question": "q", "answer": "a"})
    runner = CliRunner()
    for args in (["--format", "nope"], ["--field", "question"], ["--field", "colour=red"]):
        result = runner.invoke(app, ["benchmarks", "show", str(path), *args])
        assert result.exit_code == 2 and result.stderr.startswith("error: ")


def test_generic_mapping_names_the_missing_column(tmp_path: Path) -> None:
    path = _jsonl(json.dumps({"prompt": "p", "target": "t"}), json.dumps({"prompt": "p2"}))(tmp_path)
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path, fields={"question": "prompt", "answer": "target"})
    assert (caught.value.line, caught.value.field_name) == (2, "target")


def test_hub_without_datasets_names_offline_alternative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets -> ImportError
    with pytest.raises(BenchmarkFormatError, match="offline: download .* and pass its path"):
        load_benchmark("hub:gsm8k")
    result = CliRunner().invoke(app, ["benchmarks", "show", "hub:gsm8k"])
    assert result.exit_code == 2 and "detect-overfit[hub]" in result.stderr
    with pytest.raises(ValueError, match="unknown hub benchmark"):
        load_benchmark("hub:nonsense")


def _fake_datasets(load_dataset: Callable[..., object]) -> types.ModuleType:
    module = types.ModuleType("datasets")
    module.load_dataset = load_dataset  # type: ignore[attr-defined]
    return module


def test_hub_unreachable_names_offline_alternative(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: object, **kwargs: object) -> object:
        raise ConnectionError("Couldn't reach 'openai/gsm8k' on the Hub")

    monkeypatch.setitem(sys.modules, "datasets", _fake_datasets(unreachable))
    with pytest.raises(BenchmarkFormatError, match="cannot load openai/gsm8k .*offline: download"):
        load_benchmark("hub:gsm8k")


def test_hub_rows_go_through_the_named_format(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    row = {
        "id": "h1",
        "question": "Q?",
        "choices": {"text": ["x", "y"], "label": ["A", "B"]},
        "answerKey": "B",
    }

    def load_dataset(*args: object, **kwargs: object) -> list[dict[str, object]]:
        calls.append((*args, kwargs["split"]))
        return [row]

    monkeypatch.setitem(sys.modules, "datasets", _fake_datasets(load_dataset))
    loaded = load_benchmark("hub:arc-challenge")
    assert calls == [("allenai/ai2_arc", "ARC-Challenge", "test")]
    assert loaded.format == "arc" and loaded.items[0].answer == "B" and loaded.path == "hub:arc-challenge"
