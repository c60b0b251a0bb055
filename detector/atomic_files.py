"""Atomic file writes: write a temporary file beside the target, then rename it over the target.

A reader never sees a half-written file. A writer killed midway leaves at most a hidden
`.NAME.PID-XXXXXXXX.tmp` beside the target (or a `.NAME.staging-PID-XXXXXXXX` folder), never a
truncated NAME; the next write into that folder removes such leftovers of processes that are
gone. Used for every output of a run directory, a report, a leaderboard, a variant set and an
overlap scan.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

# mkstemp creates files readable by the owner only; outputs are meant to be shared and published.
FILE_MODE = 0o644
# Leftovers: ours carry the writer's pid; older ones (before the pid) only mkstemp's 8 characters.
_LEFTOVER = re.compile(r"^\..+\.(?:staging-)?(?:(\d+)-)?[a-z0-9_]{8}(?:\.tmp)?$")
STALE_AFTER_S = 24 * 3600  # a leftover this old is removed even if its pid was reused
_cleaned: set[Path] = set()
_cleaned_lock = threading.Lock()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours, or this platform cannot tell: keep its files
        return True
    return True


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Remove the temporary files and staging folders that killed writers left in `folder`.

    A leftover is kept while the process that made it runs. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        is_staging = ".staging-" in entry.name
        match = _LEFTOVER.match(entry.name)
        if match is None or not (entry.name.endswith(".tmp") or is_staging):
            continue
        try:
            stale = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S
            if match.group(1) is not None and _alive(int(match.group(1))) and not stale:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _clean_once(folder: Path) -> None:
    """`remove_leftovers(folder)` on this process's first write there (later writes skip the scan)."""
    key = folder.resolve()
    with _cleaned_lock:
        if key in _cleaned:
            return
        _cleaned.add(key)
    remove_leftovers(folder)


def make_staging_dir(target: str | Path) -> Path:
    """A new hidden folder beside `target` to assemble it in, leftovers of killed runs removed first."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target.parent)
    prefix = f".{target.name}.staging-{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))


def check_output_dir(path: str | Path, option: str = "--out") -> Path:
    """`path` as a Path when it is, or can become, a directory.

    Raises: ValueError naming `path` (and `option`) when it, or a folder above it, is a file.
    """
    target = Path(path)
    for candidate in (target, *target.parents):
        if candidate.exists():
            if not candidate.is_dir():
                what = "exists" if candidate == target else f"is inside {candidate}, which exists"
                raise ValueError(f"{target}: {what} and is not a directory ({option} names a directory)")
            break
    return target


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp_path)` on a temporary file next to `path`, then rename it to `path`.

    The folder is created when missing. On any failure (including Ctrl-C) the temporary file
    is removed and `path` is left as it was.

    Raises: OSError naming `path` when its folder cannot be written.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _clean_once(target.parent)
        prefix = f".{target.name}.{os.getpid()}-"
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    except OSError as error:  # name the file asked for, not the temporary one
        raise OSError(error.errno, error.strerror, str(target)) from error
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write `text` as UTF-8, exactly as given (no newline translation), atomically."""
    return write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8", newline=""))
