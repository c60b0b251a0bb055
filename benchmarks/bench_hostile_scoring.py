"""Scoring a hostile reply: seconds per 1 MB reply against the 1 s target (issue 16), and linearity.

Each reply repeats one piece that once made scoring quadratic (`\\boxed{`, `Question:\\n`, `<think>`,
"The answer is ", ...) up to 1 MB; it is scored as a math, a multiple-choice and a cloze item, as an
answer and as a continuation. Prints the slowest case, its ratio to the target, and the time of
the same pieces at 0.25 MB and 1 MB (linear work gives a ratio near 4 or below: the scored part is
capped at MAX_SCORED_CHARS, so it is nearly flat).

    python benchmarks/bench_hostile_scoring.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.scoring import MAX_SCORED_CHARS, score_response  # noqa: E402
from detector.types import BenchmarkItem  # noqa: E402

TARGET_S = 1.0
ITEMS = (
    BenchmarkItem("b", "b/0", "q", "42", metadata={"kind": "math"}),
    BenchmarkItem("b", "b/1", "q", "B", choices=("red", "green", "blue", "pink"), labels=("A", "B", "C", "D"),
                  metadata={"kind": "multiple_choice"}),
    BenchmarkItem("b", "b/2", "q", "green apples", metadata={"kind": "cloze"}),
)  # fmt: skip
PIECES = ["\\boxed{", "Question:\n", "<think>", "The answer is ", "answer: ", "\n", "A) ", "{", "9,"]


def slowest(size: int) -> tuple[float, str]:
    """The longest CPU time (best of 3) of any piece x item x scoring at `size` characters."""
    worst, label = 0.0, ""
    for piece in PIECES:
        reply = piece * (size // len(piece))
        for item in ITEMS:
            for scoring in ("answer", "continuation"):
                best = min(_timed(item, reply, scoring) for _ in range(3))
                if best > worst:
                    worst, label = best, f"{piece!r} as {item.metadata['kind']} {scoring}"
    return worst, label


def _timed(item: BenchmarkItem, reply: str, scoring: str) -> float:
    started = time.process_time()
    score_response(item, reply, scoring)
    return time.process_time() - started


def main() -> int:
    small, _ = slowest(250_000)
    large, label = slowest(1_000_000)
    print(f"scored part capped at {MAX_SCORED_CHARS:,} characters; {len(PIECES)} pieces x 3 kinds x 2 ways")
    print(f"slowest 1 MB reply: {large * 1000:.1f} ms CPU ({label})")
    print(f"ratio to the {TARGET_S:.0f} s target: {large / TARGET_S:.3f} (below 1 meets it)")
    print(f"1 MB / 0.25 MB slowest-case time: {large / small if small else float('nan'):.2f} (4 = linear)")
    return 0 if large < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
