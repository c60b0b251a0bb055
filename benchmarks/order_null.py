"""The order tests' level on clean lab twins: are their p-values uniform over seeds?

Oren et al.'s guarantee: when the published order is a random permutation that the model never
saw, the dataset-order p-value is uniform on (0, 1); the same for each item's option order. A
clean twin never saw the benchmark, so every seeded shuffle of the file (and of each item's
options, the gold label following its option) is a fresh draw from that null. For every clean
twin found under the given folders (`*/clean` with a `config.json`, as `detect lab build` and
`detect lab sweep` write them) and every shuffle seed, this prints both permutation p-values
and, at the end, the share at or below 0.01 and 0.05, the mean, and a Kolmogorov-Smirnov test
against the uniform distribution.

    python benchmarks/order_null.py --twins SWEEP/builds --benchmark ../shared/data/gsm8k/test.jsonl \
        --mc-benchmark ../shared/data/mmlu --limit 100 --orders 10 --max-twins 6
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from scipy import stats

from detector.benchmarks import load_benchmark
from detector.membership.order import dataset_order_scores, option_order_scores, with_option_order
from detector.models import Runner, load_model
from detector.stats.order import exchangeability_test
from detector.types import BenchmarkItem, stable_seed


def shuffled(items: list[BenchmarkItem], seed: int, limit: int) -> list[BenchmarkItem]:
    """A seeded sample of `limit` items in a seeded order: a random published order."""
    rng = random.Random(stable_seed(seed, "order-null", "sample"))
    return rng.sample(items, min(limit, len(items)))


def shuffled_options(items: list[BenchmarkItem], seed: int) -> list[BenchmarkItem]:
    """Each item's options in a seeded random order (the gold label follows its option)."""
    out = []
    for item in items:
        order = list(range(len(item.choices)))
        random.Random(stable_seed(seed, "order-null", "options", item.item_id)).shuffle(order)
        out.append(with_option_order(item, order))
    return out


def summary(name: str, values: list[float]) -> dict[str, float | int]:
    """Share at or below 0.01 and 0.05, mean, and the KS test against uniform(0, 1)."""
    ks = stats.kstest(values, "uniform")
    row = {
        "n": len(values),
        "le_0.01": sum(v <= 0.01 for v in values) / len(values),
        "le_0.05": sum(v <= 0.05 for v in values) / len(values),
        "mean": sum(values) / len(values),
        "ks_statistic": float(ks.statistic),
        "ks_p": float(ks.pvalue),
    }
    shown = (f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())
    print(f"{name}: " + ", ".join(shown))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--twins", type=Path, nargs="+", required=True, help="folders holding */clean twins")
    parser.add_argument("--benchmark", default="gsm8k", help="benchmark of the dataset-order test")
    parser.add_argument("--mc-benchmark", default="mmlu", help="multiple-choice benchmark (option order)")
    parser.add_argument("--limit", type=int, default=100, help="items per shuffled file")
    parser.add_argument("--orders", type=int, default=10, help="shuffle seeds per twin")
    parser.add_argument("--max-twins", type=int, default=6)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tests", default="dataset_order,option_order", help="comma-separated: which tests")
    parser.add_argument("--out", type=Path, help="write every p-value and the summary as JSON")
    args = parser.parse_args(argv)
    tests = [t for t in args.tests.split(",") if t]
    if not tests or set(tests) - {"dataset_order", "option_order"}:
        parser.error(f"--tests {args.tests}: choose from dataset_order, option_order")

    import torch

    torch.set_num_threads(args.threads)
    twins = sorted({p.parent for folder in args.twins for p in folder.glob("**/clean/config.json")})
    twins = twins[: args.max_twins]
    if not twins:
        print(f"no clean twins under {', '.join(map(str, args.twins))}", file=sys.stderr)
        return 2
    open_items = list(load_benchmark(args.benchmark).items)
    mc_items = list(load_benchmark(args.mc_benchmark).items)
    rows = []
    started = time.perf_counter()
    for twin in twins:
        runner = Runner(load_model(f"hf/{twin}"), None, concurrency=1)
        for k in range(args.orders):
            seed = stable_seed(str(twin), k) % 1_000_000
            row = {"twin": str(twin), "seed": seed}
            if "dataset_order" in tests:
                items = shuffled(open_items, seed, args.limit)
                data = dataset_order_scores(runner.logprobs, items, seed=seed)
                test = exchangeability_test(data["canonical"], data["permuted"], seed=seed)
                row["dataset_order"] = test["p_value_permutation"]
            if "option_order" in tests:
                mc = shuffled_options(shuffled(mc_items, seed + 2, args.limit), seed)
                data = option_order_scores(runner.logprobs, mc, seed=seed)
                test = exchangeability_test(data["canonical"], data["permuted"], seed=seed)
                row["option_order"] = test["p_value_permutation"]
            rows.append(row)
            print(json.dumps(row), f"({time.perf_counter() - started:.0f} s)", flush=True)
    result = {
        "twins": [str(t) for t in twins],
        "orders_per_twin": args.orders,
        "limit": args.limit,
        "summary": {name: summary(name, [r[name] for r in rows]) for name in tests},
        "rows": rows,
    }
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
