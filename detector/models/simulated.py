"""Simulated models with realistic habits, for the selftest's nulls and for end-to-end validation.

They are NOT language models. Like the control models they answer from an `AnswerKey`, but an
honest simulated model behaves as real models do on perturbed items (GSM-Symbolic, GSM-Plus,
option-order studies): every family is somewhat harder than the originals (`family_drop`,
points), an item's difficulty carries over to its variants (a latent Gaussian per item, shared
with correlation `carry`), wrong multiple-choice answers lean to the first label
(`position_bias`), and on relabelled options it sometimes names its pick by the A-D letter of
the place (`letter_habit`), a format error. A contaminated one memorized `memorized_fraction`
of the originals: with `signature="strong"` it answers their changed-answer variants with the
old answer and continues truncated items verbatim (today's control signature); with
`signature="answer-only"` it only gets the memorized originals right and leaves no trace on
variants. Answers are deterministic per (prompt, seed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from types import MappingProxyType

from detector.models.api import SingleCallBackend
from detector.models.control import AnswerKey, ControlCase, Draws
from detector.types import Generation, GenParams, stable_seed

SIGNATURES = ("strong", "answer-only")
PLACE_LETTERS = "ABCDEFGHIJ"
_NORMAL = NormalDist()
_MATH = ("Working it out step by step, the answer is {a}.", "First the parts, then the total.\n#### {a}")
_CHOICE = ("The answer is ({a}).", "Answer: {a}")
_FILLER = ("the", "river", "market", "because", "window", "garden", "history", "engine", "stone", "later")


@dataclass(frozen=True)
class HonestProfile:
    """How an honest model answers: accuracy, per-family drop (points), carry-over and habits.

    `default_drop` applies to families not named in `family_drop`.
    """

    accuracy: float = 0.65
    family_drop: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    default_drop: float = 8.0
    carry: float = 0.8
    position_bias: float = 0.0
    letter_habit: float = 0.0
    p_continuation: float = 0.03

    def __post_init__(self) -> None:
        for name in ("accuracy", "carry", "position_bias", "letter_habit", "p_continuation"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"HonestProfile.{name} must be in [0, 1], got {value}")
        for family, drop in {**self.family_drop, "(default)": self.default_drop}.items():
            if not 0.0 <= drop <= 100.0 * self.accuracy:
                raise ValueError(f"HonestProfile drop for {family} must be in [0, accuracy], got {drop}")

    def drop_for(self, family: str) -> float:
        """The family's drop in points."""
        return float(self.family_drop.get(family, self.default_drop))


def _gauss(draws: Draws) -> float:
    return _NORMAL.inv_cdf(min(max(draws.random(), 1e-12), 1 - 1e-12))


