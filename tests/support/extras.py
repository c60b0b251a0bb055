"""Optional extras in tests: skipped where a developer did not install them, never under CI.

`.ci/run` installs every extra the tests use, so a missing one there is a broken install step,
not an optional feature: under `CI=true` it fails the test instead of skipping it.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def require(module: str, extra: str) -> ModuleType:
    """Import `module`; without it, skip (a developer's machine) or fail (CI)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{module} is missing: pip install 'detect-overfit[{extra}]' (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message, allow_module_level=True)
