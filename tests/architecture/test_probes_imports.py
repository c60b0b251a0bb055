"""The import graph of `probes/`, read from the source (TYPE_CHECKING imports included): no
module cycle, no stage of `numeric` importing a later one, and nothing from `detector` but its types."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# numeric's stages in the order a variant goes through them: a stage imports only earlier ones
STAGES = ("solution", "question", "template", "drawing", "rewriting")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def probe_imports() -> dict[str, set[str]]:
    """module -> the modules it imports (absolute `from X import` and `import X` statements)."""
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "probes").rglob("*.py")):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        graph[module_name(path)] = imported
    return graph


def test_probe_modules_import_no_cycle():
    graph = probe_imports()
    assert "probes.numeric.drawing.sampler" in graph and len(graph) > 30
    inner = {module: {m for m in imported if m in graph} for module, imported in graph.items()}
    # a package's __init__ re-exports its modules: drop the edges into a package from its own modules
    for module, imported in inner.items():
        imported -= {m for m in imported if module.startswith(m + ".")}
    try:
        list(TopologicalSorter(inner).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle in probes: {error.args[1]}") from None


def test_numeric_stages_import_only_earlier_stages():
    for module, imported in probe_imports().items():
        if not module.startswith("probes.numeric.") or module.count(".") < 3:
            continue
        stage = STAGES.index(module.split(".")[2])
        for target in imported:
            if target.startswith("probes.numeric.") and target.count(".") >= 3:
                assert STAGES.index(target.split(".")[2]) <= stage, f"{module} imports {target}"


def test_probes_take_only_the_types_from_detector():
    """Probes take the types; code families also the sandbox: a code variant is verified by running it."""
    for module, imported in probe_imports().items():
        allowed = {"detector.types"}
        if module.startswith("probes.code"):
            allowed |= {"detector.execution", "detector.execution.sandbox", "detector.execution.programs",
                        "detector.execution.executor"}
        assert {m for m in imported if m.split(".")[0] == "detector"} <= allowed, module