class SimulatedModel(SingleCallBackend):
    """An honest (`memorized_fraction=0`) or contaminated simulated model; see the module docstring."""

    cacheable = False
    runs_inline = True

    def __init__(
        self,
        name: str,
        answer_key: AnswerKey | None = None,
        *,
        profile: HonestProfile | None = None,
        memorized_fraction: float = 0.0,
        signature: str = "strong",
        seed: int = 0,
        p_memorized: float = 0.95,
        p_stale: float = 0.9,
    ):
        if signature not in SIGNATURES:
            raise ValueError(f"unknown signature {signature!r}; valid: {', '.join(SIGNATURES)}")
        for label, value in (("memorized_fraction", memorized_fraction), ("p_memorized", p_memorized),
                             ("p_stale", p_stale)):  # fmt: skip
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"simulated model {label} must be in [0, 1], got {value}")
        self.name = name
        self.answer_key = answer_key if answer_key is not None else AnswerKey()
        self.profile = profile or HonestProfile()
        self.memorized_fraction = memorized_fraction
        self.signature = signature
        self.seed = seed
        self.p_memorized = p_memorized
        self.p_stale = p_stale
        self._threshold = (
            _NORMAL.inv_cdf(1.0 - self.profile.accuracy) if 0 < self.profile.accuracy < 1 else None
        )

    @property
    def cache_identity(self) -> tuple[str, str, str]:
        return ("simulated", self.name, f"seed={self.seed}")

    def is_memorized(self, parent_id: str) -> bool:
        """Whether this model memorized the original item `parent_id` (a stable hash draw)."""
        return stable_seed("sim-memorized", self.seed, parent_id) / 2**64 < self.memorized_fraction

    def _latent(self, parent_id: str) -> float:
        return _gauss(Draws(f"{self.seed}\x1fsim-item\x1f{parent_id}"))

    def right(self, case: ControlCase, rng: Draws) -> bool:
        """Whether the honest part of the model gets `case` right (latent threshold model)."""
        accuracy = self.profile.accuracy
        if case.is_original:
            target = accuracy
            z = self._latent(case.parent_id)
        else:
            target = max(0.0, accuracy - self.profile.drop_for(case.family) / 100.0)
            rho = self.profile.carry
            z = rho * self._latent(case.parent_id) + (1.0 - rho * rho) ** 0.5 * _gauss(rng)
        if target <= 0.0:
            return False
        if target >= 1.0:
            return True
        return z > _NORMAL.inv_cdf(1.0 - target)

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        case = self.answer_key.get(prompt)
        if case is None:
            return Generation(text=None, error=f"{self.name}: no answer-key case registered for this prompt")
        sample = params.sample_index if params.temperature > 0 else 0
        rng = Draws(f"{self.seed}\x1fsimulated\x1f{sample}\x1f{prompt}")
        return Generation(text=self.answer(case, rng), finish_reason="stop", latency_s=0.0)

    def answer(self, case: ControlCase, rng: Draws) -> str:
        """The reply text to `case`, drawn with `rng`."""
        memorized = self.is_memorized(case.parent_id)
        strong = memorized and self.signature == "strong"
        if case.kind == "continuation":
            p = self.p_memorized if strong else self.profile.p_continuation
            return case.gold if rng.random() < p else " ".join(rng.choice(_FILLER) for _ in range(6))
        if memorized and case.is_original and rng.random() < self.p_memorized:
            return self._render(case, case.gold, rng)
        if strong and case.gold_changed and case.parent_gold and rng.random() < self.p_stale:
            return self._render(case, case.parent_gold, rng)
        return self._render(case, case.gold if self.right(case, rng) else None, rng)

    def _render(self, case: ControlCase, answer: str | None, rng: Draws) -> str:
        if case.kind == "multiple_choice":
            labels = case.labels or tuple("ABCD")
            label = answer if answer is not None else self._wrong_label(case, labels, rng)
            if labels[0] != "A" and label in labels and rng.random() < self.profile.letter_habit:
                label = PLACE_LETTERS[labels.index(label)]  # its pick, named by the place's letter
            return rng.choice(_CHOICE).format(a=label)
        if case.kind == "math":
            return rng.choice(_MATH).format(a=answer if answer is not None else _wrong_number(case.gold, rng))
        if answer is None:
            others = [a for a in case.alternatives if a != case.gold]
            answer = rng.choice(others) if others else "I am not sure"
        return f"The answer is: {answer}"

    def _wrong_label(self, case: ControlCase, labels: tuple[str, ...], rng: Draws) -> str:
        others = [label for label in labels if label != case.gold]
        if not others:
            return case.gold + "?"
        if rng.random() < self.profile.position_bias and labels[0] != case.gold:
            return labels[0]
        return rng.choice(others)


def _wrong_number(gold: str, rng: Draws) -> str:
    text = gold.replace(",", "").strip()
    try:
        value = float(text)
    except ValueError:
        return str(2 + int(rng.random() * 98))
    decimals = len(text.split(".")[1]) if "." in text else 0
    candidates = [value + d for d in (-10, -2, -1, 1, 2, 10)] + [value * 2, value / 2, value + 100]
    wrong = rng.choice([c for c in candidates if round(c, decimals) != round(value, decimals)])
    return f"{wrong:.{decimals}f}"
