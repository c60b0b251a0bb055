"""Build the overlap benchmark corpus: English-like JSONL documents with injected benchmark items.

Documents are random sequences of sentences from a word-bigram (Markov) model trained on
GSM8K *train* and MMLU *dev* text (so the clean text shares vocabulary and phrases with
the test items: a hard case for false matches). Into some documents we inject a GSM8K or
MMLU *test* item verbatim, or with 10% or 20% of its words edited (substituted, deleted or
inserted). The ground truth goes to a JSON file next to the corpus.

    python benchmarks/make_overlap_corpus.py --mb 50 --out /tmp/overlap_bench/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from detector.benchmarks import load_benchmark
from detector.overlap.index import item_full_text
from detector.types import BenchmarkItem

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CONDITIONS = (("verbatim", 0.0), ("edit10", 0.10), ("edit20", 0.20))


def load_test_items(data: Path = DATA) -> list[BenchmarkItem]:
    """GSM8K test and every MMLU test file."""
    items = list(load_benchmark(data / "gsm8k" / "test.jsonl").items)
    for path in sorted((data / "mmlu").glob("*_test.csv")):
        items.extend(load_benchmark(path).items)
    return items


def train_text(data: Path = DATA) -> list[str]:
    texts = []
    for line in (data / "gsm8k" / "train.jsonl").read_text().splitlines():
        row = json.loads(line)
        answer = row["answer"].split("####")[0]
        while "<<" in answer and ">>" in answer:
            start = answer.index("<<")
            answer = answer[:start] + answer[answer.index(">>", start) + 2 :]
        texts.append(f"{row['question']} {answer}")
    for path in sorted((data / "mmlu").glob("*_dev.csv")):
        texts.extend(path.read_text().splitlines())
    return texts


class SentenceModel:
    """Word-bigram Markov sentences; a fixed pool of them is recombined into documents."""

    def __init__(self, texts: list[str], rng: random.Random, pool: int = 300_000):
        successors: dict[str, list[str]] = {}
        starts: list[str] = []
        for text in texts:
            words = text.split()
            for a, b in zip(words, words[1:], strict=False):
                successors.setdefault(a, []).append(b)
                if a.endswith((".", "?")) and b[:1].isupper():
                    starts.append(b)
        self.rng = rng
        self.vocab = sorted(successors)
        self.pool = [self._sentence(successors, starts) for _ in range(pool)]

    def _sentence(self, successors: dict[str, list[str]], starts: list[str]) -> str:
        word = self.rng.choice(starts)
        words = [word]
        while len(words) < 40 and not (word.endswith((".", "?")) and len(words) >= 6):
            options = successors.get(word)
            word = self.rng.choice(options) if options else self.rng.choice(starts)
            words.append(word)
        if not words[-1].endswith((".", "?")):
            words[-1] += "."
        return " ".join(words)

    def document(self, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            sentence = self.rng.choice(self.pool)
            out.append(sentence)
            count += sentence.count(" ") + 1
        return " ".join(out)


def edit_words(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    """Edit `rate` of the words: 70% substitutions, 15% deletions, 15% insertions."""
    words = text.split()
    count = round(rate * len(words))
    for position in sorted(rng.sample(range(len(words)), count), reverse=True):
        roll = rng.random()
        if roll < 0.7:
            words[position] = rng.choice(vocab)
        elif roll < 0.85 and len(words) > 1:
            del words[position]
        else:
            words.insert(position, rng.choice(vocab))
    return " ".join(words)


def injected_text(item: BenchmarkItem, rng: random.Random) -> str:
    """How an item appears in a crawl: GSM8K with or without its solution, MMLU with options."""
    if item.choices:
        return item_full_text(item)
    return item_full_text(item) if rng.random() < 0.5 else item.question


def generate(
    total_mb: float, seed: int, items: list[BenchmarkItem], per_condition: int
) -> Iterator[tuple[dict[str, str], dict[str, str] | None]]:
    """Yield (document record, ground truth or None) until about `total_mb` MB."""
    rng = random.Random(seed)
    model = SentenceModel(train_text(), rng)
    chosen = rng.sample(range(len(items)), min(len(items), per_condition * len(CONDITIONS)))
    plan = [(items[i], name, rate) for k, i in enumerate(chosen) for name, rate in [CONDITIONS[k % 3]]]
    budget = int(total_mb * 1_000_000)
    expected_docs = budget // 2_700
    slots = set(rng.sample(range(max(expected_docs, len(plan) + 1)), len(plan)))
    produced = 0
    number = 0
    pending = list(plan)
    while produced < budget or pending:
        text = model.document(int(rng.lognormvariate(6.0, 0.6)))
        truth = None
        if pending and (number in slots or produced >= budget):
            item, name, rate = pending.pop()
            inject = edit_words(injected_text(item, rng), rate, model.vocab, rng)
            sentences = text.split(". ")
            cut = rng.randrange(len(sentences))
            text = ". ".join(sentences[:cut] + [inject] + sentences[cut:])
            truth = {"doc_id": f"doc{number}", "item_id": item.item_id, "benchmark": item.benchmark,
                     "condition": name}
        record = {"id": f"doc{number}", "text": text}
        produced += len(text) + 20
        number += 1
        yield record, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-condition", type=int, default=600, help="injected items per condition")
    parser.add_argument("--out", type=Path, default=Path("/tmp/overlap_bench/corpus.jsonl"))
    args = parser.parse_args()
    items = load_test_items()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    truths = []
    documents = 0
    with args.out.open("w") as handle:
        for record, truth in generate(args.mb, args.seed, items, args.per_condition):
            handle.write(json.dumps(record) + "\n")
            documents += 1
            if truth:
                truths.append(truth)
    truth_path = args.out.with_suffix(".truth.json")
    truth_path.write_text(json.dumps({"documents": documents, "injected": truths}, indent=1))
    size_mb = args.out.stat().st_size / 1e6
    print(f"{args.out}: {documents} documents, {size_mb:.1f} MB, {len(truths)} injected")


if __name__ == "__main__":
    main()
