"""`detect report` on a damaged run directory: one line naming the table, exit 2, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("probe")
    args = ["probe", "--model", "control/clean", "--benchmark", "gsm8k", "--limit", "4",
            "--family", "numeric", "--no-cache", "--out", str(root / "run")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, EXIT_INCONCLUSIVE), result.output  # 4 items: inconclusive
    return root / "run"


def _damaged(run_dir: Path, tmp_path: Path, damage) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    damage(copy / "scores.parquet")
    return copy


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _wrong_type(path: Path) -> None:
    table = pl.read_parquet(path)
    table.with_columns(pl.lit("not a bool").alias("correct")).write_parquet(path)


def _missing_column(path: Path) -> None:
    pl.read_parquet(path).drop("correct").write_parquet(path)


@pytest.mark.parametrize("damage", [_truncate, _wrong_type, _missing_column])
def test_a_damaged_table_is_one_line_and_exit_2(run_dir: Path, tmp_path: Path, damage) -> None:
    run = _damaged(run_dir, tmp_path, damage)
    before = (run / "report.json").read_bytes()
    result = CliRunner().invoke(app, ["report", str(run), "--md", str(tmp_path / "r.md")])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and "scores.parquet" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert (run / "report.json").read_bytes() == before and not (tmp_path / "r.md").exists()
