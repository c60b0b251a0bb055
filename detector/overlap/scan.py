"""Run an overlap scan: shards (corpus files) in order or on local worker processes, resumable.

Each finished shard's matches are written to `OUT/shards/<key>.parquet` (atomically); a
rerun with the same items, method and settings skips those shards, so a killed scan
resumes where it stopped. The final `matches.parquet` and `summary.json` are written to
temporary files and renamed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from detector.atomic_files import write_atomic, write_text_atomic
from detector.overlap.corpus import expand_corpus, read_documents
from detector.overlap.display import safe_location
from detector.overlap.index import OverlapConfig, build_index, item_full_text
from detector.overlap.matcher import MinHashMatcher
from detector.overlap.ngram import NgramMatcher
from detector.overlap.remote import is_remote, remote_info
from detector.progress import track
from detector.types import BenchmarkItem

METHODS = ("minhash", "ngram13")
MATCH_SCHEMA = pl.Schema(
    {
        "item_id": pl.String,
        "benchmark": pl.String,
        "corpus_file": pl.String,
        "doc_id": pl.String,
        "char_offset": pl.Int64,
        "estimated_jaccard": pl.Float64,
        "verified_similarity": pl.Float64,
        "match_class": pl.String,
        "snippet": pl.String,
        "part": pl.String,
    }
)


class Matcher(Protocol):
    method: str

    def indexed_items(self) -> set[int]: ...

    def match(
        self, doc_ids: Sequence[str], texts: Sequence[str], corpus_file: str
    ) -> list[dict[str, Any]]: ...


class ShardExecutor(Protocol):
    """Runs `scan_file` for each shard elsewhere (the Ray scan), yielding (path, matches, documents)."""

    def map_shards(
        self, matcher: Matcher, config: OverlapConfig, paths: Sequence[str]
    ) -> Iterator[tuple[str, pl.DataFrame, int]]: ...


@dataclass(frozen=True, slots=True)
class OverlapResult:
    """Matches (one row per item and document) and the per-benchmark summary."""

    matches: pl.DataFrame
    summary: list[dict[str, Any]]
    documents: int
    bytes_scanned: int


def make_matcher(items: Sequence[BenchmarkItem], config: OverlapConfig, method: str = "minhash") -> Matcher:
    """The matcher for `method`. Raises: ValueError on an unknown method."""
    if method == "minhash":
        return MinHashMatcher(build_index(items, config))
    if method == "ngram13":
        return NgramMatcher(items)
    raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")


def to_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=MATCH_SCHEMA)
    return frame.sort(["benchmark", "item_id", "corpus_file", "doc_id", "char_offset"])


def scan_file(
    matcher: Matcher, path: str, config: OverlapConfig, on_bytes: Callable[[int], None] | None = None
) -> tuple[pl.DataFrame, int]:
    """Scan one corpus file; returns its matches and its document count."""
    rows: list[dict[str, Any]] = []
    documents = 0
    seen = 0
    location = safe_location(path)  # no credentials in what is written
    for batch in read_documents(path, config.text_field, config.id_field):
        rows.extend(matcher.match(batch.doc_ids, batch.texts, location))
        documents += len(batch.texts)
        if on_bytes is not None:
            on_bytes(batch.end_bytes - seen)
        seen = batch.end_bytes
    return to_frame(rows), documents


def summarize(
    items: Sequence[BenchmarkItem], searched: set[int], matches: pl.DataFrame
) -> list[dict[str, Any]]:
    """Per benchmark: items, items searched, items found, fraction contaminated, found by class."""
    best: dict[tuple[str, str], str] = {}
    for benchmark, item_id, match_class in matches.select("benchmark", "item_id", "match_class").iter_rows():
        if best.get((benchmark, item_id)) != "verbatim":
            best[(benchmark, item_id)] = match_class
    out: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items):
        entry = out.setdefault(
            item.benchmark,
            {"benchmark": item.benchmark, "items": 0, "items_searched": 0, "items_found": 0,
             "by_class": {"verbatim": 0, "near": 0}},
        )
        entry["items"] += 1
        entry["items_searched"] += index in searched
        found = best.get((item.benchmark, item.item_id))
        if found is not None:
            entry["items_found"] += 1
            entry["by_class"][found] += 1
    for entry in out.values():
        entry["fraction_contaminated"] = round(entry["items_found"] / entry["items"], 6)
    return list(out.values())


def _fingerprint(items: Sequence[BenchmarkItem], config: OverlapConfig, method: str) -> str:
    digest = hashlib.sha256(json.dumps([method, asdict(config)], sort_keys=True).encode())
    for item in items:
        digest.update(f"{item.benchmark}\x1f{item.item_id}\x1f{item_full_text(item)}\x1e".encode())
    return digest.hexdigest()


def _shard_identity(path: str) -> tuple[str, int | None, str]:
    """(location, size, version) of a shard: a changed file gets a new key, so it is scanned again."""
    if is_remote(path):
        size, version = remote_info(path)
        return path, size, version
    stat = Path(path).stat()
    return str(Path(path).resolve()), stat.st_size, str(stat.st_mtime_ns)


def _shard_key(fingerprint: str, path: str) -> str:
    location, size, version = _shard_identity(path)
    text = f"{fingerprint}\x1f{location}\x1f{size}\x1f{version}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


_WORKER: dict[str, Any] = {}


def _init_worker(matcher: Matcher, config: OverlapConfig) -> None:
    _WORKER["matcher"], _WORKER["config"] = matcher, config


def _scan_in_worker(path: str) -> tuple[str, pl.DataFrame, int]:
    frame, documents = scan_file(_WORKER["matcher"], path, _WORKER["config"])
    return path, frame, documents


def run_overlap(
    items: Sequence[BenchmarkItem],
    corpus: Sequence[str],
    out_dir: str | Path,
    config: OverlapConfig = OverlapConfig(),
    *,
    method: str = "minhash",
    workers: int = 1,
    progress: bool = False,
    executor: ShardExecutor | None = None,
) -> OverlapResult:
    """Scan corpus files for the items; write matches.parquet and summary.json under `out_dir`.

    `executor` (used by the Ray scan) has `map_shards(matcher, config, paths)` yielding
    (path, matches, documents) per shard; by default shards run here or on `workers`
    local processes.

    Raises:
        CorpusFormatError: a missing corpus file, a bad JSON line, a missing text field.
        ValueError: an unknown method or bad settings.
    """
    files = expand_corpus(corpus)
    matcher = make_matcher(items, config, method)
    out = Path(out_dir)
    shard_dir = out / "shards"
    fingerprint = _fingerprint(items, config, method)
    keys = {path: _shard_key(fingerprint, path) for path in files}
    todo = [path for path in files if not (shard_dir / f"{keys[path]}.json").exists()]
    sizes = {path: _shard_identity(path)[1] or 0 for path in files}

    def finish(path: str, frame: pl.DataFrame, count: int) -> None:
        write_atomic(shard_dir / f"{keys[path]}.parquet", frame.write_parquet)
        record = json.dumps({"corpus_file": safe_location(path), "documents": count}) + "\n"
        write_text_atomic(shard_dir / f"{keys[path]}.json", record)  # marks it done

    label = f"overlap ({method})" if progress else None
    with track(label, sum(sizes[p] for p in todo), in_bytes=True, transient=True) as tracker:
        if executor is not None:
            for path, frame, count in executor.map_shards(matcher, config, todo):
                finish(path, frame, count)
                tracker.advance(sizes[path])
        elif workers <= 1 or len(todo) <= 1:
            for path in todo:
                frame, count = scan_file(matcher, path, config, tracker.advance)
                finish(path, frame, count)
        else:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, context, _init_worker, (matcher, config)) as pool:
                futures = [pool.submit(_scan_in_worker, path) for path in todo]
                for future in as_completed(futures):
                    path, frame, count = future.result()
                    finish(path, frame, count)
                    tracker.advance(sizes[path])

    frames = [pl.read_parquet(shard_dir / f"{keys[path]}.parquet") for path in files]
    documents = sum(json.loads((shard_dir / f"{keys[path]}.json").read_text())["documents"] for path in files)
    matches = to_frame([]) if not frames else pl.concat(frames).sort(to_frame([]).columns[:5])
    return _write_results(items, matcher, matches, out, documents, sum(sizes.values()))


def _write_results(
    items: Sequence[BenchmarkItem], matcher: Matcher, matches: pl.DataFrame, out: Path, documents: int,
    size: int,
) -> OverlapResult:
    summary = summarize(items, matcher.indexed_items(), matches)
    write_atomic(out / "matches.parquet", matches.write_parquet)
    payload = {"method": matcher.method, "documents": documents, "bytes_scanned": size, "benchmarks": summary}
    write_text_atomic(out / "summary.json", json.dumps(payload, indent=2) + "\n")
    return OverlapResult(matches, summary, documents, size)


def run_between(
    items_a: Sequence[BenchmarkItem],
    items_b: Sequence[BenchmarkItem],
    out_dir: str | Path,
    config: OverlapConfig = OverlapConfig(),
    *,
    method: str = "minhash",
) -> OverlapResult:
    """Find items of `items_a` inside items of `items_b` (each B item is one document)."""
    matcher = make_matcher(items_a, config, method)
    corpus_name = items_b[0].benchmark if items_b else "empty"
    rows = matcher.match([i.item_id for i in items_b], [item_full_text(i) for i in items_b], corpus_name)
    matches = to_frame(rows)
    size = sum(len(item_full_text(i).encode()) for i in items_b)
    return _write_results(items_a, matcher, matches, Path(out_dir), len(items_b), size)
