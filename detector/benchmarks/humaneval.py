"""HumanEval: JSONL (often .gz) with `task_id`, `prompt`, `entry_point`, `canonical_solution`, `test`.

A code item's `question` is the prompt (a signature and docstring), its `answer` the canonical
body, its `solution` the whole reference (prompt + body). The metadata holds what running it
needs: `entry_point`, `test` (code run after the solution) and `test_setup` (code run before).
"""

from __future__ import annotations

import ast

from detector.benchmarks.records import Record
from detector.types import BenchmarkItem

CODE_KIND = "code"


def check_python(record: Record, field_name: str, source: str) -> None:
    """Raises: BenchmarkFormatError when `source` is not Python that parses (a lone surrogate, a
    NUL byte and nesting too deep for the parser included)."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise record.error(field_name, f"not valid Python: {exc.msg} (line {exc.lineno})") from None
    except UnicodeEncodeError:
        raise record.error(field_name, "holds a lone surrogate (not valid UTF-8 text)") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes; nesting too deep
        raise record.error(field_name, f"not valid Python: {type(exc).__name__}") from None


def parse_humaneval(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build a code item from a HumanEval row. Raises: BenchmarkFormatError naming the bad field."""
    prompt = record.text("prompt")
    body = record.text("canonical_solution")
    entry = record.text("entry_point").strip()
    test = record.text("test")
    if not entry.isidentifier():
        raise record.error("entry_point", f"not a Python name: {entry!r}")
    solution = prompt + body
    check_python(record, "canonical_solution", solution)
    check_python(record, "test", test)
    defined = {n.name for n in ast.walk(ast.parse(solution)) if isinstance(n, ast.FunctionDef)}
    if entry not in defined:
        raise record.error(
            "entry_point", f"{entry!r} is not a function defined by prompt + canonical_solution"
        )
    task_id = record.data.get("task_id")
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=prompt,
        answer=body,
        solution=solution,
        metadata={
            "kind": CODE_KIND, "code_format": "humaneval", "entry_point": entry,
            "test": f"{test.rstrip()}\n\n\ncheck({entry})\n", "test_setup": "",
            "task_id": str(task_id) if task_id is not None else "", "source_line": str(record.line),
        },
    )  # fmt: skip
