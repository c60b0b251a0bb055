"""Control models: simulated answerers with known behaviour, for the demo and for testing `detect`.

They are NOT language models. They answer from an `AnswerKey` that maps each rendered prompt
to a `ControlCase` (the gold answer, and for variants the parent's gold and family). The clean
control is right with one fixed probability on everything. The contaminated control has
memorized a fraction of the originals: it is nearly always right on them, and on their variants
it answers as memorizers do (the parent's old answer where the gold changed, the memorized
continuation on truncation probes). Answers are deterministic per (prompt, seed).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from detector.models.api import SingleCallBackend
from detector.types import BenchmarkItem, Generation, GenParams, Variant, stable_seed

if TYPE_CHECKING:
    from detector.plan import ProbePlan

T = TypeVar("T")
KINDS = ("math", "multiple_choice", "text", "continuation", "code")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_FILLER = (
    "the", "river", "quietly", "market", "seven", "because", "window", "under", "bright", "paper",
    "moved", "several", "garden", "across", "history", "small", "engine", "later", "stone", "ran",
)
MATH_STYLES = (
    "Let me work through this step by step. Combining the quantities, so the answer is {a}.",
    "We compute each part and add them up.\nThe answer is {a}.",
    "Step by step, the total comes out as follows.\n#### {a}",
)
CHOICE_STYLES = ("The answer is ({a}).", "Answer: {a}", "Looking at each option, the correct one is {a}.")
TEXT_STYLES = ("The answer is: {a}", "Answer: {a}")


class Draws:
    """Uniform draws from sha256(key, block): stable across processes, and much cheaper to
    start than a `random.Random` (a control model starts one per prompt)."""

    __slots__ = ("_key", "_block", "_buffer", "_pos")

    def __init__(self, key: str):
        self._key = key.encode("utf-8")
        self._block = 0
        self._buffer = hashlib.sha256(self._key).digest()
        self._pos = 0

    def random(self) -> float:
        """A float in [0, 1) with 53 random bits."""
        if self._pos == len(self._buffer):
            self._block += 1
            self._buffer = hashlib.sha256(self._key + self._block.to_bytes(8, "big")).digest()
            self._pos = 0
        value = int.from_bytes(self._buffer[self._pos : self._pos + 8], "big")
        self._pos += 8
        return (value >> 11) / 9007199254740992.0

    def choice(self, options: Sequence[T]) -> T:
        return options[int(self.random() * len(options))]


@dataclass(frozen=True, slots=True)
class ControlCase:
    """What a control model knows about one prompt.

    `gold` is the correct answer (a label, a number as text, an answer text, or for truncation
    probes the expected continuation). `parent_gold` is the original item's gold answer (the
    memorized one). `labels` is the prompt's label scheme; `alternatives` are wrong answer texts
    to pick from for text answers.
    """

    gold: str
    kind: str = "text"
    parent_id: str = ""
    is_original: bool = True
    parent_gold: str = ""
    gold_changed: bool = False
    family: str = ""
    labels: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown control case kind {self.kind!r}; valid: {', '.join(KINDS)}")


def _kind_of(item: BenchmarkItem) -> str:
    if item.metadata.get("kind") == "code":
        return "code"
    if item.choices and item.labels:
        return "multiple_choice"
    if _NUMBER.fullmatch(item.answer.replace(",", "").strip()):
        return "math"
    return "text"


def _code_stub(item: BenchmarkItem) -> str:
    """A wrong answer to a code item: its function, returning None."""
    return f"def {item.metadata.get('entry_point', 'solution')}(*args, **kwargs):\n    return None\n"


def case_for_item(item: BenchmarkItem) -> ControlCase:
    """The control case of an original benchmark item (a code item's gold is its reference)."""
    if _kind_of(item) == "code":
        reference = item.solution or ""
        return ControlCase(gold=reference, kind="code", parent_id=item.item_id, parent_gold=reference,
                           alternatives=(_code_stub(item),))
    others = tuple(c for c in item.choices if c != item.gold_text)
    return ControlCase(
        gold=item.answer,
        kind=_kind_of(item),
        parent_id=item.item_id,
        is_original=True,
        parent_gold=item.answer,
        labels=item.labels,
        alternatives=others,
    )


def case_for_variant(variant: Variant, parent: BenchmarkItem | None = None) -> ControlCase:
    """The control case of a variant; `parent` supplies wrong-answer texts for cloze items."""
    item = variant.item
    kind = "continuation" if variant.scoring == "continuation" else _kind_of(item)
    if kind == "code":  # the memorized answer is the original's reference solution
        remembered = (parent.solution or "") if parent is not None else ""
        return ControlCase(
            gold=item.solution or "", kind="code", parent_id=variant.parent_id, is_original=False,
            parent_gold=remembered, gold_changed=variant.gold_changed,
            family=variant.family, alternatives=(_code_stub(item),),
        )  # fmt: skip
    parent_gold = variant.parent_answer
    changed = variant.gold_changed or (
        bool(parent_gold) and parent_gold != item.answer and variant.family != "cloze"
    )
    choices = item.choices or (parent.choices if parent is not None else ())
    gold_text = item.gold_text if item.choices else item.answer
    return ControlCase(
        gold=item.answer,
        kind=kind,
        parent_id=variant.parent_id,
        is_original=False,
        parent_gold=parent_gold,
        gold_changed=changed,
        family=variant.family,
        labels=item.labels,
        alternatives=tuple(c for c in choices if c != gold_text),
    )


class AnswerKey:
    """Maps rendered prompts to control cases. A later registration of a prompt replaces it."""

    def __init__(self, cases: Mapping[str, ControlCase] | None = None):
        self._cases: dict[str, ControlCase] = dict(cases or {})
        self._lock = threading.Lock()

    def register(self, prompt: str, case: ControlCase) -> None:
        with self._lock:
            self._cases[prompt] = case

    def register_many(self, pairs: Iterable[tuple[str, ControlCase]]) -> None:
        with self._lock:
            self._cases.update(pairs)

    def register_plan(self, plan: ProbePlan) -> None:
        """Register the case behind every prompt of a probe plan (originals and variants)."""
        self.register_many(
            (
                row.prompt,
                case_for_item(row.item) if row.variant is None else case_for_variant(row.variant, row.parent),
            )
            for row in plan.rows
        )

    def get(self, prompt: str) -> ControlCase | None:
        return self._cases.get(prompt)

    def __contains__(self, prompt: object) -> bool:
        return prompt in self._cases

    def __len__(self) -> int:
        return len(self._cases)


class ControlModel(SingleCallBackend):
    """A simulated model: clean (`memorized_fraction=0`) or contaminated (> 0).

    `p_right`: chance of a right answer where nothing is memorized (originals and variants
    alike). `p_memorized`: chance of the right answer on a memorized original, and of the
    memorized continuation on its truncation probes. `p_stale`: chance of the parent's old
    answer on a memorized item's variant whose gold changed. `p_continuation`: chance that a
    model that memorized nothing reproduces a truncated text's exact continuation.
    `variant_drop`: how much less often a variant is answered right than an original by an
    honest but brittle model (`control/brittle:D`): a natural drop with nothing memorized.
    """

    cacheable = False
    runs_inline = True

    def __init__(
        self,
        name: str,
        answer_key: AnswerKey | None = None,
        *,
        memorized_fraction: float = 0.0,
        seed: int = 0,
        p_right: float = 0.6,
        p_memorized: float = 0.95,
        p_stale: float = 0.9,
        p_continuation: float = 0.05,
        variant_drop: float = 0.0,
    ):
        for label, value in [("variant_drop", variant_drop),
            ("memorized_fraction", memorized_fraction), ("p_right", p_right),
            ("p_memorized", p_memorized), ("p_stale", p_stale), ("p_continuation", p_continuation),
        ]:
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"control model {label} must be in [0, 1], got {value}")
        if variant_drop > p_right:
            raise ValueError(f"control model variant_drop {variant_drop} exceeds p_right {p_right}")
        if (memorized_fraction > 0) != name.startswith("control/contaminated"):
            raise ValueError(
                f"control model {name!r} with memorized_fraction={memorized_fraction}: a contaminated "
                "control memorizes a positive fraction, a clean one none (load_model sets it from the name)"
            )
        self.name = name
        self.answer_key = answer_key if answer_key is not None else AnswerKey()
        self.memorized_fraction = memorized_fraction
        self.seed = seed
        self.p_right = p_right
        self.p_memorized = p_memorized
        self.p_stale = p_stale
        self.p_continuation = p_continuation
        self.variant_drop = variant_drop
        self._memorized: dict[str, bool] = {}

    @property
    def cache_identity(self) -> tuple[str, str, str]:
        return ("control", self.name, f"seed={self.seed}")

    def learn_plan(self, plan: ProbePlan) -> None:
        """Learn the answer key of the plan's prompts (the pipeline calls this before asking)."""
        self.answer_key.register_plan(plan)

    def is_memorized(self, parent_id: str) -> bool:
        """Whether this model memorized the original item `parent_id` (a stable hash draw)."""
        if self.memorized_fraction <= 0:
            return False
        known = self._memorized.get(parent_id)
        if known is None:
            known = stable_seed("memorized", self.seed, parent_id) / 2**64 < self.memorized_fraction
            self._memorized[parent_id] = known
        return known

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        case = self.answer_key.get(prompt)
        if case is None:
            return Generation(
                text=None,
                error=f"{self.name}: no answer-key case registered for this prompt "
                "(control models answer only prompts registered in their AnswerKey)",
            )
        sample = params.sample_index if params.temperature > 0 else 0
        rng = Draws(f"{self.seed}\x1fcontrol\x1f{sample}\x1f{prompt}")
        return Generation(text=self.answer(case, rng), finish_reason="stop", latency_s=0.0)

    def answer(self, case: ControlCase, rng: Draws) -> str:
        """The reply text to `case`, drawn with `rng`."""
        memorized = self.is_memorized(case.parent_id)
        if case.kind == "continuation":
            p = self.p_memorized if memorized else self.p_continuation
            return case.gold if rng.random() < p else _other_text(case.gold, rng)
        if memorized and case.is_original:
            return _render(case, case.gold if rng.random() < self.p_memorized else None, rng)
        if memorized and case.gold_changed and case.parent_gold:
            if rng.random() < self.p_stale:
                return _render(case, case.parent_gold, rng)
        p = self.p_right if case.is_original else self.p_right - self.variant_drop
        return _render(case, case.gold if rng.random() < p else None, rng)


