"""What a run reads: the benchmarks named on the command line, and their dev/train splits for shots.

Few-shot examples come from a sibling file whose name has `dev`, `train` or `validation` where
the test file has `test`, never from the items under test.
"""

from __future__ import annotations

import dataclasses
import glob
from collections.abc import Sequence
from pathlib import Path

from detector.benchmarks.loading import LoadedBenchmark, load_benchmark, load_default_benchmarks, load_files
from detector.types import BenchmarkItem

SHOT_SPLITS = ("dev", "train", "validation", "val")


def load_sources(sources: Sequence[str], limit: int | None) -> list[LoadedBenchmark]:
    """The benchmarks to probe (the bundled defaults when none given), each cut to `limit` items.

    Raises: BenchmarkFormatError, ValueError from the loaders.
    """
    loaded = [load_benchmark(s) for s in sources] if sources else load_default_benchmarks()
    if limit is not None:
        loaded = [dataclasses.replace(b, items=b.items[:limit]) for b in loaded]
    return loaded


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
        files = shot_files(bench.path)
        if not files:
            sources[bench.name] = None
            continue
        pool = load_files(files, f"{bench.name}_shots", bench.format, None, str(files[0]))
        pools[bench.name] = pool.items
        sources[bench.name] = [str(f) for f in files]
    return pools, sources
