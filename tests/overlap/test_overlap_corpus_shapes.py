"""Corpora shaped like real ones: other text fields, nested fields, big Parquet text, multi-frame zstd."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard  # noqa: E402  (the `dev` extra)

from detector.overlap import corpus
from detector.overlap.corpus import CorpusFormatError, read_documents


def documents(path: Path, text_field: str = "text") -> tuple[list[str], list[str]]:
    ids: list[str] = []
    texts: list[str] = []
    for batch in read_documents(str(path), text_field):
        ids += batch.doc_ids
        texts += batch.texts
    return ids, texts


def write_jsonl(path: Path, rows: list[dict]) -> bytes:
    data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    path.write_bytes(data)
    return data


def test_content_and_raw_content_are_read_when_text_is_absent(tmp_path: Path) -> None:
    path = tmp_path / "stack.jsonl"
    write_jsonl(path, [{"id": "a", "content": "def f(): pass"}, {"id": "b", "raw_content": "Some page"}])
    assert documents(path) == (["a", "b"], ["def f(): pass", "Some page"])


def test_nested_text_field_and_an_error_that_lists_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    write_jsonl(path, [{"id": 1, "meta": {"text": "inner words"}}, {"id": 2, "meta": {"lang": "en"}}])
    with pytest.raises(CorpusFormatError, match=r"nested.jsonl:2: field 'meta.text': text field missing"):
        documents(path, "meta.text")
    with pytest.raises(CorpusFormatError, match=r"fields: id, meta\); pass --text-field"):
        documents(path)
    write_jsonl(path, [{"id": 1, "meta": {"text": "inner words"}}])
    assert documents(path, "meta.text") == (["1"], ["inner words"])


def test_parquet_nested_struct_and_content_columns(tmp_path: Path) -> None:
    nested = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": ["x", "y"], "meta": [{"text": "one", "lang": "en"},
                                                       {"text": "two", "lang": "fr"}]}), nested)
    assert documents(nested, "meta.text") == (["x", "y"], ["one", "two"])
    with pytest.raises(CorpusFormatError, match=r"text column missing \(columns: id, meta\)"):
        documents(nested)
    code = tmp_path / "code.parquet"
    pq.write_table(pa.table({"content": ["print(1)"]}), code)
    assert documents(code) == (["row 1"], ["print(1)"])


def test_parquet_with_large_text_keeps_batches_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(corpus, "BATCH_CHARS", 10_000)
    texts = [f"{i:03d} " + "w" * 4_000 for i in range(40)]
    path = tmp_path / "large.parquet"
    pq.write_table(pa.table({"text": pa.array(texts, pa.large_string())}), path, row_group_size=40)
    batches = list(read_documents(str(path)))
    assert [t for b in batches for t in b.texts] == texts
    assert max(sum(map(len, b.texts)) for b in batches) <= 10_000  # not all 160 000 characters at once
    assert batches[-1].doc_ids[-1] == "row 40"


def test_multi_frame_and_long_window_zstd(tmp_path: Path) -> None:
    rows = [{"id": i, "text": f"document number {i}"} for i in range(30)]
    first = b"".join(json.dumps(r).encode() + b"\n" for r in rows[:10])
    second = b"".join(json.dumps(r).encode() + b"\n" for r in rows[10:])
    multi = tmp_path / "multi.jsonl.zst"  # two frames, as `cat a.zst b.zst` or pzstd make
    compressor = zstandard.ZstdCompressor()
    multi.write_bytes(compressor.compress(first) + compressor.compress(second))
    assert documents(multi)[1] == [r["text"] for r in rows]
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31, enable_ldm=True)
    stream = zstandard.ZstdCompressor(compression_params=params).compressobj()  # as `zstd --long=31 < in`
    long_window = tmp_path / "long.jsonl.zst"
    long_window.write_bytes(stream.compress(first) + stream.flush())
    assert documents(long_window)[1] == [r["text"] for r in rows[:10]]


def test_multi_member_gzip(tmp_path: Path) -> None:
    path = tmp_path / "members.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "alpha"}\n') + gzip.compress(b'{"text": "beta"}\n'))
    assert documents(path)[1] == ["alpha", "beta"]


def test_latin1_text_is_read_with_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 au lait, na\u00efve r\u00e9sum\u00e9.\n".encode("latin-1"))
    [text] = documents(path)[1]
    assert text == "Caf\ufffd au lait, na\ufffdve r\ufffdsum\ufffd.\n"


def test_one_very_long_line_is_read_in_bounded_pieces(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(corpus, "BATCH_CHARS", 1_000)
    line = "".join(f"w{i} " for i in range(1_500))  # 6 890 characters, no newline
    path = tmp_path / "minified.txt"
    path.write_text("short first line\n\n" + line + "\n")
    ids, texts = documents(path)
    assert max(map(len, texts)) <= 1_000 and "".join(texts[1:]) == line + "\n"
    assert ids[:3] == ["line 1", "line 3", "line 3+1000"]


def test_bz2_and_xz_corpora(tmp_path: Path) -> None:
    import bz2
    import lzma

    data = b'{"text": "alpha"}\n{"text": "beta"}\n'
    (tmp_path / "wiki.jsonl.bz2").write_bytes(bz2.compress(data))
    (tmp_path / "web.jsonl.xz").write_bytes(lzma.compress(data))
    assert documents(tmp_path / "wiki.jsonl.bz2")[1] == ["alpha", "beta"]
    assert documents(tmp_path / "web.jsonl.xz")[1] == ["alpha", "beta"]


def test_files_without_a_suffix_are_told_by_their_content(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "shard_00000", [{"id": "d1", "text": "json document"}])
    pq.write_table(pa.table({"text": ["parquet document"]}), tmp_path / "shard_00001")
    (tmp_path / "shard_00002").write_text("plain words\n\nmore words\n")
    assert documents(tmp_path / "shard_00000") == (["d1"], ["json document"])
    assert documents(tmp_path / "shard_00001") == (["row 1"], ["parquet document"])
    assert documents(tmp_path / "shard_00002")[1] == ["plain words\n", "more words\n"]


def test_parquet_binary_text_column_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"text": pa.array([b"caf\xc3\xa9 bytes", b"bad \xff byte"], pa.binary())}), path)
    assert documents(path)[1] == ["caf\u00e9 bytes", "bad \ufffd byte"]


def test_a_long_jsonl_or_parquet_document_is_read_in_overlapping_pieces(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(corpus, "BATCH_CHARS", 1_000)
    monkeypatch.setattr(corpus, "PIECE_OVERLAP", 150)
    text = " ".join(f"word{i}" for i in range(700))  # 5 589 characters
    write_jsonl(tmp_path / "book.jsonl", [{"id": "book", "text": text}, {"id": "short", "text": "tiny"}])
    pq.write_table(pa.table({"id": ["book", "short"], "text": [text, "tiny"]}), tmp_path / "book.parquet")
    for name in ("book.jsonl", "book.parquet"):
        ids, pieces = documents(tmp_path / name)
        assert ids[0] == "book" and ids[-1] == "short" and all(i.startswith("book+") for i in ids[1:-1])
        assert max(map(len, pieces)) <= 1_000 and len(pieces) > 6
        for piece_id, piece in zip(ids[1:-1], pieces[1:-1], strict=True):  # each piece sits at its offset
            start = int(piece_id.split("+")[1])
            assert text[start : start + len(piece)] == piece
        for start in range(0, len(text) - 120, 37):  # every 120-character span lies whole in one piece
            assert any(text[start : start + 120] in piece for piece in pieces[:-1])
