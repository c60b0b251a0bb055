"""A variant set as a Hugging Face dataset folder: Parquet shards under data/ and a dataset card.

The layout is the hub's own (README.md with a `configs` header naming `data/test-*.parquet`), so
`datasets.load_dataset(DIR)`, `load_dataset("parquet", data_files=DIR + "/data/*.parquet")` and an
upload with `huggingface-cli upload` all read it; `detect probe --variants DIR` reads it back.
Written with polars: `datasets` is not needed to write.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detector.benchmarks import LoadedBenchmark
    from detector.variants import VariantSet

SHARD_ROWS = 50_000
SPLIT = "test"
CARD = "README.md"
# How each family's gold is recomputed and checked (docs/perturbation-families.md).
GOLD_CHECKS: Mapping[str, str] = {
    "numeric": "recomputed by re-executing the worked solution's <<expr=result>> chain with the new "
    "numbers; kept only when the chain re-executes to the new gold and the gold changed",
    "entity": "unchanged; checked to be the parent's gold text",
    "distractor": "unchanged; checked to be the parent's gold text",
    "paraphrase": "unchanged; checked to be the parent's gold text",
    "option-shuffle": "the gold moves with its option text; checked to name the parent's gold text",
    "option-relabel": "the new label of the same option text; checked to name the parent's gold text",
    "none-of-the-above": "recomputed: the replaced option's role decides the new label; labels checked "
    "to match the options",
    "cloze": "the parent's gold option text; checked unchanged",
    "truncate": "the real rest of the question (a continuation, scored by similarity)",
}
COMMON_CHECK = (
    "Every variant was also checked to differ from its parent (word 3-shingle Jaccard below the family's "
    "ceiling, above a floor for meaning-preserving families) and not to duplicate another variant."
)


@dataclass(frozen=True, slots=True)
class HfDataset:
    """The folder written, its shard files and the variant set's sha256."""

    out: Path
    shards: tuple[Path, ...]
    n_rows: int
    sha256: str


def card_text(
    variant_set: VariantSet,
    settings: Mapping[str, Any],
    sources: Sequence[Mapping[str, Any]],
    license_id: str | None,
) -> str:
    """The dataset card: a YAML header the hub reads, then families, seed, sha256, license and checks."""
    families = Counter(v.family for v in variant_set.variants)
    header = [
        "---",
        f"license: {json.dumps(license_id or 'other')}",
        "tags:", "  - benchmark-contamination", "  - perturbation", "  - detect-overfit",
        "configs:", "  - config_name: default", "    data_files:",
        f"      - split: {SPLIT}", f'        path: "data/{SPLIT}-*.parquet"',
        "---",
    ]  # fmt: skip
    lines = [
        "# Verified benchmark variants (detect)", "",
        "Perturbed copies of benchmark items, each with its gold answer recomputed and checked, made by "
        "`detect perturb` (detect-overfit). Each row names its parent item (`parent_id`), its family, "
        "the parent's gold (`parent_answer`) and whether the gold changed.", "",
        f"- variant set sha256: `{variant_set.sha256}` (of the canonical JSON lines of the rows)",
        f"- seed: {settings.get('seed')}; variants per item and family: {settings.get('per_item')}",
        f"- rows: {len(variant_set.variants)}", "",
        "## Sources", "",
    ]  # fmt: skip
    for source in sources:
        lines.append(f"- {source['name']}: {source['path']} ({source['format']}, {source['n_items']} items)")
    lines += ["", "## License", ""]
    if license_id:
        lines.append(f"`{license_id}`, as given at export; the variants are derived from the sources above.")
    else:
        lines.append(
            "Not given at export (`--license`): the variants are derived from the sources above and "
            "carry their licenses; check them before publishing."
        )
    lines += [
        "",
        "## Families and how golds were verified",
        "",
        "| family | variants | gold |",
        "|---|---|---|",
    ]
    for family, count in sorted(families.items()):
        lines.append(f"| {family} | {count} | {GOLD_CHECKS.get(family, 'from the source file')} |")
    lines += ["", COMMON_CHECK, "", "## Columns", "",
              "Those of `detect perturb`'s variant table; `params` and `metadata` are JSON objects as text. "
              "`detect probe --variants DIR` runs the set against a model.", ""]  # fmt: skip
    return "\n".join(header + lines)


def write_hf_dataset(
    variant_set: VariantSet,
    out: Path,
    *,
    loaded: Sequence[LoadedBenchmark],
    settings: Mapping[str, Any],
    license_id: str | None = None,
    shard_rows: int = SHARD_ROWS,
) -> HfDataset:
    """Write the folder `out` (replaced whole, in one rename).

    Raises: ValueError when `out` exists and is not a folder written here (no README.md and data/).
    """
    from detector.variant_table import rows_to_frame

    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or (out / CARD).exists())):
        raise ValueError(f"{out}: exists and is not an empty folder or an earlier --out-format hf export")
    final = out.resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    rows = variant_set.rows()
    frame = rows_to_frame(rows)
    n_shards = max(1, -(-len(rows) // shard_rows))
    sources = [{"name": b.name, "path": b.path, "format": b.format, "n_items": len(b.items)} for b in loaded]
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    try:
        os.chmod(staging, 0o755)
        (staging / "data").mkdir()
        names = []
        for k in range(n_shards):
            name = f"data/{SPLIT}-{k:05d}-of-{n_shards:05d}.parquet"
            frame.slice(k * shard_rows, shard_rows).write_parquet(staging / name, compression="zstd")
            names.append(name)
        (staging / CARD).write_text(card_text(variant_set, settings, sources, license_id), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        os.rename(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return HfDataset(final, tuple(final / n for n in names), len(rows), variant_set.sha256)
