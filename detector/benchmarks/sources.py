"""What a run reads: the benchmarks named on the command line, and their dev/train splits for shots.

Few-shot examples come from a sibling file whose name has `dev`, `train` or `validation` where
the test file has `test`, never from the items under test.
"""

from __future__ import annotations

import dataclasses
import glob
import random
from collections.abc import Sequence
from pathlib import Path

from detector.benchmarks.generic import parse_field_options
from detector.benchmarks.loading import LoadedBenchmark, load_benchmark, load_default_benchmarks, load_files
from detector.types import BenchmarkItem, stable_seed

SHOT_SPLITS = ("dev", "train", "validation", "val")


def load_sources(
    sources: Sequence[str],
    limit: int | None,
    *,
    seed: int = 0,
    format: str | None = None,
    fields: Sequence[str] = (),
) -> list[LoadedBenchmark]:
    """The benchmarks to probe (the bundled defaults when none given), each sampled to `limit`.

    `format` and `fields` (NAME=COLUMN) apply to every source given. Raises: BenchmarkFormatError,
    ValueError from the loaders.
    """
    mapping = parse_field_options(list(fields)) or None if fields else None
    if sources:
        loaded = [load_benchmark(s, format=format, fields=mapping) for s in sources]
    else:
        if format is not None or fields:
            raise ValueError("--format and --field apply to a --benchmark given, not to the bundled fixtures")
        loaded = load_default_benchmarks()
    if limit is not None:
        loaded = [
            dataclasses.replace(b, items=sample_items(b.items, limit, stable_seed(seed, "limit", b.name)))
            for b in loaded
        ]
    return loaded


def sample_items(items: Sequence[BenchmarkItem], limit: int, seed: int) -> tuple[BenchmarkItem, ...]:
    """A seeded sample of `limit` items, stratified by subject (every subject gets its share, at
    least one each while `limit` allows), kept in file order. A benchmark of one subject (or none)
    keeps its first `limit` items, as earlier versions did, so their runs stay comparable."""
    if limit >= len(items):
        return tuple(items)
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(item.metadata.get("subject", ""), []).append(index)
    if len(groups) < 2:
        return tuple(items[:limit])
    rng = random.Random(seed)
    names = sorted(groups)
    share = {name: 0 for name in names}
    if limit >= len(names):  # one each, then the rest in proportion to size (largest remainder)
        for name in names:
            share[name] = 1
        spare = limit - len(names)
        total = len(items) - len(names)
        exact = {name: spare * (len(groups[name]) - 1) / total if total else 0.0 for name in names}
        for name in names:
            share[name] += int(exact[name])
        left = limit - sum(share.values())
        by_remainder = sorted(names, key=lambda n: (-(exact[n] - int(exact[n])), n))
        for name in by_remainder:
            if left == 0:
                break
            if share[name] < len(groups[name]):
                share[name] += 1
                left -= 1
    else:  # fewer items than subjects: a seeded choice of subjects, one item each
        for name in rng.sample(names, limit):
            share[name] = 1
    chosen: list[int] = []
    for name in names:
        chosen.extend(rng.sample(groups[name], share[name]))
    return tuple(items[i] for i in sorted(chosen))


def shot_files(path_text: str) -> list[Path]:
    """Files of a dev/train split next to a test file (or glob), empty when none exists."""
    parent, name = Path(path_text).parent, Path(path_text).name
    if "test" not in name:
        return []
    for split in SHOT_SPLITS:
        pattern = str(parent / (split.join(name.rsplit("test", 1))))
        files = sorted(Path(p) for p in glob.glob(pattern))
        if files:
            return files
    return []


def load_shot_pools(
    loaded: Sequence[LoadedBenchmark], shots: int
) -> tuple[dict[str, tuple[BenchmarkItem, ...]], dict[str, list[str] | None]]:
    """Dev/train items per benchmark for few-shot prompts, and where they came from (or why not)."""
    pools: dict[str, tuple[BenchmarkItem, ...]] = {}
    sources: dict[str, list[str] | None] = {}
    if shots <= 0:
        return pools, sources
    for bench in loaded:
        folder = Path(bench.path)
        files = dev_files(folder) if folder.is_dir() else shot_files(bench.path)
        if not files:
            sources[bench.name] = None
            continue
        pool = load_files(files, f"{bench.name}_shots", bench.format, None, str(files[0]))
        pools[bench.name] = pool.items
        sources[bench.name] = [str(f) for f in files]
    return pools, sources


def dev_files(folder: Path) -> list[Path]:
    """An MMLU-style folder's few-shot split: its *_dev.csv files (else *_val.csv), sorted."""
    for split in ("dev", "val", "validation"):
        files = sorted(folder.glob(f"*_{split}.csv"))
        if files:
            return files
    return []


