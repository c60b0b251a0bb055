"""The steps point one way: the package-level import graph (built from the source) has no cycle
and follows the layers of docs/architecture.md."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.import_graph import find_cycle, import_graph

REPO = Path(__file__).resolve().parents[2]

# Lowest first; a node may import only nodes of lower layers. A node not listed here (a new
# package) is still covered by the cycle test.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer)
    for layer in (
        {"detector.types", "detector.atomic_files", "detector.progress", "detector.cache_dir",
         "detector.safe_text"},
        {"detector.tables", "detector.variant_table"},
        {"detector.text", "detector.execution"},
        {"detector.benchmarks"},
        {"probes"},
        {"detector.variants"},
        {"detector.prompts"},
        {"detector.plan"},
        {"detector.models"},
        {"detector.scoring", "detector.membership"},
        {"detector.external_variants"},
        {"detector.lab"},
        {"detector.stats"},
        {"detector.overlap"},
        {"detector.report"},
        {"detector.pipeline", "detector.selftest"},
        {"detector.interop"},
        {"detector.sweep"},
        {"detector.cli"},
    )
)


# Inside the run's package (one node above), lowest first: a module imports only modules before it.
PIPELINE_MODULES = ("options", "run_dir", "inputs", "querying", "cost", "run")


def _layer(node: str) -> int | None:
    return next((i for i, layer in enumerate(LAYERS) if node in layer), None)


def test_the_package_import_graph_has_no_cycle() -> None:
    graph = import_graph(REPO)
    assert {"detector.report", "detector.scoring", "detector.pipeline", "probes"} <= graph.keys()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_import_points_down_the_layers() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in import_graph(REPO).items()
        for target in targets
        if (s := _layer(source)) is not None and (t := _layer(target)) is not None and t >= s
    ]
    assert upward == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return found | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}


def test_the_run_modules_import_down_their_own_order() -> None:
    folder = REPO / "detector" / "pipeline"
    assert {p.stem for p in folder.glob("*.py")} == {"__init__", *PIPELINE_MODULES}
    upward = [
        f"{name} -> {module}"
        for index, name in enumerate(PIPELINE_MODULES)
        for module in sorted(_imports(folder / f"{name}.py"))
        if module.split(".")[:2] == ["detector", "pipeline"]
        # the front door (detector.pipeline itself) is never imported from inside
        and module.removeprefix("detector.pipeline").lstrip(".") not in PIPELINE_MODULES[:index]
    ]
    assert upward == []


def test_types_and_tables_import_nothing_above_them() -> None:
    graph = import_graph(REPO)
    assert graph["detector.types"] == set()
    assert graph["detector.tables"] <= {"detector.types", "detector.atomic_files"}


def test_the_cycle_finder_finds_a_cycle_in_source(tmp_path: Path) -> None:
    # scoring -> report -> scoring, the shape of the knot this layout replaced
    for name, body in {
        "detector/__init__.py": "",
        "detector/scoring/__init__.py": "",
        "detector/scoring/table.py": "from ..report.tables import frame\n",
        "detector/report/__init__.py": "",
        "detector/report/tables.py": "def frame():\n    from detector.scoring import table\n",
        "probes/__init__.py": "from detector.types import BenchmarkItem\n",
        "detector/types.py": "",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["detector.scoring"] == {"detector.report"}
    assert graph["probes"] == {"detector.types"}
    assert find_cycle(graph) == ["detector.report", "detector.scoring", "detector.report"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_product_does_not_ship_the_test_server() -> None:
    assert not (REPO / "detector" / "models" / "local_server.py").exists()
    assert "local_server" not in " ".join(str(p) for p in (REPO / "detector").rglob("*.py"))
