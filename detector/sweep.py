"""`detect lab sweep`: twins over a grid (form x exposures x seed), each probed with every test.

For each cell the lab builds a contaminated and a clean twin (`detector.lab.build_lab`), and
`detect probe` audits each twin on the whole benchmark (`run_probe`). The fresh-set test is
then taken as `--fresh` would take it: the lab's unseen items (ground truth in lab.json) are
the fresh set, the contaminated ones the public set; families, variants and seed are the
run's own (`analyze_with_fresh`). Every test's outcome is recorded per twin; `sweep_table`
gives detection rates per form and exposure on contaminated twins and false flags on clean
twins, and `write_sweep` writes sweep.json, sweep.md and a chart (sweep.svg, sweep.html).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from detector.pipeline import ProbeOptions, run_probe
from detector.stats.analysis import analyze_scores, answer_rows
from detector.stats.attribution import ORDER_FILE
from detector.stats.fresh import fresh_analysis
from detector.stats.order import order_analysis
from detector.stats.run_analysis import ground_truth_labels
from detector.stats.verdict import ALPHA, DROP_FLOOR, FLAGGED, attribution_evidence, memorization_evidence
from detector.tables import read_config, read_table
from detector.types import GenParams, stable_seed

FRESH_SUFFIX = "-fresh"
SIGNALS = {
    "stale": "stale_answer_rate",
    "echo": "solution_echo",
    "verbatim": "verbatim_rate",
    "membership": "membership",
}
TESTS = ("drop", "did", *SIGNALS, "dataset_order", "option_order", "verdict", "verdict_with_fresh")
VERDICTS = ("likely_overfit", "suspicious", "no_evidence", "inconclusive")


@dataclass(frozen=True)
class SweepSpec:
    """The grid and the settings shared by every cell."""

    benchmark: str = "gsm8k"
    mc_benchmark: str = "mmlu"  # the multiple_choice form's benchmark
    forms: tuple[str, ...] = ("items", "multiple_choice", "answers_only", "paraphrase", "ordered")
    exposures: tuple[int, ...] = (1, 3, 10, 40)
    seeds: tuple[int, ...] = (0, 1, 2)
    size: str = "tiny"
    steps: int | None = None
    contaminate_fraction: float = 0.5
    families: tuple[str, ...] = ()
    per_item: int = 1
    max_tokens: int = 160
    n_bootstrap: int = 1000
    background_documents: int = 3000
    limit: int | None = None  # a seeded sample of this many items per benchmark, in a seeded order
    extra: Mapping[str, Any] = field(default_factory=dict)


def analyze_with_fresh(run_dir: Path) -> dict[str, Any]:
    """A lab twin's run analysed as with `--fresh` its unseen items: the items the twin did not
    train on are moved to a benchmark of their own and compared with the trained-on ones."""
    config = read_config(run_dir)
    labels = ground_truth_labels(run_dir) or {}
    unseen = [item for item, label in labels.items() if label == 0]
    seed, n_boot = int(config.get("seed", 0)), int(config.get("n_bootstrap", 1000))

    def relabel(frame: pl.DataFrame, id_column: str) -> pl.DataFrame:
        return frame.with_columns(
            pl.when(pl.col(id_column).is_in(unseen))
            .then(pl.col("benchmark") + FRESH_SUFFIX)
            .otherwise(pl.col("benchmark"))
            .alias("benchmark")
        )

    scores = relabel(read_table(run_dir, "scores"), "parent_id")
    items = relabel(read_table(run_dir, "items"), "item_id")
    fresh_names = sorted({b for b in items["benchmark"].to_list() if b.endswith(FRESH_SUFFIX)})
    fresh = fresh_analysis(answer_rows(scores), items, fresh_names, seed=seed, n_boot=n_boot)
    order_path = run_dir / ORDER_FILE
    order = order_analysis(json.loads(order_path.read_text()), seed=seed) if order_path.is_file() else None
    membership = None
    if (run_dir / "membership.parquet").exists():
        from detector.membership.table import membership_from_table

        membership = membership_from_table(
            read_table(run_dir, "membership"), seed=seed, n_boot=n_boot, labels=labels or None
        )
    return analyze_scores(
        scores, seed=seed, n_boot=n_boot, membership=membership, attribution={"fresh": fresh, "order": order}
    )


def significant_drop(families: Sequence[Mapping[str, Any]]) -> bool:
    """Whether some family's drop is significant (q <= ALPHA, >= DROP_FLOOR points, interval above
    zero): robustness, never evidence on its own; the sweep shows how often it fires on clean twins."""
    return any(
        (fam.get("q_value") is not None and fam["q_value"] <= ALPHA)
        and (fam.get("drop") or 0.0) >= DROP_FLOOR and (fam.get("ci_low") or 0.0) > 0
        for fam in families
    )


def test_outcomes(plain: Mapping[str, Any], with_fresh: Mapping[str, Any]) -> dict[str, Any]:
    """Each test's outcome on one twin: True (detected), False, or None (not applicable).

    `plain` is the run's own analysis (no fresh set), `with_fresh` `analyze_with_fresh`'s.
    Signals and order tests count at the verdict's level (q or p <= ALPHA) with its floors.
    """
    signals = plain.get("signals") or {}
    out: dict[str, Any] = {"drop": significant_drop(plain.get("families") or [])}
    attribution = with_fresh.get("attribution") or {}
    fresh = attribution.get("fresh")
    out["did"] = bool(attribution_evidence({"fresh": fresh})[0]) if fresh else None
    for short, name in SIGNALS.items():
        block = signals.get(name)
        out[short] = None if block is None else bool(memorization_evidence({name: block})[0])
    order = attribution.get("order") or {}
    for kind in ("dataset_order", "option_order"):
        tests = order.get(kind) or []
        out[kind] = any((t.get("p_value") or 1.0) <= ALPHA for t in tests) if tests else None
        out[f"{kind}_p"] = [t.get("p_value") for t in tests]
    out["verdict"] = plain.get("verdict") in FLAGGED
    out["verdict_with_fresh"] = with_fresh.get("verdict") in FLAGGED
    out["verdict_name"], out["verdict_with_fresh_name"] = plain.get("verdict"), with_fresh.get("verdict")
    fresh_pooled = (fresh or {}).get("pooled") or {}
    out["did_points"] = (fresh_pooled.get("did") or {}).get("estimate")
    out["acc_public"], out["acc_fresh"] = fresh_pooled.get("acc_public"), fresh_pooled.get("acc_fresh")
    membership = signals.get("membership") or {}
    out["membership_estimate"] = membership.get("estimate")
    return out


def _cell_name(form: str, exposures: int, seed: int) -> str:
    return f"{form}-x{exposures}-s{seed}"


def cell_benchmark(spec: SweepSpec, out: Path, source: str, seed: int) -> str:
    """The benchmark a cell builds and probes on: `source` itself, or with `spec.limit` a seeded
    sample of that many items in a seeded random order, written once per source and seed under
    `out/benchmarks/` (JSONL the loaders read back as the same items).

    Each seed then publishes its own random order, the null the dataset-order test assumes, so
    the clean twins' order p-values over seeds check its level.
    """
    import random

    from detector.atomic_files import write_text_atomic
    from detector.benchmarks import load_benchmark
    from detector.lab.item_files import item_record

    if spec.limit is None:
        return source
    loaded = load_benchmark(source)
    path = out / "benchmarks" / f"{loaded.name}-n{spec.limit}-s{seed}.jsonl"
    if not path.is_file():
        items = list(loaded.items)
        if spec.limit < len(items):
            items = random.Random(stable_seed(seed, "sweep-sample", loaded.name)).sample(items, spec.limit)
        else:
            random.Random(stable_seed(seed, "sweep-order", loaded.name)).shuffle(items)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = (json.dumps(item_record(item), ensure_ascii=False) for item in items)
        write_text_atomic(path, "".join(f"{line}\n" for line in lines))
    return str(path)


def run_cell(
    spec: SweepSpec, out: Path, form: str, exposures: int, seed: int, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Build one cell's twins (kept when already built), probe both, return one row per twin."""
    from detector.benchmarks import load_benchmark
    from detector.lab import SIZES, LabSpec, build_lab
    from detector.lab.background import generate_background

    name = _cell_name(form, exposures, seed)
    build = out / "builds" / name
    published = spec.mc_benchmark if form == "multiple_choice" else spec.benchmark
    source = cell_benchmark(spec, out, published, seed)
    loaded = load_benchmark(source)
    if not (build / "lab.json").is_file():
        shape, settings = SIZES[spec.size]
        if spec.steps is not None:
            settings = replace(settings, steps=spec.steps)
        n = max(1, min(len(loaded.items) - 1, round(spec.contaminate_fraction * len(loaded.items))))
        lab = LabSpec(
            contaminate=n, exposures=exposures, seed=seed, shape=shape, settings=settings, form=form
        )
        background = generate_background(spec.background_documents, seed)
        log(f"{name}: building twins ({settings.steps} steps)")
        build_lab(
            loaded.items,
            background,
            build,
            lab,
            benchmark_name=loaded.name,
            benchmark_path=loaded.path,
            background_source=f"generated:{spec.background_documents}",
        )
    rows = []
    for twin in ("contaminated", "clean"):
        run_dir = out / "runs" / f"{name}-{twin}"
        if not (run_dir / "report.json").is_file():
            log(f"{name}: probing the {twin} twin")
            options = ProbeOptions(
                model=f"hf/{build / twin}", benchmarks=(source,), families=spec.families,
                per_item=spec.per_item, seed=seed, out=run_dir, concurrency=1, use_cache=False,
                n_bootstrap=spec.n_bootstrap,
                gen_params=GenParams(max_tokens=spec.max_tokens, temperature=0.0),
            )  # fmt: skip
            run_probe(options)
        plain = json.loads((run_dir / "report.json").read_text())
        outcomes = test_outcomes(plain, analyze_with_fresh(run_dir))
        rows.append({"form": form, "exposures": exposures, "seed": seed, "twin": twin, **outcomes})
    return rows


