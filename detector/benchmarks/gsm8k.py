"""GSM8K: JSONL with `question` and `answer`; the answer is a worked solution ending in `#### N`."""

from __future__ import annotations

import re

from detector.benchmarks.records import Record
from detector.types import BenchmarkItem

FINAL_MARK = "####"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_final_answer(answer_text: str) -> tuple[str, str] | None:
    """Split a GSM8K answer into (solution, gold number without commas); None when malformed."""
    if FINAL_MARK not in answer_text:
        return None
    solution, _, final = answer_text.rpartition(FINAL_MARK)
    gold = final.strip().replace(",", "").removeprefix("$").rstrip(".").strip()  # "$1,234." -> "1234"
    if not NUMBER.fullmatch(gold):
        return None
    return solution.rstrip(), gold


def parse_gsm8k(record: Record, benchmark: str, index: int) -> BenchmarkItem:
    """Build an item from a GSM8K row. Raises: BenchmarkFormatError naming the bad field."""
    question = record.text("question")
    answer_text = record.text("answer")
    parsed = parse_final_answer(answer_text)
    if parsed is None:
        raise record.error("answer", "expected a worked solution ending in '#### N' with N a number")
    solution, gold = parsed
    return BenchmarkItem(
        benchmark=benchmark,
        item_id=f"{benchmark}/{index}",
        question=question.strip(),
        answer=gold,
        solution=solution,
        metadata={"kind": "math", "source_line": str(record.line)},
    )
