"""Overlap benchmark: MinHash scan vs exact 13-grams vs a straightforward datasketch loop.

Builds (once) a ~50 MB JSONL corpus with GSM8K/MMLU test items injected verbatim and with
10% / 20% of their words edited (benchmarks/make_overlap_corpus.py), then measures on the
same corpus in one run: recall per condition, false matches per 10,000 clean documents,
throughput (MB per CPU-second, one process) and the ratios between methods; with --big,
the peak memory of a scan of the 50 MB corpus and of a 500 MB one (generated to /tmp and
deleted afterwards).

    python benchmarks/bench_overlap.py [--big]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_overlap_corpus import load_test_items  # noqa: E402

from detector.overlap.corpus import read_documents  # noqa: E402
from detector.overlap.index import OverlapConfig, item_texts  # noqa: E402
from detector.overlap.scan import make_matcher, scan_file  # noqa: E402
from detector.text import shingle_hash32, word_shingles  # noqa: E402

CORPUS = Path("/tmp/overlap_bench/corpus.jsonl")


def ensure_corpus(path: Path, mb: float) -> None:
    if not path.exists():
        command = [sys.executable, str(HERE / "make_overlap_corpus.py"), "--mb", str(mb), "--out", str(path)]
        subprocess.run(command, check=True)


def timed_scan(method: str, config: OverlapConfig, path: Path):  # type: ignore[no-untyped-def]
    items = load_test_items()
    matcher = make_matcher(items, config, method)
    wall, cpu = time.perf_counter(), time.process_time()
    frame, documents = scan_file(matcher, str(path), config)
    return frame, documents, time.perf_counter() - wall, time.process_time() - cpu


def evaluate(frame, truth: dict, min_similarity: float = 0.0) -> dict:  # type: ignore[no-untyped-def]
    import polars as pl

    frame = frame.filter(pl.col("verified_similarity") >= min_similarity)
    injected = {(t["doc_id"], t["item_id"]): t["condition"] for t in truth["injected"]}
    injected_docs = {t["doc_id"] for t in truth["injected"]}
    found = set(frame.select("doc_id", "item_id").iter_rows())
    total = Counter(injected.values())
    hit = Counter(c for key, c in injected.items() if key in found)
    clean_docs = truth["documents"] - len(injected_docs)
    false = sum(1 for doc, _ in found if doc not in injected_docs)
    return {
        "recall": {c: round(hit[c] / total[c], 4) for c in sorted(total)},
        "found": found,
        "false_matches": false,
        "false_per_10k_clean_docs": round(10_000 * false / clean_docs, 3),
        "clean_docs": clean_docs,
    }


def datasketch_baseline(config: OverlapConfig, path: Path, max_chars: int) -> float:
    """The straightforward loop: one MinHashLSH over the item parts; fixed windows of 50 shingles
    every 25; per window `MinHash.update` per shingle and `MinHashLSH.query`. MB per CPU-second.
    """
    from datasketch import MinHash, MinHashLSH

    matcher = make_matcher(load_test_items(), config, "minhash")
    index = matcher.index  # type: ignore[attr-defined]
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    for part_id, signature in enumerate(index.signatures):
        lsh.insert(part_id, MinHash(config.num_perm, config.seed, hashvalues=signature, scheme="affine32"))
    texts, size = [], 0
    for text in next(read_documents(str(path))).texts:
        texts.append(text)
        size += len(text)
        if size >= max_chars:
            break
    template = MinHash(config.num_perm, config.seed)  # share permutations: no RNG per window
    cpu = time.process_time()
    for text in texts:
        shingles = word_shingles(text, config.shingle_size)
        for start in range(0, max(1, len(shingles) - 25), 25):
            minhash = MinHash(
                config.num_perm, config.seed, hashfunc=shingle_hash32, permutations=template.permutations,
                scheme="affine32",
            )
            for shingle in shingles[start : start + 50]:
                minhash.update(shingle)
            lsh.query(minhash)
    return size / 1e6 / (time.process_time() - cpu)


def janitor_baseline(path: Path, truth: dict) -> tuple[float, dict[str, float]]:
    """lm-evaluation-harness's 13-gram `Janitor` (pure-Python mode: its C++ module is not on PyPI)
    over the whole corpus, read with the same reader: MB per CPU-second and document-level
    recall per condition (an injected document counts as found when the Janitor flags any
    13-gram in it; it cannot tell which item).
    """
    import warnings

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        from lm_eval.decontamination.janitor import Janitor, word_ngrams_indices

    janitor = Janitor(ngram_n=13)
    for item in load_test_items():
        for _, text in item_texts(item):
            janitor.register_contaminant_python(text)
    flagged: set[str] = set()
    cpu = time.process_time()
    for batch in read_documents(str(path)):
        for doc_id, text in zip(batch.doc_ids, batch.texts, strict=True):
            dirty = [
                (None, *span) for gram, span in word_ngrams_indices(text, janitor.ngram_n)
                if janitor.normalize_string(gram) in janitor.dirt_ngrams
            ]  # what `Janitor.clean_python` computes before cutting the text
            janitor._split_chunks(text, dirty)
            if dirty:
                flagged.add(doc_id)
    speed = path.stat().st_size / 1e6 / (time.process_time() - cpu)
    total = Counter(t["condition"] for t in truth["injected"])
    hit = Counter(t["condition"] for t in truth["injected"] if t["doc_id"] in flagged)
    return speed, {c: round(hit[c] / total[c], 4) for c in sorted(total)}


def peak_rss(path: Path) -> float:
    """Peak RSS (MB) of a separate process that scans `path`."""
    code = (
        f"import resource,sys; sys.path.insert(0, {str(HERE)!r}); sys.path.insert(0, {str(HERE.parent)!r});"
        "from make_overlap_corpus import load_test_items;"
        "from detector.overlap.index import OverlapConfig;"
        "from detector.overlap.scan import make_matcher, scan_file;"
        f"c=OverlapConfig(); m=make_matcher(load_test_items(), c); scan_file(m, {str(path)!r}, c);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description="overlap benchmark")
    parser.add_argument("--big", action="store_true", help="also measure peak memory at 50 MB and 500 MB")
    parser.add_argument("--baseline-chars", type=int, default=1_000_000)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a corpus made by make_overlap_corpus.py")
    parser.add_argument("--repeats", type=int, default=2, help="scans per method; the least CPU time counts")
    parser.add_argument("--no-janitor", action="store_true", help="skip lm-evaluation-harness's Janitor")
    args = parser.parse_args()
    corpus = args.corpus
    ensure_corpus(corpus, 50)
    truth = json.loads(corpus.with_suffix(".truth.json").read_text())
    size_mb = corpus.stat().st_size / 1e6
    config = OverlapConfig()
    injected_count = len(truth["injected"])
    from detector.text.kernel import kernels

    print(f"corpus {corpus}: {size_mb:.1f} MB, {truth['documents']} documents, {injected_count} injected")
    print(f"config: {config}; compiled kernels (numba): {kernels() is not None}")

    results = {}
    for method in ("minhash", "ngram13"):
        runs = [timed_scan(method, config, corpus) for _ in range(max(1, args.repeats))]
        frame, documents, wall, cpu = min(runs, key=lambda run: run[3])
        results[method] = (frame, wall, cpu)
        cpus = ", ".join(f"{run[3]:.2f}" for run in runs)
        speed = f"{size_mb / cpu:.2f} MB/cpu-s ({size_mb / wall:.2f} MB/s wall; CPU s per run: {cpus})"
        print(f"\n{method}: {speed}, {len(frame)} matches")
        for floor in ((config.min_similarity, 0.7) if method == "minhash" else (0.0,)):
            scored = evaluate(frame, truth, floor)
            label = f" (verified_similarity >= {floor})" if method == "minhash" else ""
            print(f"  recall{label}: {scored['recall']}")
            print(f"  false matches in clean docs: {scored['false_matches']} = "
                  f"{scored['false_per_10k_clean_docs']} per 10,000 ({scored['clean_docs']} clean docs)")
    union = evaluate(results["minhash"][0], truth)["found"] | evaluate(results["ngram13"][0], truth)["found"]
    injected = {(t["doc_id"], t["item_id"]): t["condition"] for t in truth["injected"]}
    total = Counter(injected.values())
    union_hits = Counter(c for k, c in injected.items() if k in union)
    union_recall = {c: round(union_hits[c] / total[c], 4) for c in sorted(total)}
    print(f"\nunion minhash | ngram13 recall: {union_recall}")

    minhash_speed = size_mb / results["minhash"][2]
    ngram_speed = size_mb / results["ngram13"][2]
    if not args.no_janitor:
        try:
            janitor_speed, janitor_recall = janitor_baseline(corpus, truth)
        except ImportError:
            sys.exit("the Janitor baseline needs lm-evaluation-harness: pip install lm-eval, or --no-janitor")
        print(f"\nlm-eval Janitor (13-grams, python mode), whole corpus: {janitor_speed:.2f} MB/cpu-s, "
              f"document recall {janitor_recall}")
    baseline_speed = datasketch_baseline(config, corpus, args.baseline_chars)
    print(f"datasketch loop (MinHash.update per shingle, MinHashLSH.query per 50-shingle window), "
          f"{args.baseline_chars / 1e6:.1f} MB subsample: {baseline_speed:.3f} MB/cpu-s")
    print(f"\nminhash throughput: {minhash_speed:.2f} MB/cpu-s (target >= 25)")
    if not args.no_janitor:
        print(f"speed ratio minhash / Janitor:    {minhash_speed / janitor_speed:.2f}x (target >= 8)")
    print(f"speed ratio minhash / ngram13:    {minhash_speed / ngram_speed:.2f}x (target >= 2)")
    print(f"speed ratio minhash / datasketch: {minhash_speed / baseline_speed:.1f}x (target >= 10)")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    if args.big:
        print(f"\npeak RSS scanning {size_mb:.0f} MB: {peak_rss(corpus):.0f} MB")
        big = Path("/tmp/overlap_bench/corpus_500.jsonl")
        try:
            ensure_corpus(big, 500)
            print(f"peak RSS scanning {big.stat().st_size / 1e6:.0f} MB: {peak_rss(big):.0f} MB")
        finally:
            for leftover in (big, big.with_suffix(".truth.json")):
                if leftover.exists():
                    os.unlink(leftover)


if __name__ == "__main__":
    main()
