"""`load_benchmark`: from a file, a directory, a bundled fixture name or `hub:<name>` to items."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from detector.benchmarks.detection import (
    detect_container,
    detect_record_format,
    has_mmlu_columns,
    looks_like_mmlu_row,
)
from detector.benchmarks.generic import FieldMap, check_field_map, parse_generic
from detector.benchmarks.mmlu import read_mmlu_csv
from detector.benchmarks.records import Record, read_csv_rows, read_csv_with_header, read_jsonl, read_parquet
from detector.benchmarks.registry import (
    DEFAULT_FIXTURES,
    FIXTURE_ALIASES,
    FIXTURES,
    FIXTURES_DIR,
    RowParser,
    format_names,
    get_format,
)
from detector.types import BenchmarkFormatError, BenchmarkItem

NUMERIC_ANSWER = re.compile(r"-?\d+(?:\.\d+)?")
# No benchmark number is this long; longer ones would only break integer arithmetic downstream.
MAX_NUMBER_DIGITS = 1000
_LONG_NUMBER = re.compile(r"\d{" + str(MAX_NUMBER_DIGITS + 1) + ",}")
SPLIT_NAMES = frozenset({"test", "train", "dev", "val", "validation"})


@dataclass(frozen=True, slots=True)
class LoadedBenchmark:
    """The items of one benchmark with where they came from and in which format."""

    name: str
    format: str
    path: str
    items: tuple[BenchmarkItem, ...]


def benchmark_name(path: Path) -> str:
    """The file stem (`gsm8k_test`); a bare split name gets its folder: `gsm8k/test.jsonl` -> `gsm8k_test`."""
    stem = path.name.split(".")[0]
    if stem in SPLIT_NAMES and path.resolve().parent.name:
        return f"{path.resolve().parent.name}_{stem}"
    return stem


def _undetected(record: Record) -> BenchmarkFormatError:
    # a header cell may hold a whole question with line breaks: each name on one short line
    shown = [" ".join(str(name).split())[:40] for name in sorted(record.data, key=str)[:10]]
    fields = ", ".join(repr(name) if "," in name else name for name in shown)
    return record.error(
        None,
        f"cannot tell the format from the fields ({fields}); pass --format ({format_names()}) "
        "or a mapping such as --field question=COL --field answer=COL",
    )


def _is_numeric_question(data: Mapping[str, object]) -> bool:
    """A `question` with a bare numeric `answer` (GSM8K variants without the worked solution)."""
    answer = data.get("answer")
    if isinstance(answer, bool) or not isinstance(data.get("question"), str):
        return False
    if isinstance(answer, int | float):
        return True
    return isinstance(answer, str) and NUMERIC_ANSWER.fullmatch(answer.strip().replace(",", "")) is not None


def _item_texts(item: BenchmarkItem) -> list[tuple[str, str]]:
    texts = [("question", item.question), ("answer", item.answer), ("solution", item.solution or "")]
    texts += [(f"choices[{position}]", choice) for position, choice in enumerate(item.choices)]
    texts += [(f"metadata.{key}", value) for key, value in item.metadata.items()]
    return texts


def check_item_text(record: Record, item: BenchmarkItem) -> BenchmarkItem:
    """`item` when its texts are valid Unicode with no number over MAX_NUMBER_DIGITS digits.

    Raises: BenchmarkFormatError naming the record's file, line and the item's field.
    """
    for field_name, text in _item_texts(item):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            code = ord(text[exc.start])
            raise record.error(field_name, f"lone surrogate \\u{code:04x}: not valid Unicode") from None
        if _LONG_NUMBER.search(text):
            raise record.error(field_name, f"a number of more than {MAX_NUMBER_DIGITS:,} digits")
    return item


def read_records(path: Path, format: str | None) -> tuple[str | None, list[Record]]:
    """Read a file's raw records; returns the format when the layout alone decides it (MMLU CSV)."""
    container = detect_container(path)
    if container == "parquet":
        return format, read_parquet(path)
    if container == "jsonl":
        return format, read_jsonl(path)
    rows = read_csv_rows(path)
    header_row = has_mmlu_columns(dict.fromkeys(rows[0][1]))
    if (format == "mmlu" and not header_row) or (format is None and looks_like_mmlu_row(rows[0][1])):
        return "mmlu", read_mmlu_csv(path, rows)
    return format, read_csv_with_header(path, rows)


