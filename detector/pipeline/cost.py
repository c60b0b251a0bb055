"""The dry run (`detect probe --dry-run`): what a run would ask and cost, counted without sending."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detector.benchmarks import load_sources
from detector.pipeline.inputs import check_families, make_plan
from detector.pipeline.options import ProbeOptions
from detector.pipeline.querying import open_model

CHARS_PER_TOKEN = 4  # a rough average for English prompts under common BPE tokenizers


@dataclass(frozen=True)
class DryRunRow:
    """What one benchmark x family would cost: prompts to ask and estimated tokens."""

    benchmark: str
    family: str  # "original" for the unperturbed items
    items: int
    variants: int
    requests: int
    prompt_tokens: int
    output_tokens: int  # the most: requests x --max-tokens


def dry_run(options: ProbeOptions) -> list[DryRunRow]:
    """Load, perturb and render exactly as `run_probe` would, and count; sends nothing.

    Raises: BenchmarkFormatError / ValueError for bad input, as `run_probe`.
    """
    loaded = load_sources(
        options.benchmarks, options.limit, seed=options.seed, format=options.format, fields=options.fields
    )
    check_families(options.families)
    open_model(options).close()  # the spec and its settings are checked; no request is made
    plan, _ = make_plan(options, loaded)
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in plan.rows:
        groups.setdefault((row.parent.benchmark, row.family or "original"), []).append(row)
    out = []
    for (bench, family), rows in groups.items():
        unique = set(r.prompt for r in rows)
        out.append(
            DryRunRow(
                benchmark=bench,
                family=family,
                items=len({r.parent.item_id for r in rows}),
                variants=sum(1 for r in rows if r.variant is not None),
                requests=len(unique),
                prompt_tokens=sum(len(p) for p in unique) // CHARS_PER_TOKEN,
                output_tokens=len(unique) * options.gen_params.max_tokens,
            )
        )
    return out
