"""What `detect benchmarks` shows: bundled fixtures with their counts, and items as plain dicts."""

from __future__ import annotations

from dataclasses import dataclass

from detector.benchmarks.loading import LoadedBenchmark, load_benchmark
from detector.benchmarks.registry import FIXTURES
from detector.types import BenchmarkItem


@dataclass(frozen=True, slots=True)
class FixtureSummary:
    """A bundled fixture as listed: its name, format, item count, files and description."""

    name: str
    format: str
    count: int
    pattern: str
    description: str


def list_fixtures() -> list[FixtureSummary]:
    """Load every bundled fixture and summarise it. Raises: BenchmarkFormatError if one is broken."""
    summaries = []
    for fixture in FIXTURES.values():
        loaded = load_benchmark(fixture.name)
        count = len(loaded.items)
        summaries.append(
            FixtureSummary(fixture.name, loaded.format, count, fixture.pattern, fixture.description)
        )
    return summaries


def item_to_dict(item: BenchmarkItem) -> dict[str, object]:
    """A JSON-ready dict of an item (tuples become lists, metadata a plain dict)."""
    return {
        "benchmark": item.benchmark,
        "item_id": item.item_id,
        "question": item.question,
        "choices": list(item.choices),
        "labels": list(item.labels),
        "answer": item.answer,
        "solution": item.solution,
        "metadata": dict(item.metadata),
    }


def benchmark_summary(loaded: LoadedBenchmark, limit: int) -> dict[str, object]:
    """`{"name", "format", "path", "count", "items"}` with the first `limit` items."""
    return {
        "name": loaded.name,
        "format": loaded.format,
        "path": loaded.path,
        "count": len(loaded.items),
        "items": [item_to_dict(item) for item in loaded.items[: max(limit, 0)]],
    }
