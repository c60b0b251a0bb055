"""A long fuzz campaign over loaders, the corpus reader, scorers and report renderers.

Each case mutates a real input (bundled fixture lines, a corpus file, a model reply, a real
report) with hostile pieces (deep nesting, huge numbers, NaN, lone surrogates, escape
sequences, stray quotes, cut files, random bytes) and checks the promise of docs/guarantees.md:
a result or the documented error, never another exception, a hang (a time limit per case) or a
file written outside the case folder. Seeded: the same --seed gives the same cases.

Run from the repository root:
    nice -n 10 python benchmarks/fuzz_campaign.py --cases 100000 --seed 0
It prints progress lines, then cases tried and failures found per target; each failing input is
saved under OUT/failures/. Exit 1 when any case failed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import io
import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from detector.benchmarks import FIXTURES_DIR, load_benchmark
from detector.overlap.corpus import CorpusFormatError, read_documents
from detector.report.html import render_html
from detector.report.leaderboard import build_leaderboard, write_leaderboard_csv
from detector.report.leaderboard_pages import render_leaderboard_html, render_leaderboard_markdown
from detector.report.markdown import render_markdown
from detector.report.summary import print_summary
from detector.scoring import score_response
from detector.types import BenchmarkFormatError

TARGETS = {"loaders": 0.40, "corpus": 0.15, "scorers": 0.33, "renderers": 0.12}
TIME_LIMIT_S = {"loaders": 5.0, "corpus": 5.0, "scorers": 1.0, "renderers": 5.0}
FORMATS = [None, "gsm8k", "mmlu", "mmlu-hf", "arc", "hellaswag"]
ESCAPES = ("\x1b", "\x9b", "\x9d", "\x90", "\x9c")
HOSTILE = [
    "[" * 5000, "{" * 3000, '{"a":' * 2000, "9" * 5000, "NaN", "Infinity", "-Infinity", "1e400", "\\ud800",
    "\\udfff", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://evil\x1b\\", "\x1bP+q\x1b\\", "\x9b2J", "\x00",
    "\r", '"', "'", ",", "\t", "\n", "\ufeff", "#### ", "#### 12", "<<1+1=2>>", "\\boxed{", "<think>",
    "</think>", "Question:\n", "The answer is ", "=HYPERLINK(\"x\")", "+1", "@SUM", "\u202e", "\xff",
]  # fmt: skip


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class CaseTimeout(Exception):
    """A case ran past its time limit: a hang."""


def _alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def mutate(data: bytes, rng: random.Random) -> bytes:
    """`data` with one to four random edits: hostile pieces, flipped bytes, cuts, splices."""
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randint(0, len(data))
        if choice < 0.35:
            piece = rng.choice(HOSTILE).encode("utf-8", "surrogatepass")
            data = data[:position] + piece + data[position:]
        elif choice < 0.5 and data:
            index = rng.randrange(len(data))
            data = data[:index] + bytes([rng.randrange(256)]) + data[index + 1 :]
        elif choice < 0.62:
            data = data[:position]  # a cut file
        elif choice < 0.74 and data:
            start = rng.randrange(len(data))
            data = data[:position] + data[start : start + rng.randint(1, 200)] + data[position:]
        elif choice < 0.84:
            data = data[:position] + rng.randbytes(rng.randint(1, 64)) + data[position:]
        else:
            lines = data.split(b"\n")
            rng.shuffle(lines)
            data = b"\n".join(lines)
    return data


def fixture_seeds() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of the first lines of every bundled fixture file."""
    seeds = []
    for path in sorted(FIXTURES_DIR.iterdir()):
        if path.suffix in (".jsonl", ".csv"):
            head = b"\n".join(path.read_bytes().split(b"\n")[:6]) + b"\n"
            seeds.append((path.suffix, head))
    return seeds


def corpus_seeds() -> list[tuple[str, bytes]]:
    lines = "".join(
        json.dumps({"id": i, "text": f"document {i} about apples " * 5}) + "\n" for i in range(20)
    )
    plain = lines.encode()
    seeds = [
        ("c.jsonl", plain),
        ("c.txt", b"a block of text\n\nanother block\n" * 10),
        ("c.jsonl.gz", gzip.compress(plain)),
    ]
    try:
        import zstandard

        compressor = zstandard.ZstdCompressor()
        seeds.append(("c.jsonl.zst", compressor.compress(plain[:500]) + compressor.compress(plain[500:])))
    except ImportError:
        pass
    return seeds


