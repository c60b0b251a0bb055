"""The small lab sweep's wall time against its 30-minute target (issue 14).

Runs `detect lab sweep`'s grid (every form, three seeds, 40 exposures by default; tiny twins, 400
steps, 100 items per benchmark of which 25 contaminated) into a fresh folder and prints each
cell's seconds (both twins built and probed), the total and its ratio to the target. Also prints
the sweep's per-form table, so the timing and what it measured come from one run.

    python benchmarks/bench_sweep.py --threads 1 [--exposures 40] [--out DIR]
Needs ../shared/data (GSM8K test, MMLU) and the `lab` extra.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
TARGET_S = 30 * 60
FAMILIES = ("numeric", "option-shuffle", "paraphrase", "truncate")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exposures", default="40", help="comma-separated exposures")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, help="sweep folder (default: a fresh temporary one)")
    args = parser.parse_args()
    if not (DATA / "gsm8k" / "test.jsonl").is_file() or not (DATA / "mmlu").is_dir():
        sys.exit(f"needs the real GSM8K test set and MMLU subjects under {DATA}")
    import torch
    from transformers.utils import logging as transformers_logging

    from detector.sweep import SweepSpec, compact_markdown, grid_cells, run_cell, sweep_table, write_sweep

    torch.set_num_threads(args.threads)
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    spec = SweepSpec(
        benchmark=str(DATA / "gsm8k" / "test.jsonl"), mc_benchmark=str(DATA / "mmlu"),
        exposures=tuple(int(x) for x in args.exposures.split(",")),
        seeds=tuple(int(x) for x in args.seeds.split(",")), size="tiny", steps=400, limit=100,
        contaminate_fraction=0.25, families=FAMILIES, max_tokens=120,
    )  # fmt: skip
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    if (out / "runs").exists():
        sys.exit(f"{out} holds finished cells; give a fresh --out so every cell is timed")
    rows, seconds = [], []
    start = time.perf_counter()
    for form, exposures, seed in grid_cells(spec):
        began = time.perf_counter()
        rows += run_cell(spec, out, form, exposures, seed, log=lambda _: None)
        seconds.append(time.perf_counter() - began)
        print(f"{form}-x{exposures}-s{seed}: {seconds[-1]:.0f} s", flush=True)
    total = time.perf_counter() - start
    write_sweep(spec, rows, out)
    print(compact_markdown(sweep_table(rows)))
    median = statistics.median(seconds)
    print(f"cells {len(seconds)}, median {median:.0f} s a cell, total {total / 60:.1f} min; folder {out}")
    print(f"ratio to the {TARGET_S // 60}-minute target: {total / TARGET_S:.2f} (<= 1 meets it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
