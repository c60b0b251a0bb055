"""`lab.json`: the ground truth of a lab build (which items each twin saw) and how it was made."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAB_SCHEMA_VERSION = 1
TWINS = ("contaminated", "clean")


@dataclass(frozen=True, slots=True)
class LabManifest:
    """What `lab.json` holds. `contaminated_ids` were trained on by the contaminated twin only;
    `unseen_ids` are the benchmark's other items, seen by neither twin."""

    benchmark: str
    benchmark_path: str
    contaminated_ids: tuple[str, ...]
    unseen_ids: tuple[str, ...]
    exposures: int
    seed: int
    steps: int
    tokens_per_twin: int
    details: Mapping[str, Any] = field(default_factory=dict)

    def labels(self) -> dict[str, int]:
        """Item id -> 1 for a contaminated item, 0 for an unseen one (also under the ids the
        items get in the lab's benchmark files, `contaminated/i` and `unseen/i`)."""
        from detector.lab.item_files import file_labels

        own = {**{i: 0 for i in self.unseen_ids}, **{i: 1 for i in self.contaminated_ids}}
        return {**file_labels(self.details.get("item_files")), **own}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": LAB_SCHEMA_VERSION,
            "created_by": "detect lab build",
            "benchmark": self.benchmark,
            "benchmark_path": self.benchmark_path,
            "exposures": self.exposures,
            "seed": self.seed,
            "steps": self.steps,
            "tokens_per_twin": self.tokens_per_twin,
            **dict(self.details),
            "contaminated_ids": list(self.contaminated_ids),
            "unseen_ids": list(self.unseen_ids),
        }


def write_manifest(manifest: LabManifest, path: Path) -> None:
    path.write_text(json.dumps(manifest.to_dict(), indent=2) + "\n", encoding="utf-8")


def read_manifest(path: str | Path) -> LabManifest:
    """Read `lab.json` (or the `lab.json` inside a build directory).

    Raises:
        ValueError: when the file is not a lab manifest this version understands.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "lab.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read lab manifest: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema_version") != LAB_SCHEMA_VERSION:
        raise ValueError(f"{path}: field 'schema_version': expected {LAB_SCHEMA_VERSION}")
    known = {"benchmark", "benchmark_path", "contaminated_ids", "unseen_ids", "exposures", "seed", "steps",
             "tokens_per_twin"}
    missing = sorted(known - data.keys())
    if missing:
        raise ValueError(f"{path}: field '{missing[0]}': missing")
    return LabManifest(
        benchmark=str(data["benchmark"]),
        benchmark_path=str(data["benchmark_path"]),
        contaminated_ids=tuple(str(x) for x in data["contaminated_ids"]),
        unseen_ids=tuple(str(x) for x in data["unseen_ids"]),
        exposures=int(data["exposures"]),
        seed=int(data["seed"]),
        steps=int(data["steps"]),
        tokens_per_twin=int(data["tokens_per_twin"]),
        details={k: v for k, v in data.items() if k not in known | {"schema_version", "created_by"}},
    )


def lab_for_model(spec: str) -> Path | None:
    """The `lab.json` of a lab twin named as `hf/BUILD/contaminated` or `hf/BUILD/clean`, if any."""
    provider, _, path = spec.partition("/")
    if provider != "hf" or not path:
        return None
    candidate = Path(path).parent / "lab.json"
    return candidate if Path(path).name in TWINS and candidate.is_file() else None