def cell_finished(out: Path, form: str, exposures: int, seed: int) -> bool:
    """Whether both twins of a cell were built and probed already."""
    name = _cell_name(form, exposures, seed)
    runs = out / "runs"
    return all((runs / f"{name}-{twin}" / "report.json").is_file() for twin in ("contaminated", "clean"))


def run_sweep(
    spec: SweepSpec, out: Path, log: Callable[[str], None] = lambda _: None, *, only_finished: bool = False
) -> list[dict[str, Any]]:
    """Every cell of the grid (resumable: finished builds and runs are kept); writes the results.

    `only_finished`: tabulate the cells already built and probed, build and probe nothing.
    """
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for form, exposures, seed in grid_cells(spec):
        if only_finished and not cell_finished(out, form, exposures, seed):
            continue
        rows += run_cell(spec, out, form, exposures, seed, log)
        write_sweep(spec, rows, out)
    return rows


def grid_cells(spec: SweepSpec) -> list[tuple[str, int, int]]:
    """(form, exposures, seed) of every cell, in the order the sweep runs them: seed by seed."""
    return [(form, x, seed) for seed in spec.seeds for x in spec.exposures for form in spec.forms]


def _rate(values: Sequence[Any]) -> tuple[int, int]:
    known = [v for v in values if v is not None]
    return sum(1 for v in known if v), len(known)


