"""The package-level import graph of `detector` and `probes`, built from the source with `ast`.

A node is a subpackage (`detector.report`), a top module (`detector.pipeline`) or `probes`
(one node, however it is cut inside). Every import counts: top-level, inside functions and
under `TYPE_CHECKING`, since each is a dependency a reader must follow. Nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOTS = ("detector", "probes")


def node_of(module: str) -> str | None:
    """The graph node holding `module`, or None for a module outside `detector` and `probes`."""
    parts = module.split(".")
    if parts[0] == "probes":
        return "probes"
    if parts[0] != "detector" or len(parts) < 2:
        return None
    return f"detector.{parts[1]}"


def _module_name(path: Path, repo: Path) -> str:
    parts = list(path.relative_to(repo).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def import_graph(repo: Path) -> dict[str, set[str]]:
    """Node -> the other nodes it imports, for every .py file under `detector/` and `probes/`."""
    graph: dict[str, set[str]] = {}
    for root in ROOTS:
        for path in sorted((repo / root).rglob("*.py")):
            module = _module_name(path, repo)
            source = node_of(module) or root
            graph.setdefault(source, set())
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for name in _imported(tree, module, path.name == "__init__.py"):
                target = node_of(name)
                if target is not None and target != source:
                    graph[source].add(target)
    return graph


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of the graph as a closed path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None
