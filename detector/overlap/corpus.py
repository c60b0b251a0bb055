"""Streaming corpus readers: JSONL (plain, .gz, .zst), Parquet and plain text.

Every reader yields `DocumentBatch`es of bounded size, so memory stays flat however large
a file is. Each file is one shard of a scan. Bad input raises `CorpusFormatError` naming
the file, the line (or row) and the field.

- Compression: gzip (multi-member), zstd (multi-frame, as concatenated files or pzstd make;
  `--long` windows up to 2 GiB), bz2 and xz, from the suffix. A file without a known suffix
  is told by its first bytes (Parquet magic, or a JSON object: JSONL; else text).
- The text field may be nested (`meta.text`); with the default `text`, documents that have
  no `text` but `content` (The Stack) or `raw_content` (RedPajama) are read from those.
- Text that is not valid UTF-8 (e.g. latin-1) is decoded with U+FFFD replacement characters,
  never an error: a replaced accent only lowers a match's similarity a little.
- A document longer than `BATCH_CHARS` is scanned in pieces that overlap by `PIECE_OVERLAP`
  characters, so no item-sized match is cut (ids "ID", then "ID+OFFSET"; a match's
  `char_offset` counts from its piece). Plain text is cut into documents of at most
  `BATCH_CHARS` as it is read, a longer line into pieces "line N+OFFSET", without overlap.
  Reading a JSONL or Parquet document still holds it whole once.
- Parquet is read one row group at a time, in row batches sized from the file's column
  statistics (about `BATCH_CHARS` of text each).
"""

from __future__ import annotations

import bz2
import glob
import gzip
import io
import json
import lzma
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from detector.overlap.display import safe_location
from detector.overlap.remote import expand_remote, is_remote, open_remote, remote_info
from detector.types import InputFormatError

BATCH_CHARS = 2_000_000  # characters of text per batch
TEXT_SUFFIXES = (".txt", ".text", ".md")
COMPRESSED_SUFFIXES = (".gz", ".zst", ".zstd", ".bz2", ".xz")
DEFAULT_TEXT_FIELD = "text"
FALLBACK_TEXT_FIELDS = ("content", "raw_content")  # read when the default `text` is absent
ZSTD_MAX_WINDOW = 2**31  # `zstd --long=31`
PARQUET_MAX_ROWS = 2_000  # rows per Parquet batch at most
PIECE_OVERLAP = 20_000  # characters shared by consecutive pieces of one long document


class CorpusFormatError(InputFormatError):
    """Bad corpus input: names the file, line and field."""


@dataclass(frozen=True, slots=True)
class DocumentBatch:
    """Documents read from one shard; `end_bytes` is how far into the file (raw bytes) we are."""

    doc_ids: list[str]
    texts: list[str]
    end_bytes: int


def corpus_kind(path: str | Path) -> str:
    """"jsonl", "parquet" or "text", from the file name; a name without a known suffix
    (`shard_00001`) is told by its first bytes: Parquet's magic, or a JSON object."""
    name = str(path).lower()
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    remote = is_remote(str(path))
    if name.endswith(TEXT_SUFFIXES) or "." in Path(name).name or (not remote and not Path(path).is_file()):
        return "text"
    try:
        with _open_raw(str(path)) as handle:
            head = handle.read(4)
        if head == b"PAR1":
            return "parquet"
        stream, counter = _open_text(str(path))
        with stream:
            first = stream.read(1024).lstrip("\ufeff \t\r\n")
    except _read_errors():
        return "text"
    return "jsonl" if first.startswith("{") else "text"


def expand_corpus(patterns: Sequence[str]) -> list[str]:
    """Expand paths and globs (directories: every file below) to a sorted list of files.

    Raises:
        CorpusFormatError: if a path does not exist or a glob matches nothing.
    """
    files: set[str] = set()
    for pattern in patterns:
        if is_remote(pattern):
            shown = safe_location(pattern)
            try:
                files.update(expand_remote(pattern))
            except FileNotFoundError:
                raise CorpusFormatError(shown, None, None, "no corpus file at this URL") from None
            except OSError as error:
                raise CorpusFormatError(shown, None, None, f"cannot list ({error})") from None
        elif any(ch in pattern for ch in "*?["):
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


