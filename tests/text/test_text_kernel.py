"""The compiled (numba) tokeniser, shingle and membership kernels equal the numpy paths bit for bit."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from detector.overlap import index as index_module
from detector.overlap import windows as windows_module
from detector.overlap.scan import run_overlap
from detector.text import hash_word, hashing, prepare_text, shingle_hashes, split_words, tokenize
from detector.text import minhash as minhash_module
from detector.text.kernel import kernels, lower_table
from tests.support.overlap_corpus_helpers import make_documents, make_items, write_jsonl

# Upper case, accents, ligatures and full-width forms (NFKC), dotted I and final sigma (context), digits.
ALPHABET = list("abcXYZ019 _-.,\n\t") + [
    "É", "ß", "ﬁ", "Ａ", "İ", "Σ", "ΟΔΟΣ", "Ⅻ", "２", "é", "ǅ", "ﾃ", "\u0301",
]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))) for _ in range(count)]


def test_numba_is_installed_for_the_tests() -> None:
    assert kernels() is not None  # the dev extra installs it: the compiled path must be the one tested


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compiled_tokenizer_equals_numpy_path_and_hash_word(seed: int) -> None:
    for text in _texts(300, seed):
        fast = tokenize(text)
        slow = tokenize(text, compiled=False)
        assert np.array_equal(fast.hashes, slow.hashes), text
        assert np.array_equal(fast.starts, slow.starts) and np.array_equal(fast.ends, slow.ends), text
        assert fast.hashes.tolist() == [hash_word(w) for w in split_words(text)], text


def test_lower_only_tokenizing_of_a_mixed_batch_equals_preparing_each_document() -> None:
    texts = _texts(200, 7) + ["Plain ASCII Text With CAPS", "ΟΔΟΣ ΣΟΦΙΑ", "İstanbul Straße"]
    ready = [t if hashing.is_kernel_ready(t) else prepare_text(t) for t in texts]
    fast = tokenize("\n".join(ready), lower_only=True)
    slow = tokenize("\n".join(prepare_text(t) for t in texts), prepared=True, compiled=False)
    assert np.array_equal(fast.hashes, slow.hashes)
    assert np.array_equal(fast.starts, slow.starts)


def test_lower_table_maps_each_code_point_as_str_lower_where_that_is_one_code_point() -> None:
    table = lower_table()
    for code in random.Random(3).sample(range(0x110000), 5000) + [65, 90, 0xC9, 0x130, 0x3A3]:
        if 0xD800 <= code <= 0xDFFF:
            continue
        lowered = chr(code).lower()
        expected = ord(lowered) if len(lowered) == 1 and chr(code) not in ("\u0130", "\u03a3") else code
        assert table[code] == expected


def test_compiled_shingles_equal_numpy_shingles(monkeypatch: pytest.MonkeyPatch) -> None:
    words = np.random.default_rng(0).integers(0, 2**63, 500, dtype=np.uint64)
    fast = [shingle_hashes(words[:k], n) for k in (0, 1, 3, 500) for n in (1, 4, 13)]
    monkeypatch.setattr(hashing, "kernels", lambda: None)
    slow = [shingle_hashes(words[:k], n) for k in (0, 1, 3, 500) for n in (1, 4, 13)]
    assert all(np.array_equal(a, b) for a, b in zip(fast, slow, strict=True))


def test_scan_without_numba_gives_the_same_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, _ = make_documents(seed=4)
    docs[0]["text"] = docs[0]["text"].upper() + " ΟΔΟΣ İstanbul ﬁnal"
    corpus = write_jsonl(tmp_path / "c.jsonl", docs)
    fast = run_overlap(make_items(), [str(corpus)], tmp_path / "fast").matches
    for module in (hashing, index_module, windows_module, minhash_module):
        monkeypatch.setattr(module, "kernels", lambda: None)
    slow = run_overlap(make_items(), [str(corpus)], tmp_path / "slow").matches
    assert len(fast) >= 2 and fast.equals(slow)


def test_compiled_window_signatures_equal_numpy_and_datasketch() -> None:
    from datasketch import MinHash

    from detector.text import MinHasher

    hasher = MinHasher(64, 1)
    rng = np.random.default_rng(1)
    hashes = rng.integers(0, 2**32, 3000, dtype=np.uint64).astype(np.uint32)
    starts = rng.integers(0, 2900, 200)
    ends = starts + rng.integers(1, 100, 200)
    fast = hasher.range_signatures(hashes, starts, ends)
    assert np.array_equal(fast, hasher.range_signatures(hashes, starts, ends, compiled_ok=False))
    reference = MinHash(64, 1, hashfunc=int, scheme="affine32")
    reference.update_batch([int(h) for h in hashes[starts[0] : ends[0]]])
    assert np.array_equal(fast[0], reference.hashvalues)


@pytest.mark.parametrize("seed", [0, 1])
def test_compiled_windows_equal_numpy_windows(seed: int) -> None:
    from detector.overlap.index import OverlapConfig, build_index
    from detector.overlap.windows import find_candidates
    from tests.support.overlap_corpus_helpers import QUESTIONS

    index = build_index(make_items(), OverlapConfig())
    rng = random.Random(seed)
    words = " ".join(QUESTIONS).split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 400))) for _ in range(40)]
    texts[3] += " " + QUESTIONS[0]
    tokens = tokenize("\n".join(texts))
    shingles = shingle_hashes(tokens.hashes, 4)
    doc_of_word = np.cumsum([0] + [len(split_words(t)) for t in texts])
    word_doc = np.searchsorted(doc_of_word, np.arange(len(tokens)), side="right") - 1
    shingle_doc = np.where(word_doc[: len(shingles)] == word_doc[3:], word_doc[: len(shingles)], -1)
    counts = np.maximum(np.diff(doc_of_word) - 3, 0)
    found = [find_candidates(index, shingles, shingle_doc, doc_of_word[:-1], counts, compiled_ok=flag)
             for flag in (True, False)]
    assert len(found[1].doc) > 0
    keys = [sorted(zip(f.doc.tolist(), f.start.tolist(), f.end.tolist(), f.part.tolist(),
                       f.estimated_jaccard.tolist(), strict=True)) for f in found]
    assert keys[0] == keys[1]
