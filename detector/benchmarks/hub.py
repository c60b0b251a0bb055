"""Named benchmarks from the Hugging Face hub through `datasets` (optional extra `hub`)."""

from __future__ import annotations

from detector.benchmarks.records import Record
from detector.benchmarks.registry import HUB_BENCHMARKS
from detector.types import BenchmarkFormatError


def _parse_spec(spec: str) -> tuple[str, str | None, str, str | None, str]:
    """`gsm8k` or `owner/name[:config][@split]` -> (dataset, config, split, format, offline hint)."""
    if spec in HUB_BENCHMARKS:
        known = HUB_BENCHMARKS[spec]
        return known.dataset, known.config, known.split, known.format, known.offline_hint
    if "/" not in spec:
        raise ValueError(
            f"unknown hub benchmark {spec!r}; named: {', '.join(HUB_BENCHMARKS)} or owner/dataset"
        )
    rest, _, split = spec.partition("@")
    dataset, _, config = rest.partition(":")
    return dataset, config or None, split or "test", None, f"a JSONL/CSV/Parquet export of {dataset}"


def load_hub_benchmark(spec: str, format: str | None) -> tuple[str, str | None, list[Record], str]:
    """Rows of a hub dataset as records: (benchmark name, format, records, shown path).

    Raises: BenchmarkFormatError that names the offline alternative when `datasets` is missing
    or the hub cannot be reached.
    """
    dataset, config, split, known_format, hint = _parse_spec(spec)
    shown = f"hub:{spec}"
    offline = f"offline: download {hint} and pass its path (detect benchmarks show PATH)"
    try:
        import datasets
    except ImportError as exc:
        raise BenchmarkFormatError(
            shown,
            None,
            None,
            f"the `datasets` library is not installed (pip install 'detect-overfit[hub]'); {offline}",
        ) from exc
    try:
        rows = datasets.load_dataset(dataset, config, split=split)
    except Exception as exc:  # noqa: BLE001 - datasets raises many kinds for network/hub failures
        raise BenchmarkFormatError(
            shown, None, None, f"cannot load {dataset} from the hub ({type(exc).__name__}: {exc}); {offline}"
        ) from exc
    records = [Record(shown, number, dict(row)) for number, row in enumerate(rows, start=1)]
    if not records:
        raise BenchmarkFormatError(shown, None, None, "the dataset split is empty: no items")
    name = spec.split("/")[-1].split(":")[0].split("@")[0].replace("-", "_")
    return name, format or known_format, records, shown
