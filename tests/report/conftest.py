"""Fixtures shared by the report tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.chromium_pipe import PipeBrowser, find_browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipeBrowser]:
    """One Chromium for the module; each page gets its own tab."""
    chromium = PipeBrowser(find_browser(), tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()