def _open_raw(path: str) -> IO[bytes]:
    """The file's raw bytes: a local file, or a remote URL through fsspec (streamed)."""
    if is_remote(path):
        return open_remote(path)
    return open(path, "rb")  # noqa: SIM115 - closed by the caller


def _open_binary(path: str) -> tuple[IO[bytes], _CountingReader]:
    """The decompressed byte stream of a corpus file and the counter of raw bytes read."""
    counter = _CountingReader(_open_raw(path))
    stream: IO[bytes] = io.BufferedReader(counter, 1 << 20)
    lower = path.lower()
    if lower.endswith(".gz"):
        stream = gzip.GzipFile(fileobj=stream)  # type: ignore[assignment]
    elif lower.endswith(".bz2"):
        stream = bz2.BZ2File(stream)  # type: ignore[assignment]
    elif lower.endswith(".xz"):
        stream = lzma.LZMAFile(stream)  # type: ignore[assignment]
    elif lower.endswith((".zst", ".zstd")):
        stream = io.BufferedReader(_ZstdFrames(stream), 1 << 20)
    return stream, counter


def _open_text(path: str) -> tuple[IO[str], _CountingReader]:
    stream, counter = _open_binary(path)
    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace"), counter  # type: ignore[arg-type]


class _ZstdFrames(io.RawIOBase):
    """Decompresses every zstd frame in turn and raises when the file ends inside a frame.

    zstandard's own stream reader returns what it decoded of a cut frame and stops quietly, which
    made a truncated corpus look like a short one; here a cut frame is an error.
    """

    def __init__(self, raw: IO[bytes]):
        import zstandard

        self.raw = raw
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._frame = self._decompressor.decompressobj()
        self._in_frame = False  # bytes of the current frame seen, its end not yet
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        while not self._pending:
            chunk = self.raw.read(1 << 20)
            if not chunk:
                if self._in_frame:
                    raise EOFError("zstd file ends inside a frame (truncated)")
                return 0
            self._pending = self._feed(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            out.append(self._frame.decompress(chunk))
            self._in_frame = not self._frame.eof
            if not self._frame.eof:
                break
            chunk = self._frame.unused_data
            self._frame = self._decompressor.decompressobj()
        return b"".join(out)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _json_loader() -> Callable[[bytes], object]:
    """orjson's `loads` when installed (the `fast` extra), else the standard library's."""
    try:
        import orjson
    except ImportError:
        return json.loads
    loads: Callable[[bytes], object] = orjson.loads
    return loads


def _decode_line(line: bytes, loads: Callable[[bytes], object]) -> object:
    """One JSON value; bytes that are not UTF-8 are decoded with replacement characters."""
    try:
        return loads(line)
    except ValueError:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return json.loads(line.decode("utf-8", "replace"))
        raise


def _record_text(record: dict[str, object], text_field: str) -> object:
    """The value at `text_field` ("text", or dotted for nested objects: "meta.text")."""
    value: object = record
    for part in text_field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None and text_field == DEFAULT_TEXT_FIELD:
        value = next((record[name] for name in FALLBACK_TEXT_FIELDS if record.get(name) is not None), None)
    return value


def _read_jsonl(path: str, text_field: str, id_field: str) -> Iterator[DocumentBatch]:
    handle, counter = _open_binary(path)
    loads = _json_loader()
    plain_field = "." not in text_field
    with handle:
        ids: list[str] = []
        texts: list[str] = []
        size = 0
        for number, line in enumerate(handle, start=1):
            if line.isspace() or not line:  # (no copy of the line, unlike strip)
                continue
            try:
                try:
                    record = loads(line)
                except ValueError:
                    record = _decode_line(line, loads)  # not UTF-8: replacement characters
            except RecursionError:
                raise CorpusFormatError(path, number, None, "invalid JSON (nested too deeply)") from None
            except ValueError as err:  # json/orjson decode errors, a number past the 4,300-digit limit
                reason = err.msg if isinstance(err, json.JSONDecodeError) else str(err).split(":")[0]
                raise CorpusFormatError(path, number, None, f"invalid JSON ({reason})") from None
            if not isinstance(record, dict):
                raise CorpusFormatError(path, number, None, "expected a JSON object")
            text = record.get(text_field) if plain_field else None
            if text is None:
                text = _record_text(record, text_field)
            if not isinstance(text, str):
                problem = "missing" if text is None else "not a string"
                fields = ", ".join(sorted(record)[:12])
                raise CorpusFormatError(
                    path, number, text_field, f"text field {problem} (fields: {fields}); pass --text-field"
                )
            doc_id = record.get(id_field)
            name = str(doc_id) if isinstance(doc_id, str | int) else f"line {number}"
            pieces = [(name, text)] if len(text) <= BATCH_CHARS else document_pieces(name, text)
            for piece_id, piece in pieces:
                ids.append(piece_id)
                texts.append(piece)
                size += len(piece)
                if size >= BATCH_CHARS:
                    yield DocumentBatch(ids, texts, counter.count)
                    ids, texts, size = [], [], 0
        yield DocumentBatch(ids, texts, counter.count)


def document_pieces(doc_id: str, text: str) -> Iterator[tuple[str, str]]:
    """A document, or pieces of a longer-than-BATCH_CHARS one that overlap by PIECE_OVERLAP
    characters (so no item-sized match is cut); pieces after the first are "ID+OFFSET"."""
    if len(text) <= BATCH_CHARS:
        yield doc_id, text
        return
    start = 0
    while True:
        end = min(len(text), start + BATCH_CHARS)
        if end < len(text):  # end the piece at a space near the cut, not inside a word
            space = text.rfind(" ", end - 1_000, end)
            end = space + 1 if space > start else end
        yield (doc_id if start == 0 else f"{doc_id}+{start}"), text[start:end]
        if end >= len(text):
            return
        start = max(start + 1, end - PIECE_OVERLAP)


def _parquet_text_path(path: str, names: Sequence[str], text_field: str) -> list[str]:
    """The column path of the text: ["text"], ["content"] (fallback) or ["meta", "text"] (nested)."""
    if text_field in names:
        return [text_field]
    if text_field == DEFAULT_TEXT_FIELD:
        for name in FALLBACK_TEXT_FIELDS:
            if name in names:
                return [name]
    parts = text_field.split(".")
    if len(parts) > 1 and parts[0] in names:
        return parts
    raise CorpusFormatError(path, None, text_field, f"text column missing (columns: {', '.join(names[:12])})")


def _parquet_rows_per_batch(metadata: object, top: str) -> int:
    """Rows per batch so that one batch holds about BATCH_CHARS of text (from the column statistics)."""
    rows = metadata.num_rows  # type: ignore[attr-defined]
    size = 0
    for g in range(metadata.num_row_groups):  # type: ignore[attr-defined]
        group = metadata.row_group(g)  # type: ignore[attr-defined]
        for i in range(group.num_columns):
            if group.column(i).path_in_schema.split(".")[0] == top:
                size += group.column(i).total_uncompressed_size
    per_row = max(1.0, size / max(rows, 1))
    return max(1, min(PARQUET_MAX_ROWS, int(BATCH_CHARS / per_row)))


def _read_parquet(path: str, text_field: str, id_field: str) -> Iterator[DocumentBatch]:
    """Row batches through pyarrow, one row group at a time (memory: one row group's text column)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(open_remote(path, seekable=True) if is_remote(path) else path)
    except (pa.ArrowException, OSError) as err:
        raise CorpusFormatError(path, None, None, f"cannot read Parquet ({err})") from None
    names = parquet.schema_arrow.names
    text_path = _parquet_text_path(path, names, text_field)
    columns = [text_path[0]] + ([id_field] if id_field in names and id_field != text_path[0] else [])
    rows = parquet.metadata.num_rows
    total_bytes = (remote_info(path)[0] or 0) if is_remote(path) else Path(path).stat().st_size
    done = 0
    try:
        for batch in parquet.iter_batches(batch_size=_parquet_rows_per_batch(parquet.metadata, text_path[0]),
                                          columns=columns):
            column = batch.column(text_path[0])
            for part in text_path[1:]:
                if not pa.types.is_struct(column.type) or column.type.get_field_index(part) < 0:
                    raise CorpusFormatError(path, None, text_field, f"no nested field {part!r}")
                column = column.field(part)
            texts = [
                value.decode("utf-8", "replace") if isinstance(value, bytes) else value  # binary columns
                for value in column.to_pylist()
            ]
            for offset, text in enumerate(texts):
                if not isinstance(text, str):
                    row = done + offset + 1
                    raise CorpusFormatError(path, row, text_field, "text is null or not a string")
            if id_field in batch.schema.names:
                ids = [str(v) for v in batch.column(id_field).to_pylist()]
            else:
                ids = [f"row {done + i + 1}" for i in range(len(texts))]
            done += len(texts)
            if any(len(text) > BATCH_CHARS for text in texts):
                pairs = [piece for pair in zip(ids, texts, strict=True) for piece in document_pieces(*pair)]
                ids, texts = [name for name, _ in pairs], [text for _, text in pairs]
            yield DocumentBatch(ids, texts, int(total_bytes * done / max(rows, 1)))
    except pa.ArrowException as err:
        raise CorpusFormatError(path, None, None, f"cannot read Parquet ({err})") from None


def _read_text(path: str) -> Iterator[DocumentBatch]:
    """Plain text: a document is a block of lines separated by blank lines."""
    handle, counter = _open_text(path)
    with handle:
        ids: list[str] = []
        texts: list[str] = []
        block: list[str] = []
        block_chars = 0
        size = 0
        block_id = "line 1"
        for number, column, line in _lines(handle):
            where = f"line {number}" if column == 0 else f"line {number}+{column}"
            if line.strip() and block_chars < BATCH_CHARS:
                if not block:
                    block_id = where
                block.append(line)
                block_chars += len(line)
                continue
            if block:
                ids.append(block_id)
                texts.append("".join(block))
                size += block_chars
            block, block_chars = ([line], len(line)) if line.strip() else ([], 0)
            block_id = where
            if size >= BATCH_CHARS:
                yield DocumentBatch(ids, texts, counter.count)
                ids, texts, size = [], [], 0
        if block:
            ids.append(block_id)
            texts.append("".join(block))
        yield DocumentBatch(ids, texts, counter.count)


def _lines(handle: IO[str]) -> Iterator[tuple[int, int, str]]:
    """(1-based line number, character offset in that line, text) with lines cut to BATCH_CHARS."""
    number, column = 1, 0
    while True:
        piece = handle.readline(BATCH_CHARS)
        if not piece:
            return
        yield number, column, piece
        if piece.endswith("\n"):
            number, column = number + 1, 0
        else:
            column += len(piece)


def read_documents(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[DocumentBatch]:
    """Stream the documents of one corpus file in bounded batches.

    Raises:
        CorpusFormatError: on unreadable files, bad JSON lines, missing text fields.
    """
    if not is_remote(path) and not Path(path).is_file():
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
        raise CorpusFormatError(safe_location(path), None, None, f"cannot read file ({err})") from None


def _read_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean an unreadable file (a corrupt zstd stream raises its own type)."""
    errors: tuple[type[BaseException], ...] = (OSError, EOFError, UnicodeError, zlib.error, lzma.LZMAError)
    try:
        import zstandard
    except ImportError:
        return errors
    return (*errors, zstandard.ZstdError)
