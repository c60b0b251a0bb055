"""The twins' training text: rendered documents and the two token streams.

Both twins see the same background documents in the same order for the same number of tokens.
The contaminated twin also sees every contaminated item `exposures` times at seeded positions;
the clean twin sees other background documents in exactly those slots.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from detector.types import BenchmarkItem, stable_seed


def _normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def decontaminate(
    background: Sequence[BenchmarkItem], items: Sequence[BenchmarkItem]
) -> tuple[list[BenchmarkItem], int]:
    """Drop background items whose question equals (after normalising) a benchmark question.

    Returns the kept items and how many were dropped.
    """
    questions = {_normalise(item.question) for item in items}
    kept = [doc for doc in background if _normalise(doc.question) not in questions]
    return kept, len(background) - len(kept)


@dataclass(frozen=True, slots=True)
class TwinStreams:
    """Token ids for each twin, each exactly `total_tokens` long."""

    contaminated: np.ndarray
    clean: np.ndarray
    exposures_seen: int  # contaminated documents that lie wholly inside the budget


def _cycle(n_docs: int, seed: int, name: str) -> Iterator[int]:
    """Background document indices, one seeded shuffle per epoch, forever."""
    epoch = 0
    while True:
        order = list(range(n_docs))
        random.Random(stable_seed(seed, name, epoch)).shuffle(order)
        yield from order
        epoch += 1


def plan_twin_streams(
    background: Sequence[Sequence[int]],
    items: Sequence[Sequence[int]],
    *,
    exposures: int,
    total_tokens: int,
    eos_id: int,
    seed: int,
) -> TwinStreams:
    """Lay out both twins' token streams (documents joined by `eos_id`).

    Raises:
        ValueError: when the contaminated documents would not fit in 90% of the token budget,
            or there is no background text.
    """
    if not background:
        raise ValueError("the lab needs background text; none was given")
    doc_len = [len(doc) + 1 for doc in background]
    contamination = exposures * sum(len(doc) + 1 for doc in items)
    if contamination > 0.9 * total_tokens:
        raise ValueError(
            f"{len(items)} items x {exposures} exposures need {contamination:,} tokens, more than 90% of "
            f"the {total_tokens:,}-token budget: raise the steps or lower --contaminate / --exposures"
        )
    # Shared background, long enough for the budget whatever the slots hold.
    shared: list[int] = []
    tokens = 0
    order = _cycle(len(background), seed, "lab-background-order")
    while tokens < total_tokens + 2 * max(doc_len):
        index = next(order)
        shared.append(index)
        tokens += doc_len[index]
    # Slots go before the point where background plus contamination still fits the budget.
    cumulative = np.cumsum([doc_len[i] for i in shared])
    last_slot = int(np.searchsorted(cumulative, total_tokens - contamination, side="right"))
    rng = random.Random(stable_seed(seed, "lab-slots"))
    slot_docs = [k for k in range(len(items)) for _ in range(exposures)]
    rng.shuffle(slot_docs)
    positions = sorted(rng.randint(0, last_slot) for _ in slot_docs)
    filler = _cycle(len(background), seed, "lab-filler-order")

    def assemble(contaminated: bool) -> np.ndarray:
        parts: list[Sequence[int]] = []
        slot = 0
        for position, index in enumerate(shared):
            while slot < len(positions) and positions[slot] == position:
                parts.append(items[slot_docs[slot]] if contaminated else background[next(filler)])
                parts.append((eos_id,))
                slot += 1
            parts.append(background[index])
            parts.append((eos_id,))
        while slot < len(positions):  # positions == len(shared) is possible only when empty
            parts.append(items[slot_docs[slot]] if contaminated else background[next(filler)])
            parts.append((eos_id,))
            slot += 1
        stream = np.fromiter((t for part in parts for t in part), dtype=np.int64)
        return stream[:total_tokens]

    contaminated_stream = assemble(True)
    clean_stream = assemble(False)
    if len(contaminated_stream) < total_tokens or len(clean_stream) < total_tokens:
        raise ValueError("internal: a twin's token stream is shorter than its budget")
    return TwinStreams(contaminated_stream, clean_stream, exposures_seen=len(slot_docs))
