"""Reading benchmark files into raw records that remember their file and line.

Every error names the file, the 1-based line (or row) and the field, so a user can fix the input.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from detector.types import BenchmarkFormatError


@dataclass(frozen=True, slots=True)
class Record:
    """One raw row of a benchmark file: its fields, the file it came from and its line there."""

    path: str
    line: int
    data: Mapping[str, object]

    def error(self, field_name: str | None, message: str) -> BenchmarkFormatError:
        return BenchmarkFormatError(self.path, self.line, field_name, message)

    def get(self, key: str) -> object:
        """The value of `key`. Raises: BenchmarkFormatError when it is missing or null."""
        if key not in self.data or self.data[key] is None:
            raise self.error(key, "missing field")
        return self.data[key]

    def text(self, key: str) -> str:
        """The non-empty text value of `key`. Raises: BenchmarkFormatError otherwise."""
        value = self.get(key)
        if not isinstance(value, str):
            raise self.error(key, f"expected text, found {type(value).__name__}")
        if not value.strip():
            raise self.error(key, "empty text")
        return value

    def text_list(self, key: str) -> list[str]:
        """The value of `key` as a non-empty list of non-empty texts."""
        value = self.get(key)
        if isinstance(value, str) or not isinstance(value, Sequence):
            # Parquet gives numpy arrays or lists; JSON gives lists.
            if hasattr(value, "tolist"):
                value = value.tolist()
            else:
                raise self.error(key, f"expected a list of texts, found {type(value).__name__}")
        items = list(value)
        if not items:
            raise self.error(key, "empty list")
        for position, entry in enumerate(items):
            if not isinstance(entry, str) or not entry.strip():
                raise self.error(f"{key}[{position}]", "expected non-empty text")
        return items


def read_text(path: Path) -> str:
    """Read a whole file as UTF-8 text (gzip when it ends in .gz).

    Raises: BenchmarkFormatError for unreadable paths, wrong encodings and empty files.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BenchmarkFormatError(name, None, None, f"cannot read file: {reason}") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BenchmarkFormatError(
            name,
            line,
            None,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-encode the file as UTF-8",
        ) from exc
    if not text.strip():
        raise BenchmarkFormatError(name, None, None, "file is empty: no items")
    return text


def read_jsonl(path: Path) -> list[Record]:
    """One record per non-blank line; each line must be a JSON object."""
    records = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BenchmarkFormatError(
                str(path), number, None, f"malformed JSON: {exc.msg} (column {exc.colno})"
            ) from exc
        if not isinstance(data, dict):
            raise BenchmarkFormatError(
                str(path), number, None, f"expected a JSON object, found {type(data).__name__}"
            )
        records.append(Record(str(path), number, data))
    return records


def read_csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Rows of a CSV file with the line each starts on; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise BenchmarkFormatError(str(path), reader.line_num, None, f"malformed CSV: {exc}") from exc
    return rows


def read_csv_with_header(path: Path, rows: list[tuple[int, list[str]]] | None = None) -> list[Record]:
    """Records of a CSV file whose first row names the columns (`rows` when already read)."""
    rows = read_csv_rows(path) if rows is None else rows
    header_line, header = rows[0]
    records = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise BenchmarkFormatError(
                str(path), line, None, f"expected {len(header)} columns as in the header, found {len(row)}"
            )
        records.append(Record(str(path), line, dict(zip(header, row, strict=True))))
    if not records:
        raise BenchmarkFormatError(str(path), header_line, None, "only a header row: no items")
    return records


def read_parquet(path: Path) -> list[Record]:
    """One record per Parquet row; the line is the 1-based row number."""
    import polars as pl

    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise BenchmarkFormatError(str(path), None, None, f"cannot read Parquet: {exc}") from exc
    if frame.height == 0:
        raise BenchmarkFormatError(str(path), None, None, "file is empty: no items")
    return [Record(str(path), number, row) for number, row in enumerate(frame.to_dicts(), start=1)]
