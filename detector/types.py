"""Typed values that flow between the steps of a run: load -> perturb -> query -> score.

This module imports nothing of ours, so `probes/` and every step can depend on it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

ParamValue = str | int | float


def stable_seed(*parts: object) -> int:
    """Return a 64-bit seed from `parts` that is the same in every process.

    Python's `hash()` is salted per process; sha256 of the parts' text is not.
    """
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


@dataclass(frozen=True, slots=True)
class BenchmarkItem:
    """One benchmark question with its known correct answer.

    `answer` is the gold: a number as text for open math items, a label (as in
    `labels`) for multiple-choice items. `choices` is empty for open-ended items.
    """

    benchmark: str
    item_id: str
    question: str
    answer: str
    choices: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    solution: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_multiple_choice(self) -> bool:
        return bool(self.choices)

    @property
    def gold_text(self) -> str:
        """The gold answer as text: the correct choice's text, or the answer itself."""
        if self.choices and self.answer in self.labels:
            return self.choices[self.labels.index(self.answer)]
        return self.answer


@dataclass(frozen=True, slots=True)
class Variant:
    """A perturbed copy of a benchmark item, with its gold answer recomputed."""

    item: BenchmarkItem
    parent_id: str
    family: str
    family_version: str
    seed: int
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    parent_answer: str = ""
    gold_changed: bool = False
    jaccard_to_parent: float | None = None
    # How the variant is scored: "answer" (gold match) or "continuation" (similarity).
    scoring: str = "answer"

    @property
    def variant_id(self) -> str:
        return self.item.item_id


@runtime_checkable
class Probe(Protocol):
    """One perturbation family: makes a verified variant of an item, or None."""

    name: ClassVar[str]
    version: ClassVar[str]

    def applies_to(self, item: BenchmarkItem) -> bool: ...

    def perturb(self, item: BenchmarkItem, rng: random.Random) -> Variant | None: ...


@dataclass(frozen=True, slots=True)
class GenParams:
    """Generation parameters; part of the cache key."""

    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    sample_index: int = 0


@dataclass(frozen=True, slots=True)
class Generation:
    """One model output. A failed request has `error` set and `text` None."""

    text: str | None
    error: str | None = None
    finish_reason: str | None = None
    latency_s: float | None = None
    cached: bool = False


@dataclass(frozen=True, slots=True)
class TokenLogprobs:
    """Per-token log-probabilities of a continuation given a context."""

    tokens: tuple[str, ...]
    logprobs: tuple[float, ...]
    # Mean and variance of log p over the vocabulary at each position (for Min-K%++),
    # where the backend can compute them; None elsewhere.
    mean_logprobs: tuple[float, ...] | None = None
    var_logprobs: tuple[float, ...] | None = None
    error: str | None = None


@runtime_checkable
class Model(Protocol):
    """A model that can be queried; `logprobs` is an optional capability."""

    name: str

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[Generation]: ...


class InputFormatError(ValueError):
    """Bad input file: the message names the file, line and field."""

    def __init__(self, path: str, line: int | None, field_name: str | None, message: str):
        self.path = path
        self.line = line
        self.field_name = field_name
        where = path if line is None else f"{path}:{line}"
        what = f" field '{field_name}':" if field_name else ""
        super().__init__(f"{where}:{what} {message}")


class BenchmarkFormatError(InputFormatError):
    """Bad benchmark input: names the file, line and field."""
