"""MBPP: JSONL with `text` (or `prompt`, as in the sanitized split), `code`, `test_list` and
optional `test_setup_code`.

The question is the description followed by the tests (as the MBPP paper prompts), which name
the function to write; the entry point is the first function of `code` that the tests call.
"""

from __future__ import annotations

import ast

from detector.benchmarks.humaneval import CODE_KIND, check_python
from detector.benchmarks.records import Record
from detector.types import BenchmarkItem

TESTS_HEADER = "Your code should pass these tests:"


def render_mbpp_question(text: str, tests: list[str]) -> str:
    """The MBPP prompt: the description, then the tests it must pass."""
    return f"{text.strip()}\n{TESTS_HEADER}\n\n" + "\n".join(test.strip() for test in tests) + "\n"


def find_entry_point(code: str, tests: list[str]) -> str | None:
    """The first top-level function of `code` that the tests call, or None."""
    defined = [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    called = {
        n.func.id for test in tests for n in ast.walk(ast.parse(test))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }  # fmt: skip
    return next((name for name in defined if name in called), None)


def parse_mbpp(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build a code item from an MBPP row. Raises: BenchmarkFormatError naming the bad field."""
    key = "text" if "text" in record.data else "prompt"
    text = record.text(key)
    code = record.text("code").replace("\r\n", "\n")
    tests = [test.replace("\r\n", "\n").strip() for test in record.text_list("test_list")]
    setup_value = record.data.get("test_setup_code")
    if setup_value is not None and not isinstance(setup_value, str):
        raise record.error("test_setup_code", f"expected text, found {type(setup_value).__name__}")
    setup = (setup_value or "").replace("\r\n", "\n")
    check_python(record, "code", code)
    for position, test in enumerate(tests):
        check_python(record, f"test_list[{position}]", test)
    check_python(record, "test_setup_code", setup)
    entry = find_entry_point(code, tests)
    if entry is None:
        raise record.error("test_list", "the tests call no function that `code` defines")
    task_id = record.data.get("task_id")
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=render_mbpp_question(text, tests),
        answer=code,
        solution=code,
        metadata={
            "kind": CODE_KIND, "code_format": "mbpp", "entry_point": entry,
            "test": "\n".join(tests) + "\n", "test_setup": setup, "description": text.strip(),
            "task_id": str(task_id) if task_id is not None else "", "source_line": str(record.line),
        },
    )  # fmt: skip
