"""Reading benchmark files into raw records that remember their file and line.

Every error names the file, the 1-based line (or row) and the field, so a user can fix the input.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from detector.types import BenchmarkFormatError

# One quoted string of a Python or numpy list repr: 'a', "b", with backslash escapes.
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'" + "|" + r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}
_INDEX_DIGITS = 9  # an option index or label is small; longer digit strings are not indices


def index_from_text(text: str) -> int | None:
    """The value of `text` when it is a small non-negative index written in ASCII digits, else None."""
    body = text.strip()
    if body.isascii() and body.isdigit() and len(body) <= _INDEX_DIGITS:
        return int(body)
    return None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


# Strict JSON numbers: NaN, Infinity and 1e400 are refused, not read as floats that are not numbers.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def decode_json(text: str, position: int = 0) -> tuple[object, int]:
    """One JSON value from `text` at `position` and where it ends.

    Raises: ValueError with a one-line reason (malformed, nested too deeply, a number with
    too many digits or out of range); `json.JSONDecodeError` (a ValueError) carries the line.
    """
    try:
        return _DECODER.raw_decode(text, position)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # Python's 4,300-digit limit, or a refused constant
        reason = str(exc)
        if "digits" in reason or "Exceeds the limit" in reason:
            reason = "a JSON number with too many digits"
        raise ValueError(reason) from None


def loads_json(text: str) -> object:
    """`json.loads` with the strictness and one-line errors of `decode_json`."""
    start = len(text) - len(text.lstrip())
    value, end = decode_json(text, start)
    if text[end:].strip():
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def parse_list_text(text: str) -> list[str] | None:
    """A list of texts written in one CSV cell, or None when the cell is not a list literal.

    Reads a JSON list (`["a", "b"]`), a Python list repr (`['a', 'b']`) and the numpy repr that
    pandas writes for array columns (`['a' 'b']`). Nothing is evaluated.
    """
    body = text.strip()
    if not (body.startswith("[") and body.endswith("]")):
        return None
    try:
        value = loads_json(body)
    except ValueError:
        value = None
    if isinstance(value, list):
        return [str(entry) for entry in value]
    items, position, inner = [], 0, body[1:-1]
    for match in _QUOTED.finditer(inner):
        if inner[position : match.start()].strip(" \t\r\n,"):
            return None  # something other than separators between the strings
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        items.append(re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), raw))
        position = match.end()
    if inner[position:].strip(" \t\r\n,"):
        return None
    return items


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
        if isinstance(value, str):  # a CSV cell holding a list literal
            parsed = parse_list_text(value)
            if parsed is None:
                raise self.error(key, "expected a list of texts, found text that is not a list literal")
            value = parsed
        if not isinstance(value, Sequence):
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
    if path.exists() and not path.is_file():  # a FIFO or device would block or never end
        raise BenchmarkFormatError(name, None, None, "not a regular file")
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


def read_json_array(path: Path, text: str) -> list[Record]:
    """Records of a `.json` file holding one array of objects; each remembers its start line."""
    records = []
    position = text.index("[") + 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            break
        line = text.count("\n", 0, position) + 1
        try:
            data, position = decode_json(text, position)
        except json.JSONDecodeError as exc:
            raise BenchmarkFormatError(str(path), exc.lineno, None, f"malformed JSON: {exc.msg}") from exc
        except ValueError as exc:
            raise BenchmarkFormatError(str(path), line, None, str(exc)) from exc
        if not isinstance(data, dict):
            raise BenchmarkFormatError(
                str(path), line, None, f"expected a JSON object, found {type(data).__name__}"
            )
        records.append(Record(str(path), line, data))
    if not records:
        raise BenchmarkFormatError(str(path), None, None, "file is empty: no items")
    return records


def read_jsonl(path: Path) -> list[Record]:
    """One record per non-blank line; each line must be a JSON object (or one JSON array of objects)."""
    text = read_text(path)
    if text.lstrip().startswith("["):
        return read_json_array(path, text)
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = loads_json(line)
        except json.JSONDecodeError as exc:
            raise BenchmarkFormatError(
                str(path), number, None, f"malformed JSON: {exc.msg} (column {exc.colno})"
            ) from exc
        except ValueError as exc:
            raise BenchmarkFormatError(str(path), number, None, str(exc)) from exc
        if not isinstance(data, dict):
            raise BenchmarkFormatError(
                str(path), number, None, f"expected a JSON object, found {type(data).__name__}"
            )
        records.append(Record(str(path), number, data))
    return records


def read_csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Rows of a CSV (or `.tsv`) file with the line each starts on; quoted fields may span lines."""
    tab = ".tsv" in [suffix.lower() for suffix in path.suffixes]
    text = read_text(path)
    try:
        return _csv_rows(text, "\t" if tab else ",", strict=True)
    except _UnterminatedQuote as exc:
        raise BenchmarkFormatError(
            str(path), exc.line, None, "unterminated quote: a quoted field opened here never closes"
        ) from None
    except csv.Error:  # a stray quote inside a field: read it leniently, as spreadsheets do
        pass
    try:
        return _csv_rows(text, "\t" if tab else ",", strict=False)
    except _UnterminatedQuote as exc:  # not raised when not strict; kept for the type checker
        raise BenchmarkFormatError(str(path), exc.line, None, "unterminated quote") from None
    except csv.Error as exc:
        raise BenchmarkFormatError(str(path), None, None, f"malformed CSV: {exc}") from exc


class _UnterminatedQuote(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _csv_rows(text: str, delimiter: str, *, strict: bool) -> list[tuple[int, list[str]]]:
    """Rows with their start lines; a strict read tells an unterminated quote from other faults."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise _UnterminatedQuote(start) from None
        raise
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
