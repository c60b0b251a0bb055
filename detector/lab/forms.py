"""Contamination forms: what text of the benchmark the contaminated twin trains on.

- `items`: each chosen item as the probe renders it, with its worked solution and answer (the
  default; `render_document`).
- `multiple_choice`: the same for a multiple-choice benchmark (MMLU format: question, lettered
  options, "The answer is X."); the build refuses a benchmark without options.
- `answers_only`: each item's prompt and only its final answer ("The answer is N."), no worked
  solution: a leaked answer key with its questions.
- `paraphrase`: each item reworded and reframed, never verbatim: the probe's paraphrase
  rewrites (synonyms, clause order, number format) where they apply, a different frame
  ("Q: ... A: ...", no instruction paragraph) and the solution reworded the same way. A
  surface paraphrase, offline, standing in for the LLM rephrasing that Dekoninck et al. (2024)
  show evades detection; meaning and answer are kept.
- `ordered`: the chosen items, a contiguous run of the benchmark in its published order, as
  one text (documents joined by a blank line, as `detector.membership.order` scores them). A
  model's context cuts a long file into windows: each exposure reads the run in windows of
  ORDER_WINDOW items, the window start shifted by one item per exposure, so every neighbouring
  pair is read together in most exposures.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Final

from detector.membership.order import DOCUMENT_SEPARATOR
from detector.membership.texts import gold_response, render_document
from detector.prompts import render_prompt
from detector.types import BenchmarkItem, stable_seed

FORMS: Final = ("items", "multiple_choice", "answers_only", "paraphrase", "ordered")
ORDER_WINDOW: Final = 3
_ANNOTATION = re.compile(r"<<[^>]*>>")


def check_form(form: str, items: Sequence[BenchmarkItem]) -> None:
    """Raises: ValueError for an unknown form, or `multiple_choice` on a benchmark without options."""
    if form not in FORMS:
        raise ValueError(f"--form {form}: unknown; valid: {', '.join(FORMS)}")
    if form == "multiple_choice" and not all(item.is_multiple_choice for item in items):
        raise ValueError("--form multiple_choice needs a multiple-choice benchmark (MMLU format)")


def choose_ordered(items: Sequence[BenchmarkItem], n: int, seed: int) -> list[BenchmarkItem]:
    """A seeded contiguous run of `n` items, in published order (the `ordered` form's choice).

    Raises: ValueError unless 1 <= n < len(items).
    """
    if not 1 <= n < len(items):
        raise ValueError(
            f"--contaminate {n}: must be between 1 and {len(items) - 1} for a benchmark of "
            f"{len(items)} items (at least one item must stay unseen)"
        )
    start = random.Random(stable_seed(seed, "lab-ordered-start")).randint(0, len(items) - n)
    return list(items[start : start + n])


def _reword(text: str, rng: random.Random) -> str:
    from probes.base import ProbeSkip
    from probes.paraphrase import ParaphraseProbe

    probe = ParaphraseProbe()
    carrier = BenchmarkItem(benchmark="lab", item_id="lab/reword", question=text, answer="0")
    best = text
    for _ in range(8):  # the rewrites are random: keep the draw that changes the most
        try:
            variant = probe.perturb(carrier, rng)
        except ProbeSkip:
            return text
        if variant is not None and _changed(variant.item.question, text) > _changed(best, text):
            best = variant.item.question
    return best


def _changed(new: str, old: str) -> int:
    return len(set(new.split()) ^ set(old.split()))


def paraphrase_document(item: BenchmarkItem, seed: int) -> str:
    """The `paraphrase` form's text of `item` (see the module docstring)."""
    rng = random.Random(stable_seed(seed, "lab-paraphrase", item.item_id))
    question = _reword(item.question, rng)
    lines = [f"Q: {question}"]
    if item.is_multiple_choice:
        lines += [f"{label}) {choice}" for label, choice in zip(item.labels, item.choices, strict=False)]
    solution = _reword(_ANNOTATION.sub("", item.solution).strip(), rng) if item.solution else ""
    answer = item.answer if item.is_multiple_choice or item.metadata.get("kind") == "math" else item.gold_text
    lines.append(
        f"A: {solution}\nSo the answer is {answer}." if solution else f"A: So the answer is {answer}."
    )
    return "\n".join(lines)


def form_documents(
    form: str, chosen: Sequence[BenchmarkItem], exposures: int, seed: int
) -> tuple[list[str], int]:
    """(documents, times each is seen) for the contaminated twin's stream."""
    if form in ("items", "multiple_choice"):
        return [render_document(item) for item in chosen], exposures
    if form == "answers_only":
        return [
            f"{render_prompt(item)} {gold_response(item, with_solution=False)}" for item in chosen
        ], exposures
    if form == "paraphrase":
        return [paraphrase_document(item, seed) for item in chosen], exposures
    if form == "ordered":
        docs = [render_document(item) for item in chosen]
        windows: list[str] = []
        width = min(ORDER_WINDOW, len(docs))
        for exposure in range(exposures):
            offset = exposure % width
            cuts = [0, *range(offset or width, len(docs), width), len(docs)]
            windows += [
                DOCUMENT_SEPARATOR.join(docs[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a
            ]
        return windows, 1
    raise ValueError(f"--form {form}: unknown; valid: {', '.join(FORMS)}")
