"""`code-rename`: the function and its parameters get other fitting names.

Prompt, reference solution and tests are rewritten through the syntax tree: every place to
change is an `ast` node's position (a name, an argument, a keyword, the `def` name), never a
text search in code. In the docstring's prose, the function name (and parameter names written
with an underscore or digit, which are not English words) are replaced as whole identifiers;
doctest lines (`>>> ...`) are parsed and renamed through their syntax tree as well.
"""

from __future__ import annotations

import ast
import random
import re
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip
from probes.code.names import alternative_name, has_alternative
from probes.code.source import (
    char_offset,
    description_span,
    entry_function,
    is_code,
    is_humaneval,
    make_code_variant,
    markers,
    replace_spans,
    verify,
)

Replacement = tuple[int, int, str]
TESTS_HEADER = "Your code should pass these tests:"  # as detector.benchmarks.mbpp renders MBPP


def identifiers(source: str) -> set[str]:
    """Every name a module binds or uses (names, arguments, attributes, definitions, imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
    return found


def parameters(function: ast.FunctionDef) -> list[str]:
    a = function.args
    names = [arg.arg for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
    return names + [arg.arg for arg in (a.vararg, a.kwarg) if arg is not None]


def _at(source: str, node: ast.AST, length: int, new: str) -> Replacement:
    start = char_offset(source, node.lineno, node.col_offset)  # type: ignore[attr-defined]
    return start, start + length, new


def code_replacements(
    source: str, entry: str, new_entry: str, params: dict[str, str], offset: int = 0
) -> list[Replacement]:
    """Where to rename in `source` (positions plus `offset`): `entry` everywhere, its parameters
    inside its own definition and as keywords of calls to it (or to `candidate`)."""
    tree = ast.parse(source)
    found: list[Replacement] = []
    function = entry_function(tree, entry)
    if function is not None:
        def_at = char_offset(source, function.lineno, function.col_offset)
        match = re.compile(r"def\s+").match(source, def_at)
        if match is None or not source.startswith(entry, match.end()):
            raise ValueError("cannot place the def name")
        found.append((match.end(), match.end() + len(entry), new_entry))
        for node in ast.walk(function):
            if isinstance(node, ast.Global | ast.Nonlocal) and set(node.names) & set(params):
                raise ValueError("a parameter name is declared global/nonlocal")
            if isinstance(node, ast.arg) and node.arg in params:
                found.append(_at(source, node, len(node.arg), params[node.arg]))
            elif isinstance(node, ast.Name) and node.id in params:
                found.append(_at(source, node, len(node.id), params[node.id]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == entry:
            found.append(_at(source, node, len(entry), new_entry))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in (entry, "candidate")):  # fmt: skip
            found.extend(_at(source, kw, len(kw.arg), params[kw.arg])
                         for kw in node.keywords if kw.arg in params)  # fmt: skip
    return [(start + offset, end + offset, new) for start, end, new in sorted(set(found))]


def docstring_replacements(
    question: str, span: tuple[int, int], entry: str, new_entry: str, params: dict[str, str]
) -> list[Replacement]:
    """Renames in the description: doctest lines through their syntax tree, prose by identifier."""
    found: list[Replacement] = []
    position = span[0]
    prose_names = {entry: new_entry, **{p: n for p, n in params.items() if re.search(r"[_\d]", p)}}
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, prose_names)) + r")(?!\w)")
    for line in question[span[0] : span[1]].splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith(">>> "):
            code_at = position + len(line) - len(stripped) + 4
            code = stripped[4:].rstrip("\n")
            try:
                found.extend(code_replacements(code, entry, new_entry, params, offset=code_at))
            except (SyntaxError, ValueError):
                return []
        else:
            found.extend((position + m.start(), position + m.end(), prose_names[m.group(1)])
                         for m in pattern.finditer(line))  # fmt: skip
        position += len(line)
    return found


def _new_names(item: BenchmarkItem, rng: random.Random) -> tuple[str, dict[str, str]] | None:
    entry = item.metadata["entry_point"]
    solution = item.solution or ""
    function = entry_function(ast.parse(solution), entry)
    if function is None:
        raise ProbeSkip("no_entry_function")
    taken = set()
    for source in (solution, item.metadata.get("test", ""), item.metadata.get("test_setup", "")):
        taken |= identifiers(source)
    new_entry = alternative_name(entry, rng, taken)
    if new_entry is None:
        return None
    taken.add(new_entry)
    params: dict[str, str] = {}
    for name in parameters(function):
        other = alternative_name(name, rng, taken)
        if other is not None:
            params[name] = other
            taken.add(other)
    return new_entry, params


class CodeRenameProbe:
    name: ClassVar[str] = "code-rename"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return is_code(item)

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        entry = item.metadata["entry_point"]
        if not has_alternative(entry):
            raise ProbeSkip("no_fitting_name")
        names = _new_names(item, rng)
        if names is None:
            return None
        new_entry, params = names
        try:
            variant = self._renamed(item, new_entry, params)
        except (SyntaxError, ValueError):
            raise ProbeSkip("not_renamable") from None
        return verify(variant)

    def _renamed(self, item: BenchmarkItem, new_entry: str, params: dict[str, str]) -> Variant:
        entry = item.metadata["entry_point"]
        solution = item.solution or ""
        test = code_replacements(item.metadata["test"], entry, new_entry, params)
        new_test = replace_spans(item.metadata["test"], test)
        if is_humaneval(item):
            cut = len(item.question)
            edits = code_replacements(solution, entry, new_entry, params)
            span = description_span(item)
            if span is not None:
                doc = docstring_replacements(item.question, span, entry, new_entry, params)
                edits = [e for e in edits if not (span[0] <= e[0] < span[1])] + doc
            question = replace_spans(item.question, [e for e in edits if e[0] < cut])
            answer = replace_spans(item.answer, [(s - cut, e - cut, n) for s, e, n in edits if s >= cut])
            new_solution = question + answer
        else:
            new_solution = answer = replace_spans(
                solution, code_replacements(solution, entry, new_entry, params)
            )
            head, sep, shown = item.question.partition(TESTS_HEADER)
            shown_edits = code_replacements(shown, entry, new_entry, params) if sep else []
            prose = re.sub(rf"(?<![\w.]){re.escape(entry)}(?!\w)", new_entry, head)
            question = prose + sep + replace_spans(shown, shown_edits)
        if re.search(rf"(?<![\w.]){re.escape(entry)}(?!\w)", question + new_test):
            raise ValueError("the old name is left")
        renamed = ", ".join(f"{a}->{b}" for a, b in params.items())
        return make_code_variant(
            item, self.name, self.version, question=question, solution=new_solution, answer=answer,
            params={"entry_point": new_entry, "parameters": renamed},
            metadata={"entry_point": new_entry, "test": new_test,
                      "stale_markers": markers([entry]), "fresh_markers": markers([new_entry])},
            gold_changed=True,
        )  # fmt: skip
