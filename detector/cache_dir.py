"""Where `detect` keeps its caches: `$DETECT_CACHE_DIR`, else `$XDG_CACHE_HOME` or `~/.cache`, `/detect`."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The folder of the response and execution caches (not created here)."""
    root = os.environ.get("DETECT_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "detect"
