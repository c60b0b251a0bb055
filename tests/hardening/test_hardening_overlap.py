"""Corpus faults are errors, never a quiet "0.0% contaminated"; --out is checked before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zstandard  # the dev extra
from typer.testing import CliRunner

from detector.cli import app
from detector.overlap.corpus import CorpusFormatError, read_documents


def _lines(n: int, start: int = 0) -> bytes:
    return "".join(
        json.dumps({"text": f"document {i} " + "word " * 30}) + "\n" for i in range(start, n)
    ).encode()


def _scan(path: Path) -> int:
    return sum(len(batch.texts) for batch in read_documents(str(path)))


def _overlap(corpus: Path, out: Path):
    return CliRunner().invoke(
        app, ["overlap", "--benchmark", "gsm8k", "--corpus", str(corpus), "--out", str(out), "--no-progress"]
    )


def test_a_truncated_zst_corpus_is_an_error_naming_the_file(tmp_path: Path) -> None:
    whole = zstandard.ZstdCompressor().compress(_lines(500))
    path = tmp_path / "corpus.jsonl.zst"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CorpusFormatError, match="truncated"):
        _scan(path)
    result = _overlap(path, tmp_path / "out")
    assert result.exit_code == 2 and str(path) in result.output and "contaminated" not in result.output
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_multi_frame_zst_missing_the_end_of_its_last_frame_is_an_error(tmp_path: Path) -> None:
    compressor = zstandard.ZstdCompressor()
    first, last = compressor.compress(_lines(300)), compressor.compress(_lines(600, 300))
    path = tmp_path / "frames.jsonl.zst"
    path.write_bytes(first + last)
    assert _scan(path) == 600  # every frame is read
    path.write_bytes(first + last[: len(last) - 7])
    with pytest.raises(CorpusFormatError, match="truncated"):
        _scan(path)


def test_deeply_nested_json_in_a_corpus_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(_lines(2) + b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    with pytest.raises(CorpusFormatError) as caught:
        _scan(path)
    assert caught.value.line == 3
    result = _overlap(path, tmp_path / "out")
    assert result.exit_code == 2 and f"{path}:3" in result.output


def test_out_naming_an_existing_file_fails_before_scanning(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(_lines(5))
    out = tmp_path / "taken"
    out.write_text("keep me", encoding="utf-8")
    result = _overlap(corpus, out)
    assert result.exit_code == 2 and "not a directory" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    result = _overlap(corpus, out / "inside")
    assert result.exit_code == 2 and "not a directory" in result.output
