"""What the `numeric` family's tests share: one probe, hand-written items and templates, number lists.

Items are written as a GSM8K solution with its `#### final` line, the way the benchmark stores them.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction

from detector.types import BenchmarkItem, Variant
from probes.numeric.probe import NumericProbe
from probes.numeric.template.build import build_template
from probes.numeric.template.template import Template

PROBE = NumericProbe()


def make_item(question: str, solution_with_final: str, item_id: str = "t/0") -> BenchmarkItem:
    """A math item from a question and a solution ending in `#### final` (commas dropped from the final)."""
    solution, final = solution_with_final.split("####")
    return BenchmarkItem(
        "t", item_id, question, final.strip().replace(",", ""), solution=solution, metadata={"kind": "math"}
    )


def make_template(question: str, solution_with_final: str) -> Template:
    """The numeric template of a question and a solution ending in `#### final`."""
    solution, final = solution_with_final.split("####")
    return build_template(question, solution, final.strip())


def numbers(text: str) -> list[Fraction]:
    """Every whole or decimal number written in `text`, in order."""
    return [Fraction(m) for m in re.findall(r"\d+(?:\.\d+)?", text)]


def perturbed(item: BenchmarkItem, n: int, seed: int) -> list[Variant]:
    """The variants of `n` draws of `PROBE` from one `random.Random(seed)`, the skipped draws left out."""
    rng = random.Random(seed)
    made = [PROBE.perturb(item, rng) for _ in range(n)]
    return [v for v in made if v is not None]
