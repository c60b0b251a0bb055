"""The membership table of a probe run (one row per scored text) and the signal built from it.

`membership_rows` asks the model (through `Runner.logprobs`) for the likelihood of each original
and each variant; `membership_from_table` turns the table into report.json's
`signals.membership`, so `detect report RUN_DIR` can rebuild it from `membership.parquet`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from detector.membership.likelihood import LogprobsFn, auroc_by_score, membership_signal, score_texts
from detector.membership.scores import DEFAULT_K, SCORE_NAMES, TextScores
from detector.tables import MEMBERSHIP_SCHEMA, frame
from detector.types import BenchmarkItem, Variant


def membership_rows(
    logprobs: LogprobsFn, items: Sequence[BenchmarkItem], variants: Sequence[Variant], *, k: float = DEFAULT_K
) -> pl.DataFrame:
    """Score every original and every answer-scored variant (continuation probes are left out).

    An original and its variant are compared on the same kind of text: with the worked
    solution when both have one, else without; an original is scored both ways when needed.
    """
    by_id = {item.item_id: item for item in items}
    kept = [v for v in variants if v.scoring == "answer" and v.parent_id in by_id]
    mode_of = {v.variant_id: bool(v.item.solution and by_id[v.parent_id].solution) for v in kept}
    original_modes = {(item.item_id, bool(item.solution)) for item in items}
    original_modes |= {(v.parent_id, mode_of[v.variant_id]) for v in kept}
    columns: dict[str, list[Any]] = {name: [] for name in MEMBERSHIP_SCHEMA}
    for mode in (True, False):
        originals = [by_id[i] for i, m in sorted(original_modes) if m is mode]
        variant_items = [v for v in kept if mode_of[v.variant_id] is mode]
        texts = [*originals, *(v.item for v in variant_items)]
        if not texts:
            continue
        scored = score_texts(logprobs, texts, with_solution=mode, k=k)
        for item, result in zip(originals, scored, strict=False):
            _append(columns, item.item_id, item.item_id, "original", None, mode, result)
        for variant, result in zip(variant_items, scored[len(originals) :], strict=True):
            _append(columns, variant.variant_id, variant.parent_id, "variant", variant.family, mode, result)
    return frame(columns, "membership")


def _append(columns: dict[str, list[Any]], text_id: str, parent_id: str, role: str, family: str | None,
            mode: bool, scored: TextScores | str) -> None:
    values: dict[str, Any] = {"text_id": text_id, "parent_id": parent_id, "role": role, "family": family,
                              "with_solution": mode, "n_tokens": None, "error": None}
    values.update({name: None for name in SCORE_NAMES})
    if isinstance(scored, TextScores):
        values.update(n_tokens=scored.n_tokens, **{name: scored.get(name) for name in SCORE_NAMES})
    else:
        values["error"] = scored
    for name, value in values.items():
        columns[name].append(value)


def _scores(row: Mapping[str, Any]) -> TextScores | None:
    if row["error"] is not None or row["n_tokens"] is None:
        return None
    return TextScores(row["n_tokens"], row["mean_logprob"], row["min_k"], row["min_k_plus_plus"])


def membership_from_table(
    table: pl.DataFrame, *, seed: int, n_boot: int = 2000, labels: Mapping[str, int] | None = None
) -> dict[str, Any] | None:
    """report.json's `signals.membership`: the paired original-minus-variants likelihood
    difference (nats per token, see `membership_signal`) overall and per family, and, with
    `labels` (item id -> 1 contaminated / 0 unseen, e.g. from a lab's `lab.json`), the AUROC of
    each score on the originals. None when no original has a scored variant."""
    rows = table.to_dicts()
    originals: dict[tuple[str, bool], TextScores | None] = {}
    for row in rows:
        if row["role"] == "original":
            originals[(row["parent_id"], row["with_solution"])] = _scores(row)
    # Pairs are keyed by parent and mode; the signal sees each (parent, mode) as one item.
    keyed = {f"{parent}\x1f{mode}": s for (parent, mode), s in originals.items()}
    variants: list[tuple[str, TextScores | None]] = []
    by_family: dict[str, list[tuple[str, TextScores | None]]] = defaultdict(list)
    for row in rows:
        if row["role"] == "variant":
            key = f"{row['parent_id']}\x1f{row['with_solution']}"
            variants.append((key, _scores(row)))
            by_family[row["family"]].append((key, _scores(row)))
    signal = membership_signal(keyed, variants, seed=seed, n_boot=n_boot)
    if signal is None:
        return None
    families = {}
    for family in sorted(by_family):
        block = membership_signal(keyed, by_family[family], seed=seed, n_boot=n_boot)
        if block is not None:
            keys = ("estimate", "ci_low", "ci_high", "p_value", "n_items")
            families[family] = {key: block[key] for key in keys}
    with_solution = {parent: s for (parent, mode), s in originals.items() if mode}
    auroc = auroc_by_score(with_solution, labels) if labels else None
    if auroc is not None and all(value is None for value in auroc.values()):
        auroc = None
    return {**signal, "unit": "nats per token", "families": families, "auroc": auroc}
