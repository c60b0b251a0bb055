"""Answer extraction on the real GSM8K test and MMLU files in ../shared/data, in realistic output styles.

Each item's gold is written into templates modelled on what instruction-tuned, reasoning and
base models write (boxed answers, thinking blocks, a run-on next example, options repeated
before the answer ...); the script prints, per template, the fraction scored correct (1.0 is
the target). Run from the repository root: `python benchmarks/validate_scoring.py`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from detector.benchmarks import load_benchmark
from detector.scoring.correctness import score_response

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

MATH_TEMPLATES = {
    "answer is": "{sol}\nThe answer is {n}.",
    "boxed": "{sol}\nTherefore, the final answer is $\\boxed{{{n}}}$. I hope it is correct.",
    "bold marker": "{sol}\n\n**Answer:** {n}",
    "final answer + chatter": "{sol}\nFinal Answer: {n}\n\nI hope this helps! Ask me 2 more questions.",
    "thinking block": "<think>{sol} Maybe the answer is 7?</think>\n{sol}\nSo the total is {n}.",
    "run-on example": "{sol}\nThe answer is {n}.\n\nProblem: 3 pens cost 5.\nSolution: The answer is 15.",
    "boxed text unit": "{sol}\nThe answer is \\boxed{{\\text{{{n}}}}} dollars.",
}
CHOICE_TEMPLATES = {
    "(B)": "The answer is ({g}).",
    "boxed": "The final answer is $\\boxed{{{g}}}$",
    "listing + answer is": "{listing}\n\nThe answer is {g}.",
    "choose": "I would choose {g}.",
    "X is the correct answer": "Looking at the options, {g} is the correct answer.",
    "listing + So X.": "{listing}\nSo {g}.",
    "run-on example": " {g}\n\nQuestion: Which is largest?\nA. Mars\nB. Jupiter\nAnswer: The answer is A.",
}


def thousands(number: str) -> str:
    value = float(number)
    return f"{int(value):,}" if value == int(value) else number


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no {DATA}: this script needs the shared data folder")
    gsm8k = load_benchmark(DATA / "gsm8k" / "test.jsonl").items
    for name, template in MATH_TEMPLATES.items():
        right = sum(
            bool(score_response(item, template.format(
                sol=re.sub(r"<<[^>]*>>", "", item.solution or ""), n=thousands(item.answer))).correct)
            for item in gsm8k
        )
        print(f"gsm8k {name:<24} {right}/{len(gsm8k)} = {right / len(gsm8k):.3f}")
    mmlu = load_benchmark(DATA / "mmlu").items
    for name, template in CHOICE_TEMPLATES.items():
        right = 0
        for item in mmlu:
            pairs = zip(item.labels, item.choices, strict=True)
            listing = "\n".join(f"{label}) {choice}" for label, choice in pairs)
            right += bool(score_response(item, template.format(g=item.answer, listing=listing)).correct)
        print(f"mmlu  {name:<24} {right}/{len(mmlu)} = {right / len(mmlu):.3f}")


if __name__ == "__main__":
    main()
