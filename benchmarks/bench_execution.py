"""Sandbox throughput (not a test): executions per second at the default parallelism.

Run from the project root:  python benchmarks/bench_execution.py [--humaneval PATH] [--runs N]

Runs the reference solutions of HumanEval tasks against their tests (the bundled fixture, or the
real file with --humaneval), each as its own sandboxed run with no cache (a comment makes every
program unique), at the default parallelism and at 1; prints runs, wall seconds and executions
per second, with the machine's isolation and load. Wall time includes every other process on the
machine, so report the load with the number.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

from detector.benchmarks import load_benchmark
from detector.execution import Executor, default_parallelism, isolation
from detector.execution.programs import reference_program


def measure(programs: list[str], parallelism: int) -> tuple[float, Counter[str]]:
    executor = Executor(parallelism=parallelism)
    start = time.perf_counter()
    results = executor.run_many(programs)
    return time.perf_counter() - start, Counter(r.status for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--humaneval", default="humaneval", help="a HumanEval file (default: the bundled fixture)"
    )
    parser.add_argument("--runs", type=int, default=60, help="executions per measurement")
    args = parser.parse_args()
    items = load_benchmark(args.humaneval).items
    programs = [f"{reference_program(items[i % len(items)])}\n# run {i}\n" for i in range(args.runs)]
    load = os.getloadavg()[0]
    print(f"isolation: {isolation().description}; load average: {load:.1f}; cpus: {os.cpu_count()}")
    for parallelism in dict.fromkeys([default_parallelism(), 1]):
        seconds, statuses = measure(programs, parallelism)
        print(
            f"parallelism {parallelism}: {len(programs)} executions in {seconds:.1f} s = "
            f"{len(programs) / seconds:.1f} executions/s  ({dict(statuses)})"
        )


if __name__ == "__main__":
    main()
