"""Small corpora with injected benchmark items, built in a temporary folder for overlap tests."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

from detector.types import BenchmarkItem

QUESTIONS = [
    "Marisol bakes three trays of lemon cookies every Saturday and gives half of them to her "
    "neighbours across the street. Each tray holds eighteen cookies. How many cookies does she keep?",
    "A cyclist rides forty two kilometres on Monday, twice as far on Tuesday, and eleven fewer "
    "kilometres on Wednesday than on Tuesday. What total distance did the cyclist ride?",
    "The school library owns nine hundred novels and four hundred atlases. It donates one third "
    "of the novels to a shelter and buys sixty new atlases. How many books does it own now?",
    "Which enzyme in the human stomach begins the digestion of dietary proteins by cleaving "
    "peptide bonds in an acidic environment produced by parietal cells?",
]
VOCAB = (
    "the a of and to in river garden window quietly yesterday market silver engine morning paper "
    "ocean theory station valley lantern copper winter signal forest museum harbor rhythm candle "
    "meadow tunnel orbit ladder saddle violin compass glacier pepper harvest"
).split()


def make_items() -> list[BenchmarkItem]:
    items = [
        BenchmarkItem("toy", f"toy/{i}", q, str(i), solution=None) for i, q in enumerate(QUESTIONS[:3])
    ]
    items.append(
        BenchmarkItem(
            "quiz", "quiz/0", QUESTIONS[3], "B", choices=("amylase", "pepsin", "lipase", "trypsin"),
            labels=("A", "B", "C", "D"),
        )
    )
    return items


def clean_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(words)).capitalize() + "."


def edit(text: str, rate: float, rng: random.Random) -> str:
    words = text.split()
    for position in rng.sample(range(len(words)), round(rate * len(words))):
        words[position] = rng.choice(VOCAB)
    return " ".join(words)


def make_documents(seed: int = 0, clean: int = 30) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Documents (id, text) and the truth {doc_id: item_id}: toy/0 verbatim, toy/1 edited 10%."""
    rng = random.Random(seed)
    docs = [{"id": f"c{i}", "text": clean_text(rng, rng.randint(50, 400))} for i in range(clean)]
    docs.insert(3, {"id": "v0", "text": f"{clean_text(rng, 300)} {QUESTIONS[0]} {clean_text(rng, 80)}"})
    docs.insert(9, {"id": "e1", "text": f"{clean_text(rng, 40)} {edit(QUESTIONS[1], 0.1, rng)}"})
    return docs, {"v0": "toy/0", "e1": "toy/1"}


def write_jsonl(path: Path, docs: list[dict[str, str]]) -> Path:
    text = "".join(json.dumps(doc) + "\n" for doc in docs)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    elif path.suffix == ".zst":
        import zstandard

        path.write_bytes(zstandard.ZstdCompressor().compress(text.encode()))
    else:
        path.write_text(text)
    return path
