"""The same overlap scan on a Ray cluster: one Ray task per corpus shard (file), map-only.

Needs the optional extra: `pip install 'detect-overfit[ray]'`. The matcher (item index)
is put in the object store once; each task streams its shard with the same readers as a
local scan, so results equal a local run. Finished shards are recorded in the output
folder as in a local scan, so a rerun resumes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from detector.overlap.index import OverlapConfig
from detector.overlap.scan import Matcher, OverlapResult, run_overlap, scan_file
from detector.types import BenchmarkItem


def run_overlap_ray(
    items: Sequence[BenchmarkItem],
    corpus: Sequence[str],
    out_dir: str | Path,
    config: OverlapConfig = OverlapConfig(),
    *,
    method: str = "minhash",
    address: str | None = None,
    num_cpus: int | None = None,
) -> OverlapResult:
    """Scan on Ray (connecting to `address`, or starting a local instance with `num_cpus`).

    Raises:
        ImportError: when Ray is not installed (with the extra to install).
    """
    try:
        import ray
    except ImportError as err:
        raise ImportError("Ray is not installed: pip install 'detect-overfit[ray]'") from err
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
    try:
        return run_overlap(items, corpus, out_dir, config, method=method, executor=_RayExecutor(ray))
    finally:
        if started:
            ray.shutdown()


class _RayExecutor:
    """Runs `scan_file(matcher, path, config)` for each shard as a Ray task."""

    def __init__(self, ray: Any):
        self.ray = ray

    def map_shards(
        self, matcher: Matcher, config: OverlapConfig, paths: Sequence[str]
    ) -> Iterator[tuple[str, pl.DataFrame, int]]:
        remote_scan = self.ray.remote(scan_file)
        matcher_ref = self.ray.put(matcher)
        pending = {remote_scan.remote(matcher_ref, path, config): path for path in paths}
        while pending:
            done, _ = self.ray.wait(list(pending), num_returns=1)
            path = pending.pop(done[0])
            frame, documents = self.ray.get(done[0])
            yield path, frame, documents
