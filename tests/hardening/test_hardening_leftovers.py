"""Leftovers of killed writers (staging folders, temporary files) are removed by the next run there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from detector.atomic_files import make_staging_dir, remove_leftovers, write_text_atomic
from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftovers(folder: Path, name: str, pid: int) -> list[Path]:
    staging = folder / f".{name}.staging-{pid}-ab12cd_3"
    staging.mkdir(parents=True)
    (staging / "scores.parquet").write_bytes(b"half")
    old_staging = folder / f".{name}.staging-zz9yx8w7"  # made before the pid was in the name
    old_staging.mkdir()
    tmp = folder / f".{name}.{pid}-q1w2e3r4.tmp"
    tmp.write_bytes(b"")
    old_tmp = folder / ".report.md.k9j8h7g6.tmp"
    old_tmp.write_bytes(b"")
    return [staging, old_staging, tmp, old_tmp]


def test_the_next_probe_into_the_same_place_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    left = _leftovers(tmp_path, "run", _dead_pid())
    live = tmp_path / f".run.staging-{os.getpid()}-live0000"  # a writer still at work: kept
    live.mkdir()
    args = ["probe", "--model", "control/clean", "--benchmark", "gsm8k", "--limit", "2",
            "--family", "numeric", "--no-cache", "--out", str(tmp_path / "run")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, EXIT_INCONCLUSIVE), result.output  # a few items: inconclusive
    assert not any(path.exists() for path in left)
    assert live.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "run"]


def test_a_writer_killed_midway_leaves_nothing_after_the_next_write(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "from detector.atomic_files import write_atomic\n"
        "def die(path):\n"
        "    path.write_bytes(b'partial')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        f"write_atomic({str(tmp_path / 'out' / 'summary.json')!r}, die)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed = subprocess.run([sys.executable, "-c", script], env=env, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert [p.name for p in (tmp_path / "out").iterdir()][0].endswith(".tmp")
    write_text_atomic(tmp_path / "out" / "summary.json", "{}\n")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["summary.json"]


def test_staging_folders_of_live_writers_are_kept(tmp_path: Path) -> None:
    mine = make_staging_dir(tmp_path / "run")
    assert str(os.getpid()) in mine.name
    assert remove_leftovers(tmp_path) == [] and mine.exists()