def real_report(work: Path) -> dict[str, Any]:
    """A real report: a short offline probe of the bundled GSM8K and MMLU fixtures."""
    from detector.pipeline import ProbeOptions, run_probe

    options = ProbeOptions(
        model="control/contaminated", benchmarks=("gsm8k", "mmlu"), families=(), per_item=1, limit=6,
        seed=0, shots=0, out=work / "seed-run", references=(), concurrency=2, base_url=None,
        use_cache=False, max_failed_fraction=1.0, progress=False,
    )  # fmt: skip
    return dict(run_probe(options).report)


def mutate_structure(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """`value` with random leaves and branches replaced by hostile values or wrong types."""
    if rng.random() < 0.08 or depth > 6:
        return rng.choice(
            [None, True, -1, 1e308, float("nan"), "", rng.choice(HOSTILE), [], {}, [None], {"x": [1, "a"]},
             "x" * rng.randint(0, 3000)]
        )  # fmt: skip
    if isinstance(value, dict):
        out = {
            key: mutate_structure(item, rng, depth + 1) for key, item in value.items() if rng.random() > 0.03
        }
        if rng.random() < 0.05:
            out[rng.choice(HOSTILE)] = rng.choice(HOSTILE)
        return out
    if isinstance(value, list):
        return [mutate_structure(item, rng, depth + 1) for item in value if rng.random() > 0.03]
    if isinstance(value, str) and rng.random() < 0.15:
        return value + rng.choice(HOSTILE)
    return value


class Campaign:
    """Runs cases target by target and counts outcomes."""

    def __init__(self, seed: int, work: Path):
        self.rng = random.Random(seed)
        self.work = work
        self.case_dir = work / "case"
        self.case_dir.mkdir()
        self.failures_dir = work / "failures"
        self.outcomes: dict[str, Counter[str]] = {target: Counter() for target in TARGETS}
        self.failures: list[str] = []
        self.fixtures = fixture_seeds()
        self.corpora = corpus_seeds()
        self.items = [
            item for name in ("gsm8k", "mmlu", "arc", "hellaswag") for item in load_benchmark(name).items
        ]
        self.report = real_report(work)
        self.texts = [item.question for item in self.items] + [item.solution or "" for item in self.items]

    # -- one case per target --------------------------------------------------------------

    def loaders(self) -> str:
        suffix, data = self.rng.choice(self.fixtures)
        suffix = self.rng.choice([suffix, suffix, ".json", ".tsv", ".jsonl.gz", ""])
        data = mutate(data, self.rng)
        path = self.case_dir / f"bench{suffix}"
        path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
        self._last_input = data
        try:
            load_benchmark(path, format=self.rng.choice(FORMATS))
        except BenchmarkFormatError as error:
            if str(path) not in str(error) or "\n" in str(error).strip():
                raise AssertionError(f"error does not name the file in one line: {error}") from None
            return "documented error"
        return "result"

    def corpus(self) -> str:
        name, data = self.rng.choice(self.corpora)
        data = mutate(data, self.rng) if self.rng.random() < 0.9 else data
        path = self.case_dir / name
        path.write_bytes(data)
        self._last_input = data
        try:
            for batch in read_documents(str(path)):
                if len(batch.doc_ids) != len(batch.texts):
                    raise AssertionError("ids and texts differ in length")
        except CorpusFormatError as error:
            if str(path) not in str(error):
                raise AssertionError(f"error does not name the file: {error}") from None
            return "documented error"
        return "result"

    def scorers(self) -> str:
        pieces = [self.rng.choice(HOSTILE + self.texts) for _ in range(self.rng.randint(1, 40))]
        reply = "".join(pieces)
        if self.rng.random() < 0.002:  # now and then a megabyte of one hostile piece
            unit = self.rng.choice(HOSTILE[:5] + ["\\boxed{", "<think>", "Question:\n", "The answer is "])
            reply = unit * (1_000_000 // len(unit))
        reply = mutate(reply.encode("utf-8", "surrogatepass"), self.rng).decode("utf-8", "replace")
        self._last_input = reply.encode("utf-8", "surrogatepass")
        item = self.rng.choice(self.items)
        score = score_response(item, reply, self.rng.choice(["answer", "answer", "continuation"]))
        if score.correct not in (True, False):
            raise AssertionError(f"correct is {score.correct!r} for a reply")
        return "result"

    def renderers(self) -> str:
        report = mutate_structure(self.report, self.rng)
        self._last_input = json.dumps(report, default=str).encode("utf-8", "surrogatepass")
        if not isinstance(report, dict):  # documented: a report must be a mapping
            for render in (render_markdown, render_html):
                try:
                    render(report)
                except TypeError:
                    continue
                raise AssertionError("a report that is not a mapping was rendered")
            return "documented error"
        pages = [render_markdown(report), render_html(report)]
        groups = build_leaderboard([("run", {**report, "schema_version": 1})])
        pages += [render_leaderboard_markdown(groups), render_leaderboard_html(groups)]
        write_leaderboard_csv(groups, self.case_dir / "board.csv")
        if self.rng.random() < 0.1:
            captured = io.StringIO()
            with contextlib.redirect_stdout(captured):
                print_summary(report, self.case_dir)
            pages.append(captured.getvalue())
        for page in pages:
            if any(code in page for code in ESCAPES):
                raise AssertionError("an escape sequence reached the output")
        with open(self.case_dir / "board.csv", encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@") and not _is_number(cell):
                        raise AssertionError(f"a CSV cell starts a formula: {cell[:40]!r}")
        return "result"

    # -- the loop ------------------------------------------------------------------------

    def run_case(self, target: str, number: int) -> None:
        run: Callable[[], str] = getattr(self, target)
        self._last_input = b""
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S[target])
        try:
            outcome = run()
        except CaseTimeout:
            outcome = "failure: hang"
        except Exception as error:  # noqa: BLE001 - every other exception is what we hunt
            outcome = f"failure: {type(error).__name__}"
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            self._save_failure(target, number, detail)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if outcome == "failure: hang":
            self._save_failure(target, number, f"ran past {TIME_LIMIT_S[target]} s")
        self.outcomes[target][outcome] += 1

    def _save_failure(self, target: str, number: int, detail: str) -> None:
        self.failures_dir.mkdir(exist_ok=True)
        (self.failures_dir / f"{target}-{number}.bin").write_bytes(self._last_input)
        self.failures.append(f"{target} case {number}: {detail[:300]}")

    def check_no_stray_files(self, allowed: set[str]) -> None:
        found = {path.name for path in self.work.iterdir()}
        stray = found - allowed
        if stray:
            self.outcomes["loaders"]["failure: stray write"] += 1
            self.failures.append(f"files written outside the case folder: {sorted(stray)}")
            for name in stray:
                path = self.work / name
                if path.is_file():
                    path.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="Work folder (default: a new temporary one).")
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="detect-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    home = os.getcwd()
    os.chdir(work)  # a relative write would land here, where the stray-file check sees it
    try:
        campaign = Campaign(args.seed, work)
        allowed = {"case", "failures", "seed-run"}
        names, weights = list(TARGETS), list(TARGETS.values())
        for number in range(1, args.cases + 1):
            campaign.run_case(campaign.rng.choices(names, weights)[0], number)
            if number % 1000 == 0:
                campaign.check_no_stray_files(allowed)
            if number % 10_000 == 0 or number == args.cases:
                failed = len(campaign.failures)
                elapsed = time.perf_counter() - started
                print(
                    f"fuzz: {number:,}/{args.cases:,} cases, {failed} failures, {elapsed:.0f} s", flush=True
                )
    finally:
        os.chdir(home)
    total = sum(sum(counter.values()) for counter in campaign.outcomes.values())
    print(f"\ncases tried: {total:,} (seed {args.seed}); failures found: {len(campaign.failures)}")
    for target, counter in campaign.outcomes.items():
        parts = ", ".join(f"{outcome} {count:,}" for outcome, count in sorted(counter.items()))
        print(f"  {target:<10} {sum(counter.values()):>7,} cases: {parts}")
    for line in campaign.failures[:20]:
        print(f"  FAIL {line}")
    if campaign.failures:
        print(f"failing inputs: {campaign.failures_dir}")
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
