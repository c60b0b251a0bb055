"""The overlap scan finds verbatim and edited items, not clean text, in every corpus format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from detector.overlap import scan as scan_module
from detector.overlap.corpus import CorpusFormatError
from detector.overlap.index import OverlapConfig, build_index
from detector.overlap.lsh import BandIndex
from detector.overlap.scan import MATCH_SCHEMA, run_between, run_overlap
from detector.overlap.windows import find_candidates
from detector.text import shingle_hashes, tokenize
from detector.types import BenchmarkItem
from tests.support.overlap_corpus_helpers import QUESTIONS, make_documents, make_items, write_jsonl


def _found(frame: pl.DataFrame) -> dict[str, str]:
    return {doc: item for doc, item in frame.select("doc_id", "item_id").iter_rows()}


def test_finds_verbatim_and_edited_items_only(tmp_path: Path) -> None:
    docs, truth = make_documents()
    corpus = write_jsonl(tmp_path / "c.jsonl", docs)
    result = run_overlap(make_items(), [str(corpus)], tmp_path / "out")
    assert _found(result.matches) == truth
    classes = dict(result.matches.select("doc_id", "match_class").iter_rows())
    assert classes == {"v0": "verbatim", "e1": "near"}
    row = result.matches.filter(pl.col("doc_id") == "v0").row(0, named=True)
    text = next(d["text"] for d in docs if d["id"] == "v0")
    assert text[row["char_offset"] :].startswith(QUESTIONS[0][:40])
    assert row["estimated_jaccard"] > 0.5 and row["verified_similarity"] == 1.0
    assert result.matches.schema == MATCH_SCHEMA
    on_disk = pl.read_parquet(tmp_path / "out" / "matches.parquet")
    assert on_disk.equals(result.matches)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    toy = next(b for b in summary["benchmarks"] if b["benchmark"] == "toy")
    assert toy["items"] == 3 and toy["items_found"] == 2
    assert toy["by_class"] == {"verbatim": 1, "near": 1}
    assert toy["fraction_contaminated"] == pytest.approx(2 / 3)
    assert summary["documents"] == len(docs)


@pytest.mark.parametrize("name", ["c.jsonl.gz", "c.jsonl.zst", "c.parquet", "c.txt"])
def test_every_format_gives_the_same_items(tmp_path: Path, name: str) -> None:
    docs, truth = make_documents(seed=1)
    path = tmp_path / name
    if name.endswith(".parquet"):
        pl.DataFrame(docs).write_parquet(path)
    elif name.endswith(".txt"):
        path.write_text("\n\n".join(d["text"] for d in docs) + "\n")
    else:
        write_jsonl(path, docs)
    result = run_overlap(make_items(), [str(path)], tmp_path / "out")
    assert sorted(result.matches["item_id"].to_list()) == sorted(truth.values())
    assert result.documents == len(docs)


def test_multiple_choice_item_found_with_its_options(tmp_path: Path) -> None:
    item = make_items()[3]
    pairs = zip(item.labels, item.choices, strict=True)
    options = "\n".join(f"({label}) {choice}" for label, choice in pairs)
    doc = {"id": "q", "text": f"Quiz time!\n{item.question}\n{options}"}
    corpus = write_jsonl(tmp_path / "c.jsonl", [doc])
    result = run_overlap([item], [str(corpus)], tmp_path / "out")
    assert result.matches.row(0, named=True)["match_class"] == "verbatim"


def test_ngram13_finds_the_verbatim_copy(tmp_path: Path) -> None:
    docs, _ = make_documents()
    corpus = write_jsonl(tmp_path / "c.jsonl", docs)
    result = run_overlap(make_items(), [str(corpus)], tmp_path / "out", method="ngram13")
    found = _found(result.matches)
    assert found.get("v0") == "toy/0"
    assert set(found) <= {"v0", "e1"}
    assert result.matches.filter(pl.col("doc_id") == "v0")["match_class"].to_list() == ["verbatim"]


def test_workers_give_the_same_matches(tmp_path: Path) -> None:
    docs, _ = make_documents()
    files = [str(write_jsonl(tmp_path / f"c{i}.jsonl", docs[i::2])) for i in range(2)]
    one = run_overlap(make_items(), files, tmp_path / "one")
    two = run_overlap(make_items(), files, tmp_path / "two", workers=2)
    assert one.matches.equals(two.matches) and len(one.matches) == 2


def test_interrupted_scan_resumes_by_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, _ = make_documents()
    files = [str(write_jsonl(tmp_path / f"c{i}.jsonl", docs[i::2])) for i in range(2)]
    real = scan_module.scan_file
    scanned: list[str] = []

    def dies_on_second(matcher, path, config, on_bytes=None):  # type: ignore[no-untyped-def]
        if path == files[1]:
            raise KeyboardInterrupt
        scanned.append(path)
        return real(matcher, path, config, on_bytes)

    monkeypatch.setattr(scan_module, "scan_file", dies_on_second)
    with pytest.raises(KeyboardInterrupt):
        run_overlap(make_items(), files, tmp_path / "out")
    assert not (tmp_path / "out" / "matches.parquet").exists()

    def counts(matcher, path, config, on_bytes=None):  # type: ignore[no-untyped-def]
        scanned.append(path)
        return real(matcher, path, config, on_bytes)

    monkeypatch.setattr(scan_module, "scan_file", counts)
    resumed = run_overlap(make_items(), files, tmp_path / "out")
    assert scanned == [files[0], files[1]]  # the first shard was not scanned twice
    fresh = run_overlap(make_items(), files, tmp_path / "fresh")
    assert resumed.matches.equals(fresh.matches) and resumed.documents == fresh.documents


def test_between_finds_a_copied_item() -> None:
    items_a = make_items()
    items_b = [
        BenchmarkItem("new", "new/0", "A different question about copper lanterns and quiet rivers?", "1"),
        BenchmarkItem("new", "new/1", QUESTIONS[2].replace("sixty", "seventy"), "2"),
    ]
    result = run_between(items_a, items_b, Path(__import__("tempfile").mkdtemp()))
    assert _found(result.matches) == {"new/1": "toy/2"}


def test_missing_corpus_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusFormatError, match="not found"):
        run_overlap(make_items(), [str(tmp_path / "nope.jsonl")], tmp_path / "out")


def test_candidates_are_exactly_the_lsh_candidates_of_all_windows() -> None:
    """Signing only windows with enough item shingles loses no pair whose Jaccard reaches the threshold."""
    items = make_items()
    config = OverlapConfig(min_words=10)
    index = build_index(items, config)
    docs, _ = make_documents(seed=3, clean=12)
    text = docs[3]["text"] + " " + docs[9]["text"]
    n = config.shingle_size
    shingles = shingle_hashes(tokenize(text).hashes, n)
    got = find_candidates(
        index, shingles, np.zeros(len(shingles), dtype=np.int64), np.array([0]), np.array([len(shingles)])
    )
    got_pairs = set(zip(got.start.tolist(), got.part.tolist(), strict=True))
    for bucket in index.buckets:
        width = bucket.stride * 8
        starts = np.arange(0, max(1, len(shingles) - width + 1), bucket.stride)
        ends = np.minimum(starts + width, len(shingles))
        sigs = index.hasher.range_signatures(shingles, starts, ends)
        rows, cols = BandIndex(index.signatures[bucket.part_ids], 0.2, config.num_perm).query(sigs)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            part = bucket.part_ids[col]
            window = set(shingles[starts[row] : ends[row]].tolist())
            exact = len(window & set(index.parts[part].shingles.tolist())) / len(
                window | set(index.parts[part].shingles.tolist())
            )
            if exact >= config.threshold:
                assert (int(starts[row]), int(part)) in got_pairs
    assert got_pairs  # the verbatim and the edited copy produce candidates
