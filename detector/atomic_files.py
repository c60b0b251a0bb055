"""Atomic file writes: write a temporary file beside the target, then rename it over the target.

A reader never sees a half-written file. A writer killed midway leaves at most a hidden
`.NAME.*.tmp` beside the target, never a truncated NAME. Used for every output of a run
directory, a report, a leaderboard, a variant set and an overlap scan.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

# mkstemp creates files readable by the owner only; outputs are meant to be shared and published.
FILE_MODE = 0o644


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
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
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
