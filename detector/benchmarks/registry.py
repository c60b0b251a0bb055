"""The formats we read, the fixtures we bundle and the benchmarks we know by name on the hub."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from detector.benchmarks.arc import parse_arc
from detector.benchmarks.gsm8k import parse_gsm8k
from detector.benchmarks.hellaswag import parse_hellaswag
from detector.benchmarks.humaneval import parse_humaneval
from detector.benchmarks.mbpp import parse_mbpp
from detector.benchmarks.mmlu import parse_mmlu_csv, parse_mmlu_hf
from detector.benchmarks.records import Record
from detector.types import BenchmarkItem

RowParser = Callable[[Record, str, int], BenchmarkItem]

FIXTURES_DIR: Final[Path] = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass(frozen=True, slots=True)
class BenchmarkFormat:
    """A file layout we can read; `parse` is None for `generic`, which needs a field mapping."""

    name: str
    description: str
    parse: RowParser | None


@dataclass(frozen=True, slots=True)
class Fixture:
    """Bundled benchmark files under `fixtures/` (a glob when one benchmark spans several files)."""

    name: str
    pattern: str
    format: str
    benchmark: str
    description: str


@dataclass(frozen=True, slots=True)
class HubBenchmark:
    """A named benchmark on the Hugging Face hub and where its rows live."""

    name: str
    dataset: str
    config: str | None
    split: str
    format: str
    offline_hint: str


FORMATS: Final[Mapping[str, BenchmarkFormat]] = MappingProxyType(
    {
        "gsm8k": BenchmarkFormat(
            "gsm8k", "JSONL: question, answer (worked solution ending in '#### N')", parse_gsm8k
        ),
        "mmlu": BenchmarkFormat(
            "mmlu", "CSV without header: question, A, B, C, D, answer letter", parse_mmlu_csv
        ),
        "mmlu-hf": BenchmarkFormat(
            "mmlu-hf", "JSONL/Parquet: question, choices, answer index, subject (hub layout)", parse_mmlu_hf
        ),
        "arc": BenchmarkFormat(
            "arc", "JSONL: question.stem, question.choices[{label, text}], answerKey (A-E or 1-4)", parse_arc
        ),
        "hellaswag": BenchmarkFormat("hellaswag", "JSONL: ctx, endings, label (index)", parse_hellaswag),
        "humaneval": BenchmarkFormat(
            "humaneval", "JSONL: task_id, prompt, entry_point, canonical_solution, test", parse_humaneval
        ),
        "mbpp": BenchmarkFormat("mbpp", "JSONL: text, code, test_list, test_setup_code", parse_mbpp),
        "generic": BenchmarkFormat(
            "generic", "JSONL/CSV/Parquet read through --field question=COL --field answer=COL ...", None
        ),
    }
)

FIXTURES: Final[Mapping[str, Fixture]] = MappingProxyType(
    {
        "gsm8k": Fixture(
            "gsm8k", "gsm8k_test.jsonl", "gsm8k", "gsm8k_test", "grade-school math word problems"
        ),
        "gsm8k-train": Fixture(
            "gsm8k-train", "gsm8k_train.jsonl", "gsm8k", "gsm8k_train", "few-shot examples for gsm8k"
        ),
        "mmlu": Fixture("mmlu", "mmlu_*_test.csv", "mmlu", "mmlu_test", "multiple choice, several subjects"),
        "mmlu-dev": Fixture("mmlu-dev", "mmlu_*_dev.csv", "mmlu", "mmlu_dev", "few-shot examples for mmlu"),
        "arc": Fixture(
            "arc", "arc_challenge.jsonl", "arc", "arc_challenge", "grade-school science questions"
        ),
        "hellaswag": Fixture(
            "hellaswag", "hellaswag.jsonl", "hellaswag", "hellaswag", "pick the likely ending"
        ),
        "humaneval": Fixture("humaneval", "humaneval.jsonl", "humaneval", "humaneval", "write a function"),
        "mbpp": Fixture("mbpp", "mbpp.jsonl", "mbpp", "mbpp", "write a function that passes tests"),
    }
)
FIXTURE_ALIASES: Final[Mapping[str, str]] = MappingProxyType({"arc-challenge": "arc"})
DEFAULT_FIXTURES: Final[tuple[str, ...]] = ("gsm8k", "mmlu", "arc", "hellaswag")

HUB_BENCHMARKS: Final[Mapping[str, HubBenchmark]] = MappingProxyType(
    {
        "gsm8k": HubBenchmark(
            "gsm8k",
            "openai/gsm8k",
            "main",
            "test",
            "gsm8k",
            "test.jsonl from github.com/openai/grade-school-math",
        ),
        "mmlu": HubBenchmark(
            "mmlu",
            "cais/mmlu",
            "all",
            "test",
            "mmlu-hf",
            "the data/test/*.csv files of the MMLU release (a directory works)",
        ),
        "arc-challenge": HubBenchmark(
            "arc-challenge",
            "allenai/ai2_arc",
            "ARC-Challenge",
            "test",
            "arc",
            "ARC-Challenge-Test.jsonl of the ARC release",
        ),
        "hellaswag": HubBenchmark(
            "hellaswag",
            "Rowan/hellaswag",
            None,
            "validation",
            "hellaswag",
            "hellaswag_val.jsonl of the HellaSwag release",
        ),
    }
)


def format_names() -> str:
    return ", ".join(FORMATS)


def get_format(name: str) -> BenchmarkFormat:
    """Raises: ValueError listing the valid names."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; valid formats: {format_names()}")
    return FORMATS[name]


def fixture_paths(fixture: Fixture) -> list[Path]:
    """The files of a fixture in a stable (sorted) order."""
    return sorted(FIXTURES_DIR.glob(fixture.pattern))
