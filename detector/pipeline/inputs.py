"""A run's inputs, checked and planned: the families, the fresh sets, the variants and prompts
(`make_plan`) and the reference runs' answers for calibration."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from detector.benchmarks import LoadedBenchmark, load_shot_pools
from detector.pipeline.options import ProbeOptions
from detector.pipeline.run_dir import jsonable
from detector.plan import ProbePlan, build_plan
from detector.stats import answer_rows, check_variant_sets
from detector.tables import frame, read_config, read_table
from detector.types import BenchmarkItem


def check_families(families: Sequence[str]) -> list[str]:
    """The families to run (all registered when none given). Raises: ValueError for unknown names."""
    from probes import check_families as check_registered

    return check_registered(families)


def make_plan(
    options: ProbeOptions,
    loaded: Sequence[LoadedBenchmark],
    shot_pools: tuple[dict[str, tuple[BenchmarkItem, ...]], dict[str, list[str] | None]] | None = None,
) -> tuple[ProbePlan, dict[str, Any]]:
    """Variants (the perturbation engine) and rendered prompts for the loaded benchmarks."""
    from detector.variants import make_variants

    families = check_families(options.families)
    items = [item for bench in loaded for item in bench.items]
    external: dict[str, Any] = {}
    if options.variants is not None:
        from detector.external_variants import external_variant_set

        variant_set, external = external_variant_set(options.variants, items, options.families)
        families = list(dict.fromkeys(v.family for v in variant_set.variants))
    else:
        variant_set = make_variants(
            items, families, options.per_item, options.seed, progress=options.progress
        )
    pools, shot_sources = shot_pools if shot_pools is not None else load_shot_pools(loaded, options.shots)
    plan = build_plan(
        items,
        variant_set.variants,
        variant_set_sha256=variant_set.sha256,
        shot_pools=pools,
        shots=options.shots,
        skipped=jsonable(getattr(variant_set, "skipped", {})),
    )
    return plan, {"families": families, "shots_from": shot_sources, "config": external}


def check_fresh(public: Sequence[LoadedBenchmark], fresh: Sequence[LoadedBenchmark]) -> list[str]:
    """The fresh sets' names. Raises: ValueError when a name or an item id is also a public one's."""
    names = {b.name for b in public}
    ids = {item.item_id for b in public for item in b.items}
    for bench in fresh:
        if bench.name in names:
            raise ValueError(
                f"--fresh {bench.path}: its benchmark name {bench.name!r} is also a --benchmark's; "
                "rename the file so the two sets can be told apart"
            )
        clash = next((item.item_id for item in bench.items if item.item_id in ids), None)
        if clash is not None:
            raise ValueError(f"--fresh {bench.path}: item id {clash!r} is also a public item's")
    return [b.name for b in fresh]


def reference_rows(paths: Sequence[Path], variant_set_sha256: str) -> pl.DataFrame | None:
    """Answer rows of reference runs for calibration, after checking they share the variant set.

    Raises: ValueError (CalibrationError) on a different variant set or a broken run directory.
    """
    if not paths:
        return None
    configs = [(p, read_config(p)) for p in paths]
    check_variant_sets(variant_set_sha256, [(str(p), str(c.get("variant_set_sha256"))) for p, c in configs])
    frames = []
    for path, config in configs:
        rows = answer_rows(read_table(path, "scores"))
        frames.append(
            rows.select(
                pl.lit(str(path)).alias("reference_run"),
                pl.lit(str(config.get("model"))).alias("model"),
                pl.lit(variant_set_sha256).alias("variant_set_sha256"),
                "benchmark",
                "family",
                "parent_id",
                "prompt_id",
                "original_correct",
                "correct",
            )
        )
    return frame(pl.concat(frames).to_dict(as_series=False), "references")