def sweep_table(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Detection rates (contaminated twins) per form x exposures and test; false flags (clean twins)."""
    detection: list[dict[str, Any]] = []
    cells = sorted({(r["form"], r["exposures"]) for r in rows}, key=lambda c: (c[0], c[1]))
    for form, exposures in cells:
        group = [
            r
            for r in rows
            if r["form"] == form and r["exposures"] == exposures and r["twin"] == "contaminated"
        ]
        detection.append(
            {
                "form": form,
                "exposures": exposures,
                "n": len(group),
                **{t: _rate([r.get(t) for r in group]) for t in TESTS},
                "verdicts": verdict_counts(group),
            }
        )
    clean = [r for r in rows if r["twin"] == "clean"]
    clean_verdicts = verdict_counts(clean)
    false_flags = {t: _rate([r.get(t) for r in clean]) for t in TESTS}
    clean_p = {
        kind: [p for r in clean for p in r.get(f"{kind}_p") or []]
        for kind in ("dataset_order", "option_order")
    }
    return {
        "detection": detection,
        "false_flags": false_flags,
        "n_clean": len(clean),
        "clean_verdicts": clean_verdicts,
        "clean_order_p": clean_p,
        "clean_order_level": {kind: null_level(values) for kind, values in clean_p.items()},
    }


def verdict_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many of `rows` got each verdict (the run's own, without a fresh set)."""
    return {name: sum(1 for r in rows if r.get("verdict_name") == name) for name in VERDICTS}


def _counts(counts: Mapping[str, int]) -> str:
    return "/".join(str(counts.get(name, 0)) for name in VERDICTS)


def null_level(p_values: Sequence[float | None]) -> dict[str, Any] | None:
    """How clean twins' p-values sit against the uniform law a valid test gives them: the share at
    or below 0.01 and 0.05, the mean (0.5 when uniform) and a Kolmogorov-Smirnov test."""
    from scipy.stats import kstest

    values = [float(p) for p in p_values if p is not None]
    if not values:
        return None
    return {
        "n": len(values),
        "at_most_0.01": sum(v <= 0.01 for v in values) / len(values),
        "at_most_0.05": sum(v <= 0.05 for v in values) / len(values),
        "mean": sum(values) / len(values),
        "ks_p": float(kstest(values, "uniform").pvalue),
    }


def _fmt(rate: Sequence[int]) -> str:
    hits, n = rate
    return "—" if n == 0 else f"{hits}/{n}"


def sweep_markdown(spec: SweepSpec, table: Mapping[str, Any]) -> str:
    """The table as Markdown: detections / twins per cell and test, then false flags."""
    head = ["form", "exposures", *TESTS, "L/S/N/I"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table["detection"]:
        cells = [row["form"], str(row["exposures"]), *(_fmt(row[t]) for t in TESTS), _counts(row["verdicts"])]
        lines.append("| " + " | ".join(cells) + " |")
    flags = [_fmt(table["false_flags"][t]) for t in TESTS]
    clean_counts = _counts(table["clean_verdicts"])
    lines.append("| **clean twins (false flags)** | all | " + " | ".join(flags) + f" | {clean_counts} |")
    lines.append(
        "\nL/S/N/I: the runs' verdicts without a fresh set: likely_overfit / suspicious / no_evidence / "
        "inconclusive."
    )
    for kind, level in (table.get("clean_order_level") or {}).items():
        if level:
            lines.append(
                f"\nClean twins' {kind.replace('_', '-')} p-values: {level['n']}, "
                f"{level['at_most_0.01']:.0%} at or below 0.01, {level['at_most_0.05']:.0%} at or below "
                f"0.05, mean {level['mean']:.2f}, uniform by Kolmogorov-Smirnov p = {level['ks_p']:.2f}."
            )
    grid = (
        f"forms {', '.join(spec.forms)}; exposures {', '.join(map(str, spec.exposures))}; seeds "
        f"{', '.join(map(str, spec.seeds))}; size {spec.size}, steps {spec.steps or 'preset'}"
    )
    return f"Grid: {grid}.\n\n" + "\n".join(lines) + "\n"


def compact_markdown(table: Mapping[str, Any], tests: Sequence[str] = TESTS) -> str:
    """One row per form: each test's detections at every exposure, lowest first ("0 · 1 · 3 · 3"),
    as counts when every cell holds the same number of twins, else as detections/twins."""
    detection = table["detection"]
    exposures = sorted({r["exposures"] for r in detection})
    sizes = {r["n"] for r in detection}
    same = len(sizes) == 1
    lines = ["| form | " + " | ".join(tests) + " |", "|" + "---|" * (len(tests) + 1)]
    for form in sorted({r["form"] for r in detection}):
        cells = []
        for test in tests:
            parts = []
            for e in exposures:
                row = next((r for r in detection if r["form"] == form and r["exposures"] == e), None)
                rate = row[test] if row else (0, 0)
                parts.append("—" if rate[1] == 0 else (str(rate[0]) if same else _fmt(rate)))
            cells.append("—" if set(parts) == {"—"} else " · ".join(parts))
        lines.append(f"| {form} | " + " | ".join(cells) + " |")
    clean = [_fmt(table["false_flags"][t]) for t in tests]
    lines.append("| **clean twins flagged** | " + " | ".join(clean) + " |")
    twins = f"of {sizes.pop()} contaminated twins each" if same else "detections/twins"
    caption = (
        f"Exposures {', '.join(map(str, exposures))} from left to right ({twins}); "
        "last row: all clean twins."
    )
    return caption + "\n\n" + "\n".join(lines) + "\n"


def sweep_svg(table: Mapping[str, Any], tests: Sequence[str] = TESTS) -> str:
    """Small multiples: per test, detection rate against exposures (one line per form), and the
    clean twins' false-flag rate as a dashed line."""
    forms = sorted({r["form"] for r in table["detection"]})
    exposures = sorted({r["exposures"] for r in table["detection"]})
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    w, h, pad, cols = 200, 150, 30, 4
    rows_n = (len(tests) + cols - 1) // cols
    width, height = cols * (w + pad) + pad, rows_n * (h + 2 * pad) + 40 + 18 * len(forms)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="11">'
    ]

    def x_at(i: int, ox: float) -> float:
        return ox + (i * w / max(1, len(exposures) - 1) if len(exposures) > 1 else w / 2)

    for k, test in enumerate(tests):
        ox, oy = pad + (k % cols) * (w + pad), pad + (k // cols) * (h + 2 * pad)
        parts.append(f'<text x="{ox}" y="{oy - 8}" font-weight="bold">{html.escape(test)}</text>')
        parts.append(f'<rect x="{ox}" y="{oy}" width="{w}" height="{h}" fill="none" stroke="#999"/>')
        for i, e in enumerate(exposures):
            parts.append(f'<text x="{x_at(i, ox):.1f}" y="{oy + h + 14}" text-anchor="middle">{e}</text>')
        hits, n = table["false_flags"][test]
        if n:
            y = oy + h - h * hits / n
            parts.append(
                f'<line x1="{ox}" x2="{ox + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#000" '
                'stroke-dasharray="4 3"/>'
            )
        for f, form in enumerate(forms):
            points = []
            for i, e in enumerate(exposures):
                cell = next(
                    (r for r in table["detection"] if r["form"] == form and r["exposures"] == e), None
                )
                if cell and cell[test][1]:
                    points.append(f"{x_at(i, ox):.1f},{oy + h - h * cell[test][0] / cell[test][1]:.1f}")
            if points:
                colour = colours[f % len(colours)]
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
    ly = rows_n * (h + 2 * pad) + 20
    parts.append(
        f'<text x="{pad}" y="{ly}">x: exposures; y: share of contaminated twins detected (0-1); '
        "dashed: share of clean twins flagged</text>"
    )
    for f, form in enumerate(forms):
        y = ly + 18 * (f + 1)
        parts.append(
            f'<line x1="{pad}" x2="{pad + 20}" y1="{y - 4}" y2="{y - 4}" '
            f'stroke="{colours[f % len(colours)]}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{pad + 26}" y="{y}">{html.escape(form)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_sweep(spec: SweepSpec, rows: Sequence[Mapping[str, Any]], out: Path) -> dict[str, Any]:
    """sweep.json (spec, rows, table), sweep.md, sweep.svg and sweep.html in `out`."""
    from detector.atomic_files import write_text_atomic

    table = sweep_table(rows)
    data = {"spec": asdict(spec), "rows": list(rows), "table": table}
    write_text_atomic(out / "sweep.json", json.dumps(data, indent=1, default=str) + "\n")
    markdown = sweep_markdown(spec, table) + "\n## Per form\n\n" + compact_markdown(table)
    write_text_atomic(out / "sweep.md", markdown)
    svg = sweep_svg(table)
    write_text_atomic(out / "sweep.svg", svg)
    page = (
        f"<!doctype html><meta charset='utf-8'><title>detect lab sweep</title><h1>detect lab sweep</h1>"
        f"{svg}<pre>{html.escape(markdown)}</pre>"
    )
    write_text_atomic(out / "sweep.html", page)
    return data
