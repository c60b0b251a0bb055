"""detector.text: hand-computed Jaccard values, the empty-text convention, and agreement with
datasketch wherever the code it replaced relied on datasketch."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from detector.overlap.lsh import band_params
from detector.scoring import continuation_similarity
from detector.scoring.solution_echo import minhash_jaccard, signature, solution_echo
from detector.text import (
    EMPTY_SIMILARITY,
    MinHasher,
    affine_permutations,
    exact_jaccard,
    jaccard,
    marked_tokens,
    plain_shingles,
    plain_text,
    plain_words,
    shingle_jaccard,
    signature_similarity,
    split_words,
    token_shingle_set,
    word_shingles,
)

SOLUTIONS = [
    "Natalia sold 48/2 = <<48/2=24>>24 clips in May. Natalia sold 48+24 = <<48+24=72>>72 clips.",
    "Weng earns 12/60 = $0.2 per minute. Working 50 minutes, she earned 0.2 x 50 = $10.",
    "Betty has only 100 / 2 = $50. Her grandparents gave her 15 * 2 = $30. #### 5",
    "Ünïcode café, naïve — “quoted” x2 snake_case ﬁne",
    "two words",
    "one",
]


# ------------------------------------------------------------------ word rules


def test_marked_tokens_keep_case_and_every_punctuation_mark() -> None:
    # an underscore is neither alphanumeric nor punctuation to this rule: it only separates
    assert marked_tokens("Is 3+4=7? (A) yes_no") == ["Is", "3", "+", "4", "=", "7", "?", "(", "A", ")",
                                                     "yes", "no"]


def test_scan_and_plain_words_differ_on_underscores_and_nfkc() -> None:
    # The rules really differ, so both stay (changing one would change outputs).
    assert split_words("snake_case ﬁne") == ["snake", "case", "fine"]
    assert plain_words("snake_case ﬁne") == ["snake_case", "ﬁne"]


def test_plain_text_is_the_old_continuation_normaliser_on_every_code_point() -> None:
    # Continuation scoring used " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split()).
    # One string of all code points in order: a character the two rules split differently
    # would change the result (it would join or split its neighbours).
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    old = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    assert plain_text(text) == old
    assert plain_text("Hello,   World!\n") == "hello world"


# ------------------------------------------------------------------ shingles and exact Jaccard


def test_token_shingle_jaccard_hand_computed() -> None:
    a = token_shingle_set("the cat sat on the mat", 3)
    b = token_shingle_set("the cat sat on a mat", 3)
    assert a == {"the cat sat", "cat sat on", "sat on the", "on the mat"}
    # shared {the cat sat, cat sat on}; union 4 + 4 - 2 = 6
    assert exact_jaccard(a, b) == 2 / 6
    assert exact_jaccard(a, a) == 1.0
    # short texts are one shingle of all their tokens; case matters
    assert token_shingle_set("(A) B", 5) == {"( A ) B"}
    assert exact_jaccard(token_shingle_set("A", 3), token_shingle_set("a", 3)) == 0.0


def test_scan_word_jaccard_hand_computed() -> None:
    assert word_shingles("One two, three", 2) == ["one two", "two three"]
    assert jaccard(["a", "b", "c"], ["b", "c", "d"]) == 2 / 4
    # shingles {one..five, two..six} vs {one..five, two..seven}: 1 shared of 3
    assert shingle_jaccard("one two three four five six", "One two three four five SEVEN") == 1 / 3


def test_plain_shingles_are_bigrams_or_single_words() -> None:
    assert plain_shingles("A b, c", 2) == ["a b", "b c"]
    assert plain_shingles("Only", 2) == ["only"]
    assert plain_shingles("two words", 3) == ["two", "words"]
    with pytest.raises(ValueError, match="shingle size"):
        plain_shingles("x", 0)


# ------------------------------------------------------------------ one convention for empty texts


def test_an_empty_text_is_similar_to_nothing_not_even_another_empty_text() -> None:
    assert EMPTY_SIMILARITY == 0.0
    assert token_shingle_set(" \n ", 3) == frozenset()
    assert word_shingles("!!", 5) == [] and plain_shingles("...", 2) == []
    assert exact_jaccard(frozenset(), frozenset()) == 0.0
    assert exact_jaccard(frozenset(), token_shingle_set("a b c", 3)) == 0.0
    assert jaccard([], []) == 0.0 and shingle_jaccard("", "") == 0.0
    assert signature(" ... ") is None
    assert minhash_jaccard("", "") == 0.0 and minhash_jaccard("a b", "") == 0.0
    assert signature_similarity(None, np.zeros(4, dtype=np.uint32)) == 0.0
    assert continuation_similarity("", "") == 0.0 and continuation_similarity("x", "!") == 0.0
    # a text that only holds punctuation still has marked tokens
    assert exact_jaccard(token_shingle_set("?!", 3), token_shingle_set("? !", 3)) == 1.0


# ------------------------------------------------------------------ agreement with datasketch


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (5, 123456)])
def test_affine_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    a, b = affine_permutations(num_perm, seed)
    reference = MinHash(num_perm=num_perm, seed=seed)
    assert reference.scheme == "affine32"
    np.testing.assert_array_equal(a, reference.permutations[0])
    np.testing.assert_array_equal(b, reference.permutations[1])
    assert a.dtype == np.uint32 and np.all(a & 1 == 1)


def _old_echo_signature(text: str) -> np.ndarray | None:
    """The solution-echo signature as it was computed before: datasketch over bigram bytes."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 2:
        grams = [w.encode("utf-8") for w in words]
    else:
        grams = [" ".join(words[i : i + 2]).encode("utf-8") for i in range(len(words) - 1)]
    if not grams:
        return None
    minhash = MinHash(num_perm=128, seed=1)
    minhash.update_batch(grams)
    return minhash.hashvalues


