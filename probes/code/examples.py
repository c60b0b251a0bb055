"""`code-examples`: the values in the task's examples change; their expected outputs are
recomputed by running the reference solution in the sandbox.

Examples are read through the syntax tree: doctest lines (`>>> f(1, 2)` then the output),
calls written as `f(x) ==> y` (also `==`, `->`, `=>`, `➞`, `returns`, `should return`) in a
HumanEval docstring, and `assert f(x) == y` lines of MBPP tests. Only calls whose arguments and
stated output are literals count, and only examples whose stated output the reference solution
reproduces. New argument values keep each value's type, sign, length, character set and order.
The variant's tests are the original tests plus one assert per new example (for MBPP, the
shown asserts with their new values).
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip
from probes.code.source import (
    description_span,
    is_code,
    is_humaneval,
    make_code_variant,
    markers,
    replace_spans,
    verify,
)

TESTS_HEADER = "Your code should pass these tests:"  # as detector.benchmarks.mbpp renders MBPP
OUT_MARK = "@@detect-example@@"
_SEPARATOR = re.compile(r"\s*(==>|=>|==|->|➞|→|returns|should return|should be)\s*")
_LITERAL_TYPES = (int, float, str, bool, type(None), list, tuple, dict)


@dataclass(frozen=True, slots=True)
class Example:
    """One example: where its arguments and stated output lie in their text, and their values."""

    args_span: tuple[int, int]
    args: tuple[object, ...]
    output_span: tuple[int, int]
    output: object
    double_quotes: bool


def literal(node: ast.AST) -> tuple[bool, object]:
    """(True, value) when `node` is a literal (parsed, never evaluated), else (False, None)."""
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _call_example(
    call: ast.expr, entry: str, text: str, base: int, out: tuple[int, int, ast.AST]
) -> Example | None:
    """An example from a call node in `text` (positions plus `base`) and its stated output node."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == entry
            and call.args and not call.keywords and call.end_col_offset is not None):  # fmt: skip
        return None
    values = []
    for arg in call.args:
        ok, value = literal(arg)
        if not ok or isinstance(arg, ast.Starred):
            return None
        values.append(value)
    ok, output = literal(out[2])
    if not ok:
        return None
    args_start = base + call.func.end_col_offset + 1  # type: ignore[operator]
    args_end = base + call.end_col_offset - 1
    return Example((args_start, args_end), tuple(values), (out[0], out[1]), output, '"' in text)


def _line_example(line: str, at: int, entry: str, next_line: str | None, next_at: int) -> Example | None:
    """An example on one docstring line: a doctest with its output below, or `f(x) ==> y`."""
    stripped = line.lstrip()
    if stripped.startswith(">>> "):
        code_at = at + len(line) - len(stripped) + 4
        code = stripped[4:].rstrip()
        if next_line is None or not next_line.strip() or next_line.lstrip().startswith(">>>"):
            return None
        if not code.isascii():
            return None
        try:
            call = ast.parse(code, mode="eval").body
            out_text = next_line.strip()
            out_node = ast.parse(out_text, mode="eval").body
        except SyntaxError:
            return None
        out_at = next_at + len(next_line) - len(next_line.lstrip())
        return _call_example(call, entry, code, code_at, (out_at, out_at + len(out_text), out_node))
    match = re.search(rf"(?<![\w.]){re.escape(entry)}\(", line)
    if match is None or not line.isascii():
        return None
    for close in [i for i, ch in enumerate(line) if ch == ")" and i > match.end()]:
        try:
            call = ast.parse(line[match.start() : close + 1], mode="eval").body
        except SyntaxError:
            continue
        sep = _SEPARATOR.match(line, close + 1)
        if sep is None:
            return None
        out_text = line[sep.end() :].rstrip().rstrip(".,;")
        try:
            out_node = ast.parse(out_text, mode="eval").body
        except SyntaxError:
            return None
        out_at = at + sep.end()
        return _call_example(call, entry, line[match.start() :], at + match.start(),
                             (out_at, out_at + len(out_text), out_node))  # fmt: skip
    return None


