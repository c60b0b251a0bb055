"""The Ray scan (optional extra) equals the local scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector.overlap.ray_scan import run_overlap_ray
from detector.overlap.scan import run_overlap
from tests.support.overlap_corpus_helpers import make_documents, make_items, write_jsonl


@pytest.mark.slow
def test_ray_scan_equals_local_scan(tmp_path: Path) -> None:
    docs, truth = make_documents()
    files = [
        str(write_jsonl(tmp_path / "a.jsonl", docs[::2])),
        str(write_jsonl(tmp_path / "b.jsonl.gz", docs[1::2])),
    ]
    local = run_overlap(make_items(), files, tmp_path / "local")
    on_ray = run_overlap_ray(make_items(), files, tmp_path / "ray", num_cpus=1)
    assert on_ray.matches.equals(local.matches)
    assert dict(on_ray.matches.select("doc_id", "item_id").iter_rows()) == truth
    assert on_ray.summary == local.summary and on_ray.documents == local.documents
    import polars as pl

    local_shards = sorted((tmp_path / "local" / "shards").glob("*.parquet"))
    ray_shards = sorted((tmp_path / "ray" / "shards").glob("*.parquet"))
    assert [p.name for p in local_shards] == [p.name for p in ray_shards] and len(local_shards) == 2
    for mine, theirs in zip(local_shards, ray_shards, strict=True):  # shard by shard, the same rows
        assert pl.read_parquet(mine).equals(pl.read_parquet(theirs))
        assert mine.with_suffix(".json").read_text() == theirs.with_suffix(".json").read_text()
