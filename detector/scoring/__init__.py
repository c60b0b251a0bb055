"""Answer extraction and correctness: numbers, option labels, cloze text, continuations -> scores table."""

from detector.scoring.choices import extract_choice
from detector.scoring.correctness import (
    MAX_SCORED_CHARS,
    VERBATIM_THRESHOLD,
    Score,
    continuation_similarity,
    item_kind,
    same_answer,
    score_response,
    scored_text,
)
from detector.scoring.numbers import extract_number, normalize_number, numbers_equal
from detector.scoring.table import RowScorer, score_rows

__all__ = [
    "RowScorer",
    "MAX_SCORED_CHARS",
    "VERBATIM_THRESHOLD",
    "Score",
    "continuation_similarity",
    "extract_choice",
    "extract_number",
    "item_kind",
    "normalize_number",
    "numbers_equal",
    "same_answer",
    "score_response",
    "score_rows",
    "scored_text",
]
