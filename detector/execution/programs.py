"""The program that tests a code item: its setup, the code under test, then its tests."""

from __future__ import annotations

from detector.types import BenchmarkItem


def is_code_item(item: BenchmarkItem) -> bool:
    return item.metadata.get("kind") == "code"


def test_program(item: BenchmarkItem, code: str) -> str:
    """Setup code, `code`, and the item's tests, as one Python file (run only in a sandbox)."""
    setup = item.metadata.get("test_setup", "")
    parts = [setup.rstrip() + "\n\n" if setup.strip() else "", code.rstrip(), "\n\n\n", item.metadata["test"]]
    return "".join(parts)


def reference_program(item: BenchmarkItem) -> str:
    """The test program of the item's own reference solution."""
    if item.solution is None:
        raise ValueError(f"{item.item_id}: a code item needs its reference solution")
    return test_program(item, item.solution)
