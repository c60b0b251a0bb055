"""Hostile benchmark files: each gives one error line naming file and line, exit 2, no traceback."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_benchmark
from detector.cli import app
from detector.types import BenchmarkFormatError

GOOD = json.dumps({"question": "Q", "answer": "1 + 1 = 2\n#### 2"})


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _show_fails_cleanly(path: Path, *extra: str) -> str:
    result = CliRunner().invoke(app, ["benchmarks", "show", str(path), *extra])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(path) in result.output
    assert "Traceback" not in result.output
    return result.output


def test_deeply_nested_json_is_a_format_error_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "deep.jsonl", GOOD + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path)
    assert caught.value.line == 2 and "nested" in str(caught.value)
    _show_fails_cleanly(path)
    array = _write(tmp_path, "deep.json", "[" + GOOD + ', {"q": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    with pytest.raises(BenchmarkFormatError, match="nested"):
        load_benchmark(array)
    cell = _write(tmp_path, "deep.csv", 'q,a,c\nQ,0,"' + "[" * 50_000 + "]" * 50_000 + '"\n')
    with pytest.raises(BenchmarkFormatError):
        load_benchmark(cell, fields={"question": "q", "answer": "a", "choices": "c"})


@pytest.mark.parametrize(
    "line",
    [
        json.dumps({"question": "Q", "answer": "x\n#### " + "9" * 5000}),
        json.dumps({"question": "Q " + "7" * 5000, "answer": "x\n#### 2"}),
        json.dumps({"question": "Q", "answer": "<<1+1=" + "3" * 5000 + ">>\n#### 2"}),
        '{"question": "Q", "answer": ' + "8" * 5000 + "}",
    ],
)
def test_a_number_of_thousands_of_digits_names_its_file_and_line(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path, "big.jsonl", GOOD + "\n" + line + "\n")
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path)
    assert caught.value.line == 2 and "digits" in str(caught.value)
    _show_fails_cleanly(path)


def test_a_huge_index_in_a_csv_cell_is_a_format_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "mc.csv", "q,a,c\nQ," + "1" * 5000 + ',"[""x"", ""y""]"\n')
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path, fields={"question": "q", "answer": "a", "choices": "c"})
    assert caught.value.line == 2 and len(str(caught.value)) < 300


def test_an_unterminated_quote_in_a_csv_is_an_error_not_a_merged_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "g.csv", 'question,answer\nWhat is 1+1?,"2\nWhat is 2+2?,4\n')
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path, fields={"question": "question", "answer": "answer"})
    assert caught.value.line == 2 and "quote" in str(caught.value)


def test_a_lone_surrogate_is_a_format_error_naming_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.jsonl", GOOD + "\n" + '{"question": "Q \\ud800", "answer": "x\\n#### 2"}\n')
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path)
    assert caught.value.line == 2 and caught.value.field_name == "question"
    _show_fails_cleanly(path)


@pytest.mark.parametrize("gold", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_json_numbers_are_rejected(tmp_path: Path, gold: str) -> None:
    first = '{"question": "Q", "answer": 3}\n'
    path = _write(tmp_path, "g.jsonl", first + '{"question": "Q", "answer": ' + gold + "}\n")
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path, fields={"question": "question", "answer": "answer"})
    assert caught.value.line == 2


def test_a_non_finite_float_gold_from_parquet_is_rejected(tmp_path: Path) -> None:
    import polars as pl

    path = tmp_path / "g.parquet"
    pl.DataFrame({"question": ["Q", "R"], "answer": [1.0, float("nan")]}).write_parquet(path)
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path, fields={"question": "question", "answer": "answer"})
    assert caught.value.line == 2 and caught.value.field_name == "answer"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "bench.jsonl"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_benchmark(fifo)
        except BaseException as error:  # noqa: BLE001 - recorded for the assertion below
            outcome.append(error)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "w"):
            pass
        pytest.fail("loading a FIFO blocked")
    assert outcome and isinstance(outcome[0], BenchmarkFormatError)
    assert "regular file" in str(outcome[0])


HOSTILE_LINES = {
    "nested": "[" * 100_000 + "]" * 100_000,
    "digits": json.dumps({"question": "Q", "answer": "x\n#### " + "9" * 5000}),
    "surrogate": '{"question": "Q \\udc80", "answer": "x\\n#### 2"}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_LINES))
@pytest.mark.parametrize("command", ["probe", "perturb", "overlap", "lab"])
def test_every_command_reports_a_hostile_benchmark_in_one_line(
    tmp_path: Path, command: str, kind: str
) -> None:
    path = _write(tmp_path, "bench.jsonl", GOOD + "\n" + HOSTILE_LINES[kind] + "\n")
    out = tmp_path / "out"
    args = {
        "probe": [
            "probe",
            "--model",
            "control/clean",
            "--benchmark",
            str(path),
            "--no-cache",
            "--out",
            str(out),
        ],
        "perturb": ["perturb", "--benchmark", str(path), "--out", str(out / "v.parquet")],
        "overlap": ["overlap", "--benchmark", str(path), "--corpus", str(path), "--out", str(out)],
        "lab": ["lab", "build", "--benchmark", str(path), "--out", str(out), "--size", "tiny"],
    }[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and f"{path}:2" in errors[0], result.output
    assert "Traceback" not in result.output and not out.exists()


def test_an_undetected_format_names_its_fields_on_one_line(tmp_path: Path) -> None:
    """Found by the fuzz campaign: a header cell holding a line break broke the one-line error."""
    path = _write(tmp_path, "b.tsv", '"What does\nit mean?"\tx\n1\t2\n')
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path)
    assert "\n" not in str(caught.value) and "What does it mean?" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def f(x):\\r\\n    return '\\udfff'", "lone surrogate"),
        ("def f(x):\\n    return 1\\u0000", "not valid Python"),
    ],
)
def test_unreadable_code_is_one_line_naming_the_field(tmp_path: Path, code: str, message: str) -> None:
    """Found by the fuzz campaign (seed 2): a lone surrogate in MBPP code reached ast.parse raw."""
    path = tmp_path / "mbpp.jsonl"
    path.write_text(
        '{"task_id": 1, "text": "Write a function.", "code": "' + code + '", '
        '"test_list": ["assert f(1) == 1"], "test_setup_code": ""}\n'
    )
    with pytest.raises(BenchmarkFormatError) as error:
        load_benchmark(path, format="mbpp")
    assert "code" in str(error.value) and message in str(error.value) and str(path) in str(error.value)