def _row_parser(format: str, fields: FieldMap | None) -> RowParser:
    spec = get_format(format)
    if spec.parse is not None:
        return spec.parse
    check_field_map(fields or {})
    return partial(parse_generic, fields=fields or {})


def parse_records(
    records: list[Record], format: str | None, fields: FieldMap | None, benchmark: str, start: int = 0
) -> tuple[str, list[BenchmarkItem]]:
    """Detect the format (unless given) and parse every record; item indices count from `start`."""
    if format is None:
        format = detect_record_format(records[0].data)
        if format is None and fields is None and _is_numeric_question(records[0].data):
            format, fields = "generic", {"question": "question", "answer": "answer"}  # GSM8K-like
        if format is None:
            raise _undetected(records[0])
    parse = _row_parser(format, fields)
    return format, [
        check_item_text(record, parse(record, benchmark, start + offset))
        for offset, record in enumerate(records)
    ]


def load_files(
    paths: list[Path], name: str, format: str | None, fields: FieldMap | None, shown_path: str
) -> LoadedBenchmark:
    """Load one benchmark from one or more files of the same format (indices run on)."""
    items: list[BenchmarkItem] = []
    formats: set[str] = set()
    for path in paths:
        if not path.is_file():  # a FIFO or a device would block: never opened
            raise BenchmarkFormatError(str(path), None, None, "not a regular file")
        file_format, records = read_records(path, format)
        found, parsed = parse_records(records, file_format, fields, name, start=len(items))
        formats.add(found)
        if len(formats) > 1:
            raise BenchmarkFormatError(str(path), None, None, f"format {found} differs from the other files'")
        items.extend(parsed)
    return LoadedBenchmark(name=name, format=formats.pop(), path=shown_path, items=tuple(items))


def _check_options(format: str | None, fields: FieldMap | None) -> str | None:
    if format is not None:
        get_format(format)
    if fields:
        check_field_map(fields)
        if format not in (None, "generic"):
            raise ValueError(f"--field mappings apply to the generic format, not to {format!r}")
        return "generic"
    if format == "generic":
        check_field_map({})
    return format


def load_benchmark(
    source: str | Path, *, format: str | None = None, fields: FieldMap | None = None
) -> LoadedBenchmark:
    """Load a benchmark from a file, an MMLU-style directory, a fixture name or `hub:<name>`.

    Raises: BenchmarkFormatError naming the file, line and field for bad input;
    ValueError for an unknown format or a bad field mapping.
    """
    format = _check_options(format, fields)
    text = str(source)
    if text.startswith("hub:"):
        from detector.benchmarks.hub import load_hub_benchmark

        name, hub_format, records, shown = load_hub_benchmark(text.removeprefix("hub:"), format)
        found, items = parse_records(records, hub_format, fields, name)
        return LoadedBenchmark(name=name, format=found, path=shown, items=tuple(items))
    path = Path(source)
    fixture_name = FIXTURE_ALIASES.get(text, text)
    if not path.exists() and fixture_name in FIXTURES:
        fixture = FIXTURES[fixture_name]
        files = sorted(FIXTURES_DIR.glob(fixture.pattern))
        if not files:
            raise BenchmarkFormatError(
                str(FIXTURES_DIR / fixture.pattern), None, None, "bundled fixture missing"
            )
        return load_files(
            files, fixture.benchmark, format or fixture.format, fields, str(FIXTURES_DIR / fixture.pattern)
        )
    if path.is_dir():
        files = sorted(path.glob("*_test.csv"))
        if not files:
            raise BenchmarkFormatError(
                text, None, None, "directory has no *_test.csv files (MMLU layout); pass a file instead"
            )
        return load_files(files, path.resolve().name, format, fields, text)
    if not path.exists():
        from detector.suggestions import did_you_mean

        hint = did_you_mean(text, [*FIXTURES, *FIXTURE_ALIASES])
        raise BenchmarkFormatError(
            text, None, None, f"no such file or bundled fixture{hint} (fixtures: {', '.join(FIXTURES)})"
        )
    return load_files([path], benchmark_name(path), format, fields, text)


def load_default_benchmarks() -> list[LoadedBenchmark]:
    """The bundled fixtures that commands use when no benchmark is given."""
    return [load_benchmark(name) for name in DEFAULT_FIXTURES]
