"""HumanEval and MBPP loaders: fixtures, gzip, format detection, and one-line errors for bad input."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from detector.benchmarks import FIXTURES_DIR, load_benchmark
from detector.execution import run_python
from detector.execution.programs import reference_program
from detector.types import BenchmarkFormatError

HUMANEVAL_ROW = {
    "task_id": "T/0",
    "prompt": 'def double(x):\n    """Return twice x.\n    >>> double(2)\n    4\n    """\n',
    "entry_point": "double",
    "canonical_solution": "    return 2 * x\n",
    "test": "def check(candidate):\n    assert candidate(3) == 6\n",
}
MBPP_ROW = {
    "task_id": 7,
    "text": "Write a function to add one.",
    "code": "def add_one(n):\r\n    return n + 1",
    "test_list": ["assert add_one(1) == 2", "assert add_one(-1) == 0"],
    "test_setup_code": "",
}


@pytest.fixture(scope="module", autouse=True)
def execution_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Executions cached in a folder of this module's own, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DETECT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    text = "".join(json.dumps(row) + "\n" for row in rows)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def test_humaneval_fixture_items_know_entry_point_and_tests() -> None:
    loaded = load_benchmark("humaneval")
    assert loaded.format == "humaneval" and len(loaded.items) == 5
    item = loaded.items[0]
    assert item.metadata["kind"] == "code" and item.metadata["entry_point"] == "count_vowels"
    assert item.solution == item.question + item.answer
    assert item.metadata["test"].rstrip().endswith("check(count_vowels)")


def test_mbpp_fixture_items_know_entry_point_and_tests() -> None:
    loaded = load_benchmark("mbpp")
    assert loaded.format == "mbpp" and len(loaded.items) == 4
    item = loaded.items[0]
    assert item.metadata["entry_point"] == "second_smallest"
    assert "Your code should pass these tests:" in item.question
    assert "assert second_smallest([2, 2]) == None" in item.metadata["test"]
    assert loaded.items[3].metadata["test_setup"] == "import math"


@pytest.mark.parametrize("name", ["humaneval", "mbpp"])
def test_every_fixture_reference_passes_its_tests(name: str) -> None:
    for item in load_benchmark(name).items:
        result = run_python(reference_program(item))
        assert result.passed, (item.item_id, result.reason)


@pytest.mark.parametrize(("row", "fmt"), [(HUMANEVAL_ROW, "humaneval"), (MBPP_ROW, "mbpp")])
@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_plain_and_gzipped_files_are_detected(
    tmp_path: Path, row: dict[str, object], fmt: str, suffix: str
) -> None:
    path = write_jsonl(tmp_path / f"tasks{suffix}", [row, row])
    loaded = load_benchmark(path)
    assert loaded.format == fmt and len(loaded.items) == 2
    assert run_python(reference_program(loaded.items[1])).passed


@pytest.mark.parametrize(
    ("row", "field", "fragment"),
    [
        ({**HUMANEVAL_ROW, "entry_point": "triple"}, "entry_point", "not a function defined"),
        ({**HUMANEVAL_ROW, "canonical_solution": "    return (\n"}, "canonical_solution", "not valid Python"),
        ({k: v for k, v in HUMANEVAL_ROW.items() if k != "test"}, "test", "missing field"),
        ({**MBPP_ROW, "test_list": ["assert other(1) == 2"]}, "test_list", "call no function"),
        ({**MBPP_ROW, "test_list": []}, "test_list", "empty list"),
        ({**MBPP_ROW, "code": "def add_one(n) return"}, "code", "not valid Python"),
    ],
)
def test_bad_rows_name_file_line_and_field(
    tmp_path: Path, row: dict[str, object], field: str, fragment: str
) -> None:
    fmt = "humaneval" if "prompt" in row else "mbpp"
    good = HUMANEVAL_ROW if fmt == "humaneval" else MBPP_ROW
    path = write_jsonl(tmp_path / "bad.jsonl", [good, row])
    with pytest.raises(BenchmarkFormatError) as caught:
        load_benchmark(path, format=fmt)
    message = str(caught.value)
    assert f"{path}:2:" in message and f"'{field}'" in message and fragment in message


def test_fixture_files_are_bundled() -> None:
    assert (FIXTURES_DIR / "humaneval.jsonl").exists() and (FIXTURES_DIR / "mbpp.jsonl").exists()
