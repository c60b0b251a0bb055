"""`code-truncate`: a memorization probe. The prompt plus the first lines of the reference
solution are the prompt; the rest of the solution is the expected continuation (scored by
similarity, `scoring="continuation"`). Verified like every code variant: prefix + continuation
is the reference solution, which must pass the tests in the sandbox.
"""

from __future__ import annotations

import random
from typing import ClassVar

from detector.types import BenchmarkItem, Variant
from probes.base import ProbeSkip
from probes.code.source import is_code, make_code_variant, verify

MIN_LINES = 3  # non-blank lines of the solution body: at least one before and two after the cut


class CodeTruncateProbe:
    name: ClassVar[str] = "code-truncate"
    version: ClassVar[str] = "1"

    def applies_to(self, item: BenchmarkItem) -> bool:
        return is_code(item)

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None:
        humaneval = item.metadata.get("code_format") == "humaneval"
        body = item.answer if humaneval else item.solution or ""
        lines = body.splitlines(keepends=True)
        filled = [i for i, line in enumerate(lines) if line.strip()]
        if len(filled) < MIN_LINES:
            raise ProbeSkip("too_short")
        low, high = max(1, int(len(filled) * 0.3)), max(1, int(len(filled) * 0.6))
        keep = rng.randint(low, high)
        cut = filled[keep]  # the first line of the continuation
        prefix, rest = "".join(lines[:cut]), "".join(lines[cut:])
        question = (item.question if humaneval else "") + prefix
        variant = make_code_variant(
            item, self.name, self.version, question=question, solution=question + rest,
            answer=rest, params={"prefix_lines": keep, "total_lines": len(filled)}, scoring="continuation",
        )  # fmt: skip
        return verify(variant)
