"""What the code families share: where a task's description lies, and how a variant is made and
verified (its transformed reference solution must pass its tests in the sandbox).

Code items come from `detector.benchmarks.humaneval` / `mbpp`: the question is a HumanEval
prompt (signature + docstring) or an MBPP description followed by its tests; the metadata holds
`entry_point`, `test`, `test_setup` and `code_format`.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from detector.types import BenchmarkItem, ParamValue, Variant
from probes.base import build_variant

if TYPE_CHECKING:
    from detector.execution import Executor

VERIFIED_BY = "sandbox: the transformed reference solution passed the variant's tests"
_EXAMPLE_START = re.compile(r"^\s*(>>>|\.\.\.)")


def is_code(item: BenchmarkItem) -> bool:
    return item.metadata.get("kind") == "code" and bool(item.solution) and "entry_point" in item.metadata


def is_humaneval(item: BenchmarkItem) -> bool:
    return item.metadata.get("code_format") == "humaneval"


def char_offset(text: str, lineno: int, col_bytes: int) -> int:
    """The character offset in `text` of an ast position (1-based line, UTF-8 byte column)."""
    lines = text.splitlines(keepends=True)
    before = sum(len(line) for line in lines[: lineno - 1])
    line = lines[lineno - 1] if lineno - 1 < len(lines) else ""
    return before + len(line.encode("utf-8")[:col_bytes].decode("utf-8", errors="ignore"))


def entry_function(tree: ast.AST, name: str) -> ast.FunctionDef | None:
    return next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name), None)


def description_span(item: BenchmarkItem) -> tuple[int, int] | None:
    """(start, end) in the question of the task description: the entry function's docstring
    content (HumanEval) or the description before the tests (MBPP); None when there is none."""
    if not is_humaneval(item):
        text = item.metadata.get("description", "")
        return (0, len(text)) if text and item.question.startswith(text) else None
    try:
        tree = ast.parse(item.question)
    except SyntaxError:
        return None
    function = entry_function(tree, item.metadata["entry_point"])
    if function is None or not function.body:
        return None
    first = function.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str) and first.end_lineno is not None
            and first.end_col_offset is not None):  # fmt: skip
        return None
    start = char_offset(item.question, first.lineno, first.col_offset)
    end = char_offset(item.question, first.end_lineno, first.end_col_offset)
    quote = item.question[start : start + 3]
    if quote not in ('"""', "'''") or item.question[end - 3 : end] != quote:
        return None  # a prefixed or single-quoted docstring: leave it alone
    return start + 3, end - 3


def is_example_line(line: str, entry: str) -> bool:
    """A docstring line that shows an example (a doctest line or a call of the function)."""
    return (
        bool(_EXAMPLE_START.match(line)) or re.search(rf"(?<![\w.]){re.escape(entry)}\s*\(", line) is not None
    )


def prose_spans(item: BenchmarkItem) -> list[tuple[int, int]]:
    """(start, end) of every description line that is prose, not an example or its output."""
    span = description_span(item)
    if span is None:
        return []
    entry = item.metadata["entry_point"]
    spans, position, after_doctest = [], span[0], False
    for line in item.question[span[0] : span[1]].splitlines(keepends=True):
        start, end = position, position + len(line.rstrip("\n"))
        position += len(line)
        if is_example_line(line, entry):
            after_doctest = line.lstrip().startswith(">>>")
            continue
        if after_doctest and line.strip():  # the output line of a doctest
            after_doctest = False
            continue
        after_doctest = False
        if line.strip():
            spans.append((start, end))
    return spans


def replace_spans(text: str, replacements: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end) replaced; the spans must not overlap."""
    out, position = [], 0
    for start, end, new in sorted(replacements):
        if start < position:
            raise ValueError("overlapping replacements")
        out.append(text[position:start])
        out.append(new)
        position = end
    out.append(text[position:])
    return "".join(out)


def make_code_variant(
    parent: BenchmarkItem,
    family: str,
    version: str,
    *,
    question: str,
    solution: str,
    answer: str,
    params: Mapping[str, ParamValue],
    metadata: Mapping[str, str] | None = None,
    scoring: str = "answer",
    gold_changed: bool = False,
) -> Variant:
    """A variant of a code item whose metadata (entry point, tests, stale markers) may change."""
    variant = build_variant(
        parent,
        family,
        version,
        0,
        question=question,
        answer=answer,
        solution=solution,
        params=params,
        scoring=scoring,
        gold_changed=gold_changed,
    )
    item = dataclasses.replace(variant.item, metadata={**variant.item.metadata, **(metadata or {})})
    return dataclasses.replace(variant, item=item)


def reworded_variant(
    parent: BenchmarkItem,
    family: str,
    version: str,
    *,
    question: str,
    reword: Callable[[str], str],
    params: Mapping[str, ParamValue],
) -> Variant:
    """A variant whose task text changed and whose code did not: a HumanEval prompt is its
    solution's head, so the solution follows the new prompt; an MBPP description is reworded."""
    humaneval = is_humaneval(parent)
    solution = question + parent.answer if humaneval else parent.solution or ""
    metadata = {} if humaneval else {"description": reword(parent.metadata["description"])}
    return make_code_variant(
        parent, family, version, question=question, solution=solution, answer=parent.answer, params=params,
        metadata=metadata,
    )  # fmt: skip


def markers(values: list[str]) -> str:
    """A list of marker texts as the JSON that metadata holds."""
    return json.dumps(sorted(set(values)))


def cached_executor() -> Executor:
    """The sandbox executor with the execution cache: a variant's checks are deterministic
    programs, so a rerun (same items, same seed) reads their outcomes back."""
    from detector.execution import default_executor

    return default_executor()


def verify(variant: Variant) -> Variant | None:
    """The variant, its record saying how it was verified, when its reference solution passes its
    tests in the sandbox; None when it does not."""
    from detector.execution.programs import reference_program

    result = cached_executor().run(reference_program(variant.item))
    if not result.passed:
        return None
    return dataclasses.replace(variant, params={**variant.params, "verified": VERIFIED_BY})
