"""Faults of the setting (cache, run folders) and of our own code are reported for what they are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.models.cache import CacheUnavailableError, ResponseCache

PROBE = ["probe", "--model", "control/clean", "--benchmark", "gsm8k", "--limit", "3", "--family", "numeric"]


def _cache_folder_is_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    return tmp_path / "plain"


def _corrupt_cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "responses.sqlite").write_bytes(b"not a database " * 100)
    return folder


@pytest.mark.parametrize("make", [_cache_folder_is_a_file, _corrupt_cache])
def test_an_unusable_cache_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make
) -> None:
    folder = make(tmp_path)
    monkeypatch.setenv("DETECT_CACHE_DIR", str(folder))
    result = CliRunner().invoke(app, [*PROBE, "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and str(folder) in errors[0] and "--no-cache" in errors[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "run").exists()


def test_a_read_only_cache_folder_is_refused_at_once(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes through file modes; sysfs refuses new files even to root
        with pytest.raises(CacheUnavailableError, match="--no-cache"):
            ResponseCache(Path("/sys/detect-read-only-cache/responses.sqlite"))
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(CacheUnavailableError, match="--no-cache"):
            ResponseCache(folder / "responses.sqlite")
    finally:
        folder.chmod(0o755)


def test_a_read_only_cache_file_is_refused_at_once(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "responses.sqlite"
    ResponseCache(path).close()

    class ReadOnly(ResponseCache):  # open the same file read-only, as a read-only mount would
        def __init__(self, target: Path) -> None:
            original = sqlite3.connect
            sqlite3.connect = lambda name, **kw: original(  # type: ignore[assignment]
                f"file:{name}?mode=ro", uri=True, **kw
            )
            try:
                super().__init__(target)
            finally:
                sqlite3.connect = original  # type: ignore[assignment]

    with pytest.raises(CacheUnavailableError, match="readonly"):
        ReadOnly(path)


def test_an_internal_value_error_is_not_reported_as_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_scoring(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug in scoring")

    monkeypatch.setattr("detector.pipeline.run.score_rows", broken_scoring)
    monkeypatch.setenv("DETECT_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, [*PROBE, "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError) and "bad input" not in result.output
    assert not result.output.startswith("error: a bug")


def test_bad_input_still_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*PROBE[:-1], "no-such-family", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2 and "unknown probe family" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--system-prompt", "hi"], "--system-prompt applies to language models"),  # pipeline.querying
        (["--fresh", "gsm8k"], "is also a --benchmark's"),  # pipeline.inputs
    ],
)
def test_the_runs_own_input_checks_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, [*PROBE, *args, "--out", str(tmp_path / "run")])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "run").exists()


def test_an_out_that_is_a_file_exits_2(tmp_path: Path) -> None:  # pipeline.run
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, [*PROBE, "--out", str(tmp_path / "file")])
    assert result.exit_code == 2 and "exists and is not a directory" in result.output


def test_every_pipeline_module_that_checks_input_is_listed() -> None:
    # A ValueError counts as bad input only where its module is listed: moving a check into a
    # new module of the run must list that module too.
    from detector.cli.errors import INPUT_CHECKING_MODULES

    folder = Path(__file__).resolve().parents[2] / "detector" / "pipeline"
    raising = {
        f"detector.pipeline.{path.stem}"
        for path in folder.glob("*.py")
        if "raise ValueError" in path.read_text(encoding="utf-8")
    }
    assert raising == {"detector.pipeline.inputs", "detector.pipeline.querying", "detector.pipeline.run",
                       "detector.pipeline.run_dir"}
    assert raising <= INPUT_CHECKING_MODULES
