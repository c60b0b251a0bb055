"""The numpy MinHash and LSH join agree exactly with datasketch."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from detector.overlap.lsh import BandIndex, band_params
from detector.text import MinHasher, estimate_jaccard, shingle_hash32, text_shingle_hashes, word_shingles

TEXTS = [
    "Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning.",
    "A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts?",
    "Josh decides to try flipping a house. He buys a house for $80,000 and puts in repairs.",
]


def _datasketch(text: str, num_perm: int, seed: int) -> MinHash:
    minhash = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash32)
    for shingle in word_shingles(text, 3):
        minhash.update(shingle)
    return minhash


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7)])
def test_signature_bit_identical_to_datasketch(num_perm: int, seed: int) -> None:
    hasher = MinHasher(num_perm, seed)
    for text in TEXTS:
        ours = hasher.signature(text_shingle_hashes(text, 3))
        assert np.array_equal(ours, _datasketch(text, num_perm, seed).hashvalues)


def test_range_signatures_equal_per_window_signatures() -> None:
    hasher = MinHasher(32, 3)
    hashes = np.random.default_rng(0).integers(0, 2**32, 200, dtype=np.uint32)
    starts = np.array([0, 5, 10, 150, 199])
    ends = np.array([40, 45, 50, 200, 200])
    got = hasher.range_signatures(hashes, starts, ends)
    for row, (s, e) in enumerate(zip(starts, ends, strict=True)):
        assert np.array_equal(got[row], hasher.signature(hashes[s:e]))
    with pytest.raises(ValueError):
        hasher.range_signatures(hashes, np.array([3]), np.array([3]))


def test_estimate_jaccard_matches_datasketch() -> None:
    hasher = MinHasher(128, 1)
    a = hasher.signature(text_shingle_hashes(TEXTS[0] + " " + TEXTS[1], 3))
    b = hasher.signature(text_shingle_hashes(TEXTS[0], 3))
    expected = _datasketch(TEXTS[0] + " " + TEXTS[1], 128, 1).jaccard(_datasketch(TEXTS[0], 128, 1))
    assert estimate_jaccard(a, b)[0] == pytest.approx(expected)


@pytest.mark.parametrize("threshold", [0.2, 0.5])
def test_band_index_equals_minhashlsh_query(threshold: float) -> None:
    rng = np.random.default_rng(1)
    hasher = MinHasher(128, 1)
    universe = rng.integers(0, 2**32, 80, dtype=np.uint32)
    indexed = [rng.choice(universe, rng.integers(5, 60)) for _ in range(60)]
    queries = [rng.choice(universe, rng.integers(5, 60)) for _ in range(40)]
    index_sigs = hasher.signatures(indexed)
    query_sigs = hasher.signatures(queries)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for key, sig in enumerate(index_sigs):
        lsh.insert(key, MinHash(num_perm=128, hashvalues=sig, scheme="affine32"))
    expected = {
        (q, key)
        for q, sig in enumerate(query_sigs)
        for key in lsh.query(MinHash(num_perm=128, hashvalues=sig, scheme="affine32"))
    }
    index = BandIndex(index_sigs, threshold, 128)
    assert (index.bands, index.rows) == (lsh.b, lsh.r)
    got_q, got_i = index.query(query_sigs)
    assert set(zip(got_q.tolist(), got_i.tolist(), strict=True)) == expected
    assert expected  # the random sets overlap enough to produce candidates


def test_band_params_rejects_bad_threshold() -> None:
    with pytest.raises(ValueError):
        band_params(1.5, 128)