@pytest.mark.parametrize("text", SOLUTIONS)
def test_echo_signature_bit_identical_to_datasketch(text: str) -> None:
    old = _old_echo_signature(text)
    assert old is not None
    new = signature(text)
    assert new is not None
    np.testing.assert_array_equal(new, old)


def test_echo_similarity_equals_datasketch_estimate() -> None:
    for left in SOLUTIONS:
        for right in SOLUTIONS:
            a, b = _old_echo_signature(left), _old_echo_signature(right)
            assert a is not None and b is not None
            assert minhash_jaccard(left, right) == float(np.count_nonzero(a == b)) / 128
    parent, own = solution_echo(SOLUTIONS[0], SOLUTIONS[0], SOLUTIONS[1])
    assert parent == 1.0 and own < 0.2


def test_minhasher_signature_is_datasketchs_for_any_hashes() -> None:
    rng = np.random.default_rng(5)
    hashes = rng.integers(0, 1 << 32, 300, dtype=np.uint64).astype(np.uint32)
    reference = MinHash(num_perm=96, seed=3, hashfunc=int)
    reference.update_batch(hashes.tolist())
    np.testing.assert_array_equal(MinHasher(96, 3).signature(hashes), reference.hashvalues)


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 128), (0.7, 128), (0.8, 128), (0.9, 64)])
def test_band_params_are_datasketchs(threshold: float, num_perm: int) -> None:
    reference = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert band_params(threshold, num_perm) == (reference.b, reference.r)


# ------------------------------------------------------------------ the package's imports


def test_text_package_imports_only_the_standard_library_numpy_and_types() -> None:
    allowed = set(sys.stdlib_module_names) | {"numpy", "numba"}  # numba: optional compiled kernels
    for path in sorted((Path(__file__).parents[2] / "detector" / "text").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                ours = name == "detector.types" or name.startswith("detector.text")
                assert ours or name.split(".")[0] in allowed, f"{path}: imports {name}"
