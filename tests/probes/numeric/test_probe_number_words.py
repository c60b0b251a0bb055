import re

from probes.numeric.question.number_words import FIXED_WORDS, prefix_alternation


def test_prefix_alternation_matches_exactly_its_words():
    words = ["ten", "two", "twelve", "twenty", "thirteen", "a", "an", "one", "once"]
    assert prefix_alternation(["ten", "two"]) == "t(?:en|wo)"
    pattern = re.compile(rf"(?:{prefix_alternation(words)})")
    assert all(pattern.fullmatch(word) for word in words)
    assert not any(pattern.fullmatch(word) for word in ["t", "tw", "twe", "o", "on", "onc", "twentys", ""])
    fixed = re.compile(rf"(?:{prefix_alternation(FIXED_WORDS)})")
    assert all(fixed.fullmatch(word) for word in FIXED_WORDS)
