"""Check a code variant set (not a test): every kept variant's reference passes its tests.

Run from the project root:  python benchmarks/validate_code_variants.py VARIANTS.jsonl [BENCHMARK]

Re-runs, independently of the families, each variant's transformed reference solution against the
variant's tests in the sandbox (in parallel, no cache), and with BENCHMARK (the file the variants
were made from) counts the items with at least 2 verified variants.
"""

from __future__ import annotations

import sys
from collections import Counter

from detector.benchmarks import load_benchmark
from detector.execution import Executor
from detector.execution.programs import reference_program
from detector.variants import read_variants


def main() -> None:
    variants = read_variants(sys.argv[1]).variants
    results = Executor().run_many([reference_program(v.item) for v in variants])
    failed = [
        (v.variant_id, r.status, r.reason) for v, r in zip(variants, results, strict=True) if not r.passed
    ]
    print(f"{len(variants)} variants; reference passes: {len(variants) - len(failed)}; fails: {len(failed)}")
    for variant_id, status, reason in failed[:20]:
        print(f"  {variant_id}: {status} {reason}")
    print("per family:", dict(sorted(Counter(v.family for v in variants).items())))
    if len(sys.argv) > 2:
        items = load_benchmark(sys.argv[2]).items
        per_item = Counter(v.parent_id for v in variants)
        covered = sum(1 for item in items if per_item[item.item_id] >= 2)
        print(
            f"items with >= 2 verified variants: {covered} / {len(items)} ({100 * covered / len(items):.1f}%)"
        )


if __name__ == "__main__":
    main()