def docstring_examples(item: BenchmarkItem) -> list[Example]:
    span = description_span(item)
    if span is None:
        return []
    lines = item.question[span[0] : span[1]].splitlines(keepends=True)
    starts = [span[0] + sum(len(line) for line in lines[:i]) for i in range(len(lines))]
    found = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        example = _line_example(
            line, starts[i], item.metadata["entry_point"], nxt, starts[i + 1] if nxt else 0
        )
        if example is not None:
            found.append(example)
    return found


def assert_examples(test: str, entry: str) -> list[Example]:
    """Examples from `assert f(x) == y` lines (MBPP tests); positions are in `test`."""
    found = []
    at = 0
    for line in test.splitlines(keepends=True):
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:
            at += len(line)
            continue
        lead = len(line) - len(line.lstrip())
        node = tree.body[0] if len(tree.body) == 1 else None
        if (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare) and line.strip().isascii()
                and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)):  # fmt: skip
            out = node.test.comparators[0]
            if out.end_col_offset is not None:
                out_span = (at + lead + out.col_offset, at + lead + out.end_col_offset, out)
                example = _call_example(node.test.left, entry, line, at + lead, out_span)
                if example is not None:
                    found.append(example)
        at += len(line)
    return found


def perturb_value(value: object, rng: random.Random) -> object:
    """A nearby value of the same type, sign, length, character set (and order, if sorted)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) > 1000:
            return value + rng.choice((-1, 1)) * rng.randint(1, max(1, abs(value) // 10))
        low = 0 if value >= 0 else -abs(value) - 3
        high = abs(value) + 3 if value >= 0 else -1
        options = [v for v in range(max(low, 1 if value > 0 else low), high + 1) if v != value]
        return rng.choice(options) if options else value
    if isinstance(value, float):
        digits = len(repr(value).split(".")[1]) if "." in repr(value) and "e" not in repr(value) else 1
        step = 10.0 ** -max(1, min(digits, 2))
        new = round(value + rng.choice((-1, 1)) * rng.randint(1, 5) * step, max(1, min(digits, 2)))
        return new if (new >= 0) == (value >= 0) else value
    if isinstance(value, str):
        return perturb_text(value, rng)
    if isinstance(value, list | tuple):
        items = [perturb_value(v, rng) for v in value]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value) and list(
            value
        ) == sorted(value):
            items = sorted(items)  # type: ignore[type-var]
        return type(value)(items)
    if isinstance(value, dict):
        return {k: perturb_value(v, rng) for k, v in value.items()}
    return value


def perturb_text(text: str, rng: random.Random) -> str:
    """Words reordered (a text of several words), else some letters and digits replaced by others
    of their kind (case kept), so the text keeps its shape (a date stays date-like); a text of
    symbols only (brackets, say) stays as it is."""
    words = text.split(" ")
    if len(set(words)) > 1:
        rng.shuffle(words)
        return " ".join(words)
    chars = list(text)
    places = [i for i, ch in enumerate(chars) if ch.isascii() and ch.isalnum()]
    for i in [i for i in places if rng.random() < 0.5] or places[:1]:
        ch = chars[i]
        pool = "0123456789" if ch.isdigit() else "abcdefghijklmnopqrstuvwxyz"
        new = rng.choice(pool.replace(ch.lower(), ""))
        chars[i] = new.upper() if ch.isupper() else new
    return "".join(chars)


def render_value(value: object, double_quotes: bool) -> str:
    """Python source of a literal value, with strings in the example's quote style."""
    if (
        isinstance(value, str)
        and double_quotes
        and '"' not in value
        and "\\" not in value
        and value.isprintable()
    ):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(render_value(v, double_quotes) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(render_value(v, double_quotes) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def round_trips(value: object) -> bool:
    """Whether `value` is a plain literal that its repr reads back as (so a test can state it)."""
    if not isinstance(value, _LITERAL_TYPES):
        return False
    if isinstance(value, list | tuple):
        return all(round_trips(v) for v in value)
    if isinstance(value, dict):
        return all(round_trips(k) and round_trips(v) for k, v in value.items())
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return False


def outputs_program(item: BenchmarkItem, calls: list[tuple[object, ...]]) -> str:
    """A program that prints the reference solution's output for each argument tuple."""
    entry = item.metadata["entry_point"]
    setup = item.metadata.get("test_setup", "")
    lines = [setup, item.solution or "", "", f"for _detect_args in {calls!r}:", "    try:",
             f"        print({OUT_MARK!r}, repr({entry}(*_detect_args)))", "    except Exception:",
             f"        print({OUT_MARK!r}, 'ERROR')"]  # fmt: skip
    return "\n".join(lines) + "\n"


def reference_outputs(
    item: BenchmarkItem, calls: list[tuple[object, ...]]
) -> list[tuple[bool, object]] | None:
    """(ok, value) of the reference solution on each call, run in the sandbox; None if it failed."""
    from probes.code.source import cached_executor

    result = cached_executor().run(outputs_program(item, calls))
    lines = [line[len(OUT_MARK) + 1 :] for line in result.stdout.splitlines() if line.startswith(OUT_MARK)]
    if not result.passed or len(lines) != len(calls):
        return None
    values: list[tuple[bool, object]] = []
    for line in lines:
        try:
            values.append((line != "ERROR", ast.literal_eval(line) if line != "ERROR" else None))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            values.append((False, None))
    return values


class CodeExamplesProbe:
    name: ClassVar[str] = "code-examples"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return is_code(item)

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        entry = item.metadata["entry_point"]
        humaneval = is_humaneval(item)
        text = item.question if humaneval else item.metadata["test"]
        examples = docstring_examples(item) if humaneval else assert_examples(text, entry)
        if not examples:
            raise ProbeSkip("no_literal_examples")
        new_args = [tuple(perturb_value(a, rng) for a in ex.args) for ex in examples]
        if all(new == ex.args for new, ex in zip(new_args, examples, strict=True)):
            return None
        results = reference_outputs(item, [ex.args for ex in examples] + new_args)
        if results is None:
            return None
        edits: list[tuple[int, int, str]] = []
        stale, fresh, asserts = [], [], []
        for k, (ex, args) in enumerate(zip(examples, new_args, strict=True)):
            (ok_old, old), (ok_new, new) = results[k], results[len(examples) + k]
            if not ok_old or old != ex.output or args == ex.args or not ok_new or not round_trips(new):
                continue  # the stated output is not the reference's, or no usable new example
            args_text = ", ".join(render_value(a, ex.double_quotes) for a in args)
            edits += [(*ex.args_span, args_text), (*ex.output_span, render_value(new, ex.double_quotes))]
            stale.append(f"{entry}({', '.join(repr(a) for a in ex.args)})")
            fresh.append(f"{entry}({', '.join(repr(a) for a in args)})")
            asserts.append(f"assert {entry}({', '.join(repr(a) for a in args)}) == {new!r}")
        if not edits:
            return None
        stale, fresh = [c for c in stale if c not in fresh], [c for c in fresh if c not in stale]
        if humaneval:
            question = replace_spans(item.question, edits)
            solution = question + item.answer
            test = item.metadata["test"] + "\n" + "\n".join(asserts) + "\n"
            answer = item.answer
        else:
            test = replace_spans(text, edits)
            head, sep, _ = item.question.partition(TESTS_HEADER)
            question, solution, answer = head + sep + "\n\n" + test, item.solution or "", item.answer
        variant = make_code_variant(
            item, self.name, self.version, question=question, solution=solution, answer=answer,
            params={"examples_changed": len(asserts), "examples": len(examples)},
            metadata={"test": test, "stale_markers": markers(stale), "fresh_markers": markers(fresh)},
            gold_changed=True,
        )  # fmt: skip
        return verify(variant)
