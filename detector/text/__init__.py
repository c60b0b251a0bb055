"""Text similarity, the one answer to "how similar": word rules, shingles, exact Jaccard, MinHash.

Users: variant verification (marked-token 3-shingles, exact Jaccard), solution echo
(plain-word bigrams, MinHash with datasketch's seeds), continuation scoring (plain words;
the edit ratio itself is rapidfuzz's, in `detector.scoring`) and the corpus overlap scan
(scan words, vectorised shingle hashes, MinHash). Imports only the standard library and numpy.

One convention for empty texts: a text without words is similar to nothing, another empty
text included (0.0); see `detector.text.jaccard`.
"""

from detector.text.hashing import (
    Tokens,
    hash_word,
    sha1_hash32,
    shingle_hash32,
    shingle_hashes,
    text_shingle_hashes,
    tokenize,
)
from detector.text.jaccard import EMPTY_SIMILARITY, exact_jaccard, jaccard, shingle_jaccard
from detector.text.minhash import (
    MAX_HASH,
    MinHasher,
    affine_permutations,
    estimate_jaccard,
    signature_similarity,
)
from detector.text.shingles import plain_shingles, token_shingle_set, word_shingles
from detector.text.words import (
    marked_tokens,
    normalize_text,
    plain_text,
    plain_words,
    prepare_text,
    split_words,
)

__all__ = [
    "EMPTY_SIMILARITY",
    "MAX_HASH",
    "MinHasher",
    "Tokens",
    "affine_permutations",
    "estimate_jaccard",
    "exact_jaccard",
    "hash_word",
    "jaccard",
    "marked_tokens",
    "normalize_text",
    "plain_shingles",
    "plain_text",
    "plain_words",
    "prepare_text",
    "sha1_hash32",
    "shingle_hash32",
    "shingle_hashes",
    "shingle_jaccard",
    "signature_similarity",
    "split_words",
    "text_shingle_hashes",
    "token_shingle_set",
    "tokenize",
    "word_shingles",
]
