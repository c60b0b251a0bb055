"""Score every answer of a run into the tidy `scores` table (one row per prompt).

Besides correctness, each variant row carries what the memorization signals need: whether
the answer is the parent's old gold (`stale`), whether the parent's answer is the variant's
new gold (`placebo`, the same coincidence from the other side, for the chance rate), and the
MinHash Jaccard of the output with the parent's and with the variant's own worked solution.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from detector.benchmarks import item_kind
from detector.plan import PromptRow
from detector.scoring.choices import extract_choice
from detector.scoring.correctness import Score, answer_part, same_answer, score_response, scored_text
from detector.tables import SCORES_SCHEMA, frame

STALE_KINDS = ("math", "multiple_choice", "code")
STATIC_COLUMNS = (
    "prompt_id", "role", "benchmark", "parent_id", "family", "kind", "scoring", "gold", "parent_gold",
    "gold_changed",
)  # fmt: skip


def _strip_annotations(solution: str) -> str:
    return re.sub(r"<<[^>]*>>", "", solution)


def _matches_gold(
    kind: str, score: Score, text: str, gold: str, labels: Sequence[str], own: Sequence[str]
) -> bool:
    """Whether an answer equals `gold`, read in its own scheme or, if that differs, in `labels`."""
    if same_answer(kind, score.extracted, gold):
        return True
    if kind == "multiple_choice" and labels and tuple(labels) != tuple(own):
        return extract_choice(answer_part(scored_text(text)), labels) == gold
    return False


class RowScorer:
    """Scores answers to a fixed list of prompt rows; reusable across many answer sets.

    What does not depend on the answers is computed once; scores are remembered by
    (row, answer text), which makes repeated trials on the same rows cheap.
    """

    def __init__(self, rows: Sequence[PromptRow]):
        self.rows = list(rows)
        index = {row.prompt_id: i for i, row in enumerate(self.rows) if row.variant is None}
        self.parent_index = [
            index.get(row.parent.item_id) if row.variant is not None else None for row in rows
        ]
        self.kinds = [item_kind(row.item, row.scoring) for row in self.rows]
        self.static: dict[str, list[Any]] = {
            "prompt_id": [r.prompt_id for r in self.rows],
            "role": [r.role for r in self.rows],
            "benchmark": [r.parent.benchmark for r in self.rows],
            "parent_id": [r.parent.item_id for r in self.rows],
            "family": [r.family for r in self.rows],
            "kind": self.kinds,
            "scoring": [r.scoring for r in self.rows],
            "gold": [r.item.answer for r in self.rows],
            "parent_gold": [r.parent.answer for r in self.rows],
            "gold_changed": [
                bool(r.variant.gold_changed) if r.variant is not None else False for r in self.rows
            ],
        }
        # Stale answers need a gold that really changed: "B" relabelled "b" is the same answer, and
        # on relabelled options (same places, new label scheme) the old letter names the right
        # option by its place -- a format error, not a stale answer: relabel leaves the stale test.
        self.stale_eligible = [
            r.variant is not None and r.variant.gold_changed and kind in STALE_KINDS
            and not (kind == "multiple_choice" and r.item.answer.lower() == r.variant.parent_answer.lower())
            and not (kind == "multiple_choice" and tuple(r.item.labels) != tuple(r.parent.labels))
            for r, kind in zip(self.rows, self.kinds, strict=True)
        ]  # fmt: skip
        self._scores: dict[tuple[int, str], Score] = {}
        self._stale: dict[tuple[int, str, str], tuple[bool, bool]] = {}
        self._echo: dict[tuple[int, str], tuple[float, float]] = {}

    def _score(self, i: int, text: str | None) -> Score:
        if text is None:
            return Score(self.kinds[i], None, None, None)
        found = self._scores.get((i, text))
        if found is None:
            row = self.rows[i]
            found = self._scores[(i, text)] = score_response(row.item, text, row.scoring)
        return found

    def _stale_placebo(
        self, i: int, text: str, orig_text: str, score: Score, orig: Score
    ) -> tuple[bool, bool]:
        key = (i, text, orig_text)
        found = self._stale.get(key)
        if found is None:
            row = self.rows[i]
            assert row.variant is not None
            if score.kind == "code":
                from detector.scoring.code_signals import placebo_code, stale_code

                found = self._stale[key] = (stale_code(row.item, text), placebo_code(row.item, orig_text))
                return found
            stale = _matches_gold(
                score.kind, score, text, row.variant.parent_answer, row.parent.labels, row.item.labels
            )
            placebo = _matches_gold(
                score.kind, orig, orig_text, row.item.answer, row.item.labels, row.parent.labels
            )
            found = self._stale[key] = (stale, placebo)
        return found

    def _echo_of(self, i: int, text: str) -> tuple[float, float] | None:
        row = self.rows[i]
        own, old = row.item.solution, row.parent.solution
        if row.variant is None or not own or not old or own == old:
            return None
        found = self._echo.get((i, text))
        if found is None and self.kinds[i] == "code":
            from detector.scoring.code_signals import code_echo

            found = self._echo[(i, text)] = code_echo(text, old, own)
        if found is None:
            from detector.scoring.solution_echo import solution_echo  # datasketch: imported when needed

            found = self._echo[(i, text)] = solution_echo(
                scored_text(text), _strip_annotations(old), _strip_annotations(own)
            )
        return found

    def _score_code_rows(self, texts: Sequence[str | None]) -> None:
        """Run every not yet scored code answer, in parallel sandboxes (see detector.scoring.code)."""
        todo = [
            i for i, text in enumerate(texts)
            if self.kinds[i] == "code" and text is not None and (i, text) not in self._scores
        ]  # fmt: skip
        if todo:
            from detector.scoring.code import score_code_replies

            found = score_code_replies([self.rows[i].item for i in todo], [texts[i] or "" for i in todo])
            self._scores.update({(i, texts[i] or ""): score for i, score in zip(todo, found, strict=True)})

    def score(self, texts: Sequence[str | None]) -> pl.DataFrame:
        """The scores table for the rows answered with `texts` (None: the request failed)."""
        if len(texts) != len(self.rows):
            raise ValueError(f"{len(texts)} answers for {len(self.rows)} prompts")
        self._score_code_rows(texts)
        scores = [self._score(i, text) for i, text in enumerate(texts)]
        dynamic: dict[str, list[Any]] = {name: [] for name in SCORES_SCHEMA if name not in STATIC_COLUMNS}
        for i, (score, text) in enumerate(zip(scores, texts, strict=True)):
            p = self.parent_index[i]
            orig = scores[p] if p is not None else None
            stale = placebo = None
            echo = None
            if orig is not None and text is not None:
                orig_text = texts[p]  # type: ignore[index]
                if self.stale_eligible[i] and orig.kind == score.kind and orig_text is not None:
                    stale, placebo = self._stale_placebo(i, text, orig_text, score, orig)
                if score.kind in ("math", "code"):
                    echo = self._echo_of(i, text)
            dynamic["extracted"].append(score.extracted)
            dynamic["correct"].append(score.correct)
            dynamic["similarity"].append(score.similarity)
            dynamic["original_correct"].append(orig.correct if orig is not None else None)
            dynamic["stale"].append(stale)
            dynamic["placebo"].append(placebo)
            dynamic["jaccard_parent"].append(echo[0] if echo else None)
            dynamic["jaccard_own"].append(echo[1] if echo else None)
            dynamic["execution"].append(score.execution)
        return frame({**self.static, **dynamic}, "scores").select(list(SCORES_SCHEMA))


def score_rows(rows: Sequence[PromptRow], texts: Sequence[str | None]) -> pl.DataFrame:
    """The scores table for `rows` answered with `texts` (None: the request failed)."""
    return RowScorer(rows).score(texts)
