"""Streaming corpus readers: JSONL (plain, .gz, .zst), Parquet and plain text.

Every reader yields `DocumentBatch`es of bounded size, so memory stays flat however large
a file is. Each file is one shard of a scan. Bad input raises `CorpusFormatError` naming
the file, the line (or row) and the field.
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

BATCH_CHARS = 2_000_000  # characters of text per batch
TEXT_SUFFIXES = (".txt", ".text", ".md")


class CorpusFormatError(ValueError):
    """Bad corpus input: names the file, line and field."""

    def __init__(self, path: str, line: int | None, field_name: str | None, message: str):
        self.path = path
        self.line = line
        self.field_name = field_name
        where = path if line is None else f"{path}:{line}"
        what = f" field '{field_name}':" if field_name else ""
        super().__init__(f"{where}:{what} {message}")


@dataclass(frozen=True, slots=True)
class DocumentBatch:
    """Documents read from one shard; `end_bytes` is how far into the file (raw bytes) we are."""

    doc_ids: list[str]
    texts: list[str]
    end_bytes: int


def corpus_kind(path: str | Path) -> str:
    """"jsonl", "parquet" or "text", from the file name."""
    name = str(path).lower()
    for suffix in (".gz", ".zst", ".zstd"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def expand_corpus(patterns: Sequence[str]) -> list[str]:
    """Expand paths and globs (directories: every file below) to a sorted list of files.

    Raises:
        CorpusFormatError: if a path does not exist or a glob matches nothing.
    """
    files: set[str] = set()
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            matched = [m for m in glob.glob(pattern, recursive=True) if Path(m).is_file()]
            if not matched:
                raise CorpusFormatError(pattern, None, None, "no corpus file matches this pattern")
            files.update(matched)
        elif Path(pattern).is_dir():
            files.update(str(p) for p in Path(pattern).rglob("*") if p.is_file())
        elif Path(pattern).is_file():
            files.add(pattern)
        else:
            raise CorpusFormatError(pattern, None, None, "corpus file not found")
    return sorted(files)


class _CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the raw bytes read (for progress)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _open_text(path: str) -> tuple[IO[str], _CountingReader]:
    counter = _CountingReader(open(path, "rb"))  # noqa: SIM115 - closed by the caller
    stream: IO[bytes] = io.BufferedReader(counter, 1 << 20)
    lower = path.lower()
    if lower.endswith(".gz"):
        stream = gzip.GzipFile(fileobj=stream)  # type: ignore[assignment]
    elif lower.endswith((".zst", ".zstd")):
        import zstandard

        stream = zstandard.ZstdDecompressor().stream_reader(stream)  # type: ignore[assignment]
    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace"), counter  # type: ignore[arg-type]


def _read_jsonl(path: str, text_field: str, id_field: str) -> Iterator[DocumentBatch]:
    handle, counter = _open_text(path)
    with handle:
        ids: list[str] = []
        texts: list[str] = []
        size = 0
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise CorpusFormatError(path, number, None, f"invalid JSON ({err.msg})") from None
            if not isinstance(record, dict):
                raise CorpusFormatError(path, number, None, "expected a JSON object")
            text = record.get(text_field)
            if not isinstance(text, str):
                problem = "missing" if text is None else "not a string"
                raise CorpusFormatError(path, number, text_field, f"text field {problem}")
            doc_id = record.get(id_field)
            ids.append(str(doc_id) if isinstance(doc_id, str | int) else f"line {number}")
            texts.append(text)
            size += len(text)
            if size >= BATCH_CHARS:
                yield DocumentBatch(ids, texts, counter.count)
                ids, texts, size = [], [], 0
        yield DocumentBatch(ids, texts, counter.count)


def _read_parquet(path: str, text_field: str, id_field: str) -> Iterator[DocumentBatch]:
    import polars as pl

    try:
        schema = pl.scan_parquet(path).collect_schema()
    except (pl.exceptions.PolarsError, OSError) as err:
        raise CorpusFormatError(path, None, None, f"cannot read Parquet ({err})") from None
    if text_field not in schema:
        raise CorpusFormatError(path, None, text_field, "text column missing")
    columns = [text_field] + ([id_field] if id_field in schema else [])
    frame = pl.scan_parquet(path).select(columns)
    total_bytes = Path(path).stat().st_size
    rows = frame.select(pl.len()).collect().item()
    step = 2_000
    for start in range(0, rows, step):
        chunk = frame.slice(start, step).collect()
        texts = chunk.get_column(text_field).to_list()
        for offset, text in enumerate(texts):
            if not isinstance(text, str):
                raise CorpusFormatError(path, start + offset + 1, text_field, "text is null or not a string")
        if id_field in chunk.columns:
            ids = [str(v) for v in chunk.get_column(id_field).to_list()]
        else:
            ids = [f"row {start + i + 1}" for i in range(len(texts))]
        yield DocumentBatch(ids, texts, int(total_bytes * min(rows, start + step) / max(rows, 1)))


def _read_text(path: str) -> Iterator[DocumentBatch]:
    """Plain text: a document is a block of lines separated by blank lines."""
    handle, counter = _open_text(path)
    with handle:
        ids: list[str] = []
        texts: list[str] = []
        block: list[str] = []
        block_chars = 0
        block_line = 1
        size = 0
        for number, line in enumerate(handle, start=1):
            if line.strip() and block_chars < BATCH_CHARS:
                if not block:
                    block_line = number
                block.append(line)
                block_chars += len(line)
                continue
            if block:
                ids.append(f"line {block_line}")
                texts.append("".join(block))
                size += block_chars
            block, block_chars = ([line], len(line)) if line.strip() else ([], 0)
            block_line = number
            if size >= BATCH_CHARS:
                yield DocumentBatch(ids, texts, counter.count)
                ids, texts, size = [], [], 0
        if block:
            ids.append(f"line {block_line}")
            texts.append("".join(block))
        yield DocumentBatch(ids, texts, counter.count)


def read_documents(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[DocumentBatch]:
    """Stream the documents of one corpus file in bounded batches.

    Raises:
        CorpusFormatError: on unreadable files, bad JSON lines, missing text fields.
    """
    if not Path(path).is_file():
        raise CorpusFormatError(path, None, None, "corpus file not found")
    kind = corpus_kind(path)
    try:
        if kind == "jsonl":
            yield from _read_jsonl(path, text_field, id_field)
        elif kind == "parquet":
            yield from _read_parquet(path, text_field, id_field)
        else:
            yield from _read_text(path)
    except _read_errors() as err:
        raise CorpusFormatError(path, None, None, f"cannot read file ({err})") from None


def _read_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean an unreadable file (a corrupt zstd stream raises its own type)."""
    errors: tuple[type[BaseException], ...] = (OSError, EOFError, UnicodeError, zlib.error)
    try:
        import zstandard
    except ImportError:
        return errors
    return (*errors, zstandard.ZstdError)
