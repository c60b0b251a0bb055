"""Benchmark loaders: local files (GSM8K, MMLU, ARC, HellaSwag, generic), bundled fixtures, the hub."""

from detector.benchmarks.generic import FieldMap, parse_field_options
from detector.benchmarks.loading import LoadedBenchmark, load_benchmark, load_default_benchmarks
from detector.benchmarks.registry import (
    DEFAULT_FIXTURES,
    FIXTURES,
    FIXTURES_DIR,
    FORMATS,
    HUB_BENCHMARKS,
)

__all__ = [
    "DEFAULT_FIXTURES",
    "FIXTURES",
    "FIXTURES_DIR",
    "FORMATS",
    "HUB_BENCHMARKS",
    "FieldMap",
    "LoadedBenchmark",
    "load_benchmark",
    "load_default_benchmarks",
    "parse_field_options",
]
