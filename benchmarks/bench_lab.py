"""Contamination-lab benchmark: a full twin build on GSM8K and its membership AUROCs.

Targets (issue 8): the build takes at most 10 minutes on 2 CPU cores; Min-K%++ AUROC
(contaminated vs unseen items) >= 0.95 on the contaminated twin and 0.5 +/- 0.1 on the clean
twin. Also prints the bf16-autocast speed-up over fp32 measured in the same run.

    python benchmarks/bench_lab.py --threads 2 --out /tmp/lab-gsm8k
Needs ../shared/data/gsm8k (test and train) and the `lab` extra.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "gsm8k"
# A changed-answer family (drop, stale answers), a control and the verbatim probe: every kind of
# evidence, at a fraction of the generation time of all families.
PROBE_FAMILIES = ("numeric", "entity", "truncate")


def time_steps(bf16: bool, steps: int = 4) -> float:
    """Tokens/s of the default lab model over `steps` optimiser steps (the first one not timed)."""
    import numpy as np

    from detector.lab.build import SIZES
    from detector.lab.training import make_model, train_model

    shape, settings = SIZES["small"]
    settings = replace(settings, steps=steps, warmup_steps=1, bf16=bf16)
    model = make_model(shape, eos_id=0, seed=0)
    stream = np.random.default_rng(0).integers(0, shape.vocab_size, settings.total_tokens)
    marks: list[float] = []
    train_model(model, stream, settings, lambda s, n, r: marks.append(time.perf_counter()))
    return (steps - 1) * settings.tokens_per_step / (marks[-1] - marks[0])


def main() -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--out", type=Path, default=Path(f"/tmp/bench-lab-{int(time.time())}"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--contaminate", type=int, default=200)
    parser.add_argument("--exposures", type=int, default=40)
    parser.add_argument("--steps", type=int, default=None, help="steps per twin (default: the lab's)")
    parser.add_argument("--unseen", type=int, default=200, help="unseen items scored for the AUROC")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--existing", action="store_true", help="score an existing --out build, do not build")
    parser.add_argument("--no-probe", action="store_true", help="skip the detect probe verdicts")
    args = parser.parse_args()
    if not (DATA / "test.jsonl").exists():
        print(f"skipped: {DATA} not found (real GSM8K files are needed)")
        return 0

    import torch

    torch.set_num_threads(args.threads)
    from detector.benchmarks import load_benchmark
    from detector.lab.build import SIZES, LabSpec, build_lab
    from detector.lab.manifest import read_manifest
    from detector.membership.likelihood import auroc_by_score, score_items
    from detector.models import Runner, load_model

    test = load_benchmark(DATA / "test.jsonl")
    train = load_benchmark(DATA / "train.jsonl")
    if not args.existing:
        fp32, bf16 = time_steps(False), time_steps(True)
        print(f"speed: fp32 {fp32:,.0f} tok/s, bf16 autocast {bf16:,.0f} tok/s, ratio {bf16 / fp32:.2f}x")
        shape, settings = SIZES["small"]
        if args.steps:
            settings = replace(settings, steps=args.steps)
        spec = LabSpec(contaminate=args.contaminate, exposures=args.exposures, seed=args.seed, shape=shape,
                       settings=settings)
        start = time.perf_counter()
        def progress(twin: str, step: int, steps: int, rate: float) -> None:
            if step % 100 == 0 or step == steps:
                print(f"  {twin} {step}/{steps} {rate:,.0f} tokens/s", flush=True)

        build_lab(test.items, train.items, args.out, spec, benchmark_name=test.name,
                  benchmark_path=str(DATA / "test.jsonl"), background_source=str(DATA / "train.jsonl"),
                  progress=progress)
        build_s = time.perf_counter() - start
        print(f"build: {build_s:.0f} s, {args.threads} threads (target <= 600 s: ratio {build_s / 600:.2f})")
    manifest = read_manifest(args.out)
    labels = manifest.labels()
    shuffled = sorted(manifest.unseen_ids, key=lambda i: random.Random(f"{args.seed}:{i}").random())
    unseen = shuffled[: args.unseen]
    wanted = set(manifest.contaminated_ids) | set(unseen)
    items = [item for item in test.items if item.item_id in wanted]
    summary: dict[str, object] = {"build": json.loads((args.out / "lab.json").read_text())["wall_time_s"]}
    for twin in ("contaminated", "clean"):
        start = time.perf_counter()
        runner = Runner(load_model(f"hf/{args.out / twin}", batch_size=16), None, concurrency=1)
        scores = score_items(runner.logprobs, items)
        runner.close()
        summary[twin] = {name: None if v is None else round(v, 3)
                         for name, v in auroc_by_score(scores, labels).items()}
        took = time.perf_counter() - start
        print(f"{twin}: AUROC {summary[twin]} ({len(items)} items scored in {took:.0f} s)")
    aurocs = summary["contaminated"], summary["clean"]
    assert isinstance(aurocs[0], dict) and isinstance(aurocs[1], dict)
    plus_c, plus_u = aurocs[0]["min_k_plus_plus"], aurocs[1]["min_k_plus_plus"]
    print(f"target Min-K%++ AUROC contaminated >= 0.95: {plus_c} {'PASS' if plus_c >= 0.95 else 'FAIL'}")
    print(f"target Min-K%++ AUROC clean in [0.4, 0.6]: {plus_u} {'PASS' if 0.4 <= plus_u <= 0.6 else 'FAIL'}")
    if not args.no_probe:
        summary["probe"] = probe_twins(args.out, manifest.contaminated_ids)
    print(json.dumps(summary))
    return 0


def probe_twins(out: Path, contaminated_ids: tuple[str, ...]) -> dict[str, object]:
    """`detect probe` (the library call, PROBE_FAMILIES) of each twin on the contaminated items only."""
    from detector.pipeline import ProbeOptions, run_probe

    wanted = {int(i.rsplit("/", 1)[1]) for i in contaminated_ids}
    subset = out.parent / f"{out.name}-probe" / "gsm8k_contaminated_test.jsonl"
    subset.parent.mkdir(parents=True, exist_ok=True)
    lines = (DATA / "test.jsonl").read_text(encoding="utf-8").splitlines()
    subset.write_text("".join(f"{line}\n" for k, line in enumerate(lines) if k in wanted), encoding="utf-8")
    verdicts: dict[str, object] = {}
    for twin in ("contaminated", "clean"):
        start = time.perf_counter()
        result = run_probe(ProbeOptions(model=f"hf/{out / twin}", benchmarks=(str(subset),), use_cache=False,
                                        families=PROBE_FAMILIES, out=subset.parent / twin))
        report = result.report
        overall = report["overall"]
        verdicts[twin] = {"verdict": report["verdict"], "evidence": report["evidence"],
                          "acc_original": overall["acc_original"], "acc_variant": overall["acc_variant"],
                          "stale": report["signals"]["stale_answer_rate"],
                          "membership": report["signals"]["membership"]}
        print(f"probe {twin}: {report['verdict']} acc {overall['acc_original']} -> {overall['acc_variant']} "
              f"({result.n_requests} requests, {time.perf_counter() - start:.0f} s)", flush=True)
        for line in report["evidence"]:
            print(f"  {line}")
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
