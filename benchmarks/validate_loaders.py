"""Validate the loaders on the real GSM8K and MMLU files in ../shared/data.

Checks, independently of the loaders' own parsing: GSM8K test has 1,319 items and train 7,473,
every gold equals the number after `####` on its line; each MMLU CSV loads with the row count that
Python's csv module gives. Run from the repository root: `python benchmarks/validate_loaders.py`.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from pathlib import Path

from detector.benchmarks import load_benchmark

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
EXPECTED_GSM8K = {"test": 1319, "train": 7473}
FINAL = re.compile(r"####\s*(\S+)\s*$")
ANNOTATION = re.compile(r"<<[^=<>]*=([^<>]*)>>")


def same_number(left: str, right: str) -> bool:
    """Numeric equality of two texts ("18.00" == "18"); False when either is not a number."""
    try:
        return float(left.replace(",", "")) == float(right.replace(",", ""))
    except ValueError:
        return False


def check_gsm8k(split: str) -> list[str]:
    path = DATA / "gsm8k" / f"{split}.jsonl"
    started = time.perf_counter()
    loaded = load_benchmark(path)
    seconds = time.perf_counter() - started
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = []
    if len(loaded.items) != EXPECTED_GSM8K[split] or len(lines) != EXPECTED_GSM8K[split]:
        problems.append(
            f"gsm8k {split}: {len(loaded.items)} items, {len(lines)} lines, want {EXPECTED_GSM8K[split]}"
        )
    mismatched = no_annotation = last_matches = 0
    for item, row in zip(loaded.items, lines, strict=True):
        match = FINAL.search(row["answer"])
        gold = match.group(1).replace(",", "") if match else None
        if gold != item.answer or item.question != row["question"].strip():
            mismatched += 1
        results = ANNOTATION.findall(row["answer"])
        if not results:
            no_annotation += 1
        elif gold is not None and same_number(results[-1], gold):
            last_matches += 1
    if mismatched:
        problems.append(f"gsm8k {split}: {mismatched} items whose gold differs from '#### N'")
    print(
        f"gsm8k {split}: {len(loaded.items)} items loaded in {seconds:.2f} s; gold == '#### N' on "
        f"{len(lines) - mismatched}/{len(lines)} lines; last annotation == gold on {last_matches}; "
        f"no annotations on {no_annotation}"
    )
    return problems


def check_mmlu() -> list[str]:
    problems = []
    total = 0
    for path in sorted((DATA / "mmlu").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.reader(handle) if row]
        loaded = load_benchmark(path)
        subjects = {item.metadata["subject"] for item in loaded.items}
        answers_match = all(
            item.answer == row[5].strip() for item, row in zip(loaded.items, rows, strict=False)
        )
        status = "ok" if len(loaded.items) == len(rows) and answers_match else "MISMATCH"
        print(
            f"mmlu {path.name}: loader {len(loaded.items)} rows, csv module {len(rows)} rows, "
            f"subject {','.join(subjects)}: {status}"
        )
        if status != "ok":
            problems.append(f"mmlu {path.name}: loader {len(loaded.items)} vs csv {len(rows)}")
        if path.name.endswith("_test.csv"):
            total += len(loaded.items)
    folder = load_benchmark(DATA / "mmlu")
    print(f"mmlu folder (all *_test.csv): {len(folder.items)} items; sum of subject test files {total}")
    if len(folder.items) != total:
        problems.append(f"mmlu folder: {len(folder.items)} items vs {total}")
    return problems


def main() -> int:
    if not (DATA / "gsm8k").is_dir() or not (DATA / "mmlu").is_dir():
        print(
            f"error: the real benchmark files are not at {DATA} (expected ../shared/data from the "
            "repository root); this check needs them",
            file=sys.stderr,
        )
        return 2
    problems = check_gsm8k("test") + check_gsm8k("train") + check_mmlu()
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    print("all checks passed" if not problems else f"{len(problems)} checks failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