def _render(case: ControlCase, answer: str | None, rng: Draws) -> str:
    """Phrase `answer` (None: a plausible wrong answer) in a chat-like style."""
    if case.kind == "multiple_choice":
        label = answer if answer is not None else _wrong_label(case, rng)
        return rng.choice(CHOICE_STYLES).format(a=label)
    if case.kind == "code":
        code = answer if answer is not None else _wrong_text(case, rng)
        return f"```python\n{code.rstrip()}\n```"
    if case.kind == "math":
        number = answer if answer is not None else _wrong_number(case.gold, rng)
        return rng.choice(MATH_STYLES).format(a=number)
    text = answer if answer is not None else _wrong_text(case, rng)
    return rng.choice(TEXT_STYLES).format(a=text)


def _wrong_label(case: ControlCase, rng: Draws) -> str:
    labels = case.labels or ("A", "B", "C", "D")
    others = [label for label in labels if label != case.gold]
    return rng.choice(others) if others else case.gold + "?"


def _wrong_number(gold: str, rng: Draws) -> str:
    text = gold.replace(",", "").strip()
    if not _NUMBER.fullmatch(text):
        return str(2 + int(rng.random() * 98))
    value = float(text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    candidates = [value + d for d in (-10, -2, -1, 1, 2, 10)] + [value * 2, value + 100]
    wrong = rng.choice([c for c in candidates if round(c, decimals) != round(value, decimals)])
    return f"{wrong:.{decimals}f}"


def _wrong_text(case: ControlCase, rng: Draws) -> str:
    others = [a for a in case.alternatives if a != case.gold]
    return rng.choice(others) if others else "I am not sure"


def _other_text(gold: str, rng: Draws) -> str:
    n_words = max(3, len(gold.split()))
    return " ".join(rng.choice(_FILLER) for _ in range(n_words))
