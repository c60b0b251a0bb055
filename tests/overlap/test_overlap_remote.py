"""A scan over https:// URLs (a real HTTP server on 127.0.0.1) equals the scan of the same files on disk."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from detector.overlap.corpus import CorpusFormatError, expand_corpus
from detector.overlap.display import safe_location
from detector.overlap.scan import run_overlap
from tests.support.overlap_corpus_helpers import make_documents, make_items, write_jsonl


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_scan_over_http_equals_scan_on_disk(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    docs, truth = make_documents(seed=2)
    write_jsonl(root / "a.jsonl", docs[: len(docs) // 2])
    write_jsonl(root / "b.jsonl.gz", docs[len(docs) // 2 :])
    pl.DataFrame(docs).write_parquet(root / "c.parquet")
    names = ["a.jsonl", "b.jsonl.gz", "c.parquet"]
    local = run_overlap(make_items(), [str(root / n) for n in names], tmp_path / "local")
    remote = run_overlap(make_items(), [f"{base}/{n}" for n in names], tmp_path / "remote")
    assert len(local.matches) >= 2 * len(truth) - 1  # each injected item, in JSONL and in Parquet
    strip = pl.col("corpus_file").str.split("/").list.last()
    assert local.matches.with_columns(strip).equals(remote.matches.with_columns(strip))
    assert local.documents == remote.documents == 2 * len(docs)
    summaries = [json.loads((tmp_path / name / "summary.json").read_text()) for name in ("local", "remote")]
    assert summaries[0]["benchmarks"] == summaries[1]["benchmarks"]


def test_remote_scan_resumes_from_finished_shards(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    docs, _ = make_documents(seed=3)
    write_jsonl(root / "a.jsonl", docs)
    write_jsonl(root / "b.jsonl", docs[:3])
    urls = [f"{base}/a.jsonl", f"{base}/b.jsonl"]
    first = run_overlap(make_items(), urls, tmp_path / "out")
    shards = sorted((tmp_path / "out" / "shards").glob("*.json"))
    assert len(shards) == 2
    stamps = {path: path.stat().st_mtime_ns for path in shards}
    (shards[0]).unlink()  # as if the scan had been killed before this shard finished
    second = run_overlap(make_items(), urls, tmp_path / "out")
    assert first.matches.equals(second.matches)
    assert shards[1].stat().st_mtime_ns == stamps[shards[1]]  # the finished shard was not scanned again
    assert shards[0].exists()


def test_missing_url_is_a_one_line_error(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    write_jsonl(root / "a.jsonl", make_documents(seed=3)[0])
    assert expand_corpus([f"{base}/a.jsonl"]) == [f"{base}/a.jsonl"]
    with pytest.raises(CorpusFormatError, match="missing.jsonl"):
        run_overlap(make_items(), [f"{base}/missing.jsonl"], tmp_path / "out")
    assert not (tmp_path / "out" / "matches.parquet").exists()


def test_credentials_never_reach_outputs() -> None:
    assert safe_location("https://user:secret@host/x.jsonl?sig=abc") == "https://host/x.jsonl?sig=REDACTED"
    assert safe_location("s3://bucket/a/b.jsonl.zst") == "s3://bucket/a/b.jsonl.zst"
