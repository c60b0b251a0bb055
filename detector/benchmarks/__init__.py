"""Benchmark loaders: local files (GSM8K, MMLU, ARC, HellaSwag, generic), bundled fixtures, the hub.

The front door: what a run loads (`load_sources`, `load_shot_pools`) and each item's kind.
"""

from detector.benchmarks.catalog import benchmark_summary, list_fixtures
from detector.benchmarks.generic import FieldMap, parse_field_options
from detector.benchmarks.kinds import ITEM_KINDS, item_kind
from detector.benchmarks.loading import LoadedBenchmark, load_benchmark, load_default_benchmarks
from detector.benchmarks.registry import (
    DEFAULT_FIXTURES,
    FIXTURES,
    FIXTURES_DIR,
    FORMATS,
    HUB_BENCHMARKS,
)
from detector.benchmarks.sources import load_shot_pools, load_sources, shot_files

__all__ = [
    "DEFAULT_FIXTURES",
    "FIXTURES",
    "FIXTURES_DIR",
    "FORMATS",
    "HUB_BENCHMARKS",
    "ITEM_KINDS",
    "FieldMap",
    "LoadedBenchmark",
    "benchmark_summary",
    "item_kind",
    "load_benchmark",
    "list_fixtures",
    "load_default_benchmarks",
    "load_shot_pools",
    "load_sources",
    "parse_field_options",
    "shot_files",
]
