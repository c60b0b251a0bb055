"""Scoring code by execution: extract the code from a reply, run it against the item's tests in
the sandbox, and record how the run ended.

A reply's code is its first fenced block that defines the entry point (else its longest fenced
block, else the whole reply). A HumanEval reply that only continues the function body (no
`def` of the entry point) is appended to the prompt, as HumanEval's own harness does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from detector.execution import ExecutionResult, Executor, default_executor
from detector.execution.programs import test_program
from detector.scoring.correctness import Score, strip_thinking
from detector.types import BenchmarkItem

_FENCE_RE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL | re.IGNORECASE)


def defines(code: str, name: str) -> bool:
    """Whether `code` parses and defines a function `name` (parsed only, never run here)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name for n in ast.walk(tree)
    )


def extract_code(text: str, entry_point: str) -> str:
    """The code in a reply: a fenced block defining `entry_point`, the longest block, or all of it."""
    text = strip_thinking(text)
    blocks = [block for block in _FENCE_RE.findall(text) if block.strip()]
    defining = [block for block in blocks if defines(block, entry_point)]
    if defining:
        return defining[0]
    if blocks:
        return max(blocks, key=len)
    return text


def completed_code(item: BenchmarkItem, text: str) -> str:
    """The program text a reply stands for: its code, after the prompt when it is only a body."""
    entry = item.metadata["entry_point"]
    code = extract_code(text, entry)
    if item.metadata.get("code_format") == "humaneval" and not defines(code, entry):
        return item.question + code
    return code


def execution_label(result: ExecutionResult) -> str:
    """`passed`, or the status and reason of a failed run (`failed: AssertionError`)."""
    return result.status if result.passed or not result.reason else f"{result.status}: {result.reason}"


def score_code_replies(
    items: Sequence[BenchmarkItem], texts: Sequence[str], executor: Executor | None = None
) -> list[Score]:
    """Score each reply against its item's tests, the runs in parallel."""
    codes = [completed_code(item, text) for item, text in zip(items, texts, strict=True)]
    programs = [test_program(item, code) for item, code in zip(items, codes, strict=True)]
    results = (executor or default_executor()).run_many(programs)
    return [Score("code", code, result.passed, None, execution_label(result))
            for code, result in zip(codes, results, strict=True)]  # fmt: skip


def score_code(item: BenchmarkItem, text: str, executor: Executor | None = None) -> Score:
    """Score one reply to a code item (see `score_code_replies`)."""
    return score_code_replies([item], [text], executor)[0]
