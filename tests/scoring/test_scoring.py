import pytest

from detector.scoring import (
    continuation_similarity,
    extract_choice,
    extract_number,
    normalize_number,
    numbers_equal,
    same_answer,
    score_response,
)
from detector.types import BenchmarkItem

ABCD = ("A", "B", "C", "D")
OPTIONS = ("a cat", "two dogs", "the moon", "none")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She has 3 apples.\n#### 18", "18"),
        ("#### 1,234", "1234"),
        ("The answer is $1,234.50.", "1234.5"),
        ("So 5 + 3 = 8 apples in total. The answer is 8.", "8"),
        ("Answer: 18.00", "18"),
        ("It costs 12 dollars, then 7 more, so 19 dollars", "19"),
        ("The answer is -3 degrees", "-3"),
        ("\\boxed{42} is it; 7 was a step", "42"),
        ("The answer is 0.5", "0.5"),
        ("She pays 40% of 50 and gets 20%", "20"),
        ("no digits here", None),
        ("#### 72\nanother line with 5", "72"),
    ],
)
def test_extract_number(text, expected):
    assert extract_number(text) == expected


def test_normalize_number_and_equality():
    assert normalize_number("1,000") == "1000"
    assert normalize_number("3.50") == "3.5"
    assert normalize_number("€7") == "7"
    assert normalize_number("abc") is None
    assert numbers_equal("18.0", "18")
    assert numbers_equal("1,000", "1000.00")
    assert not numbers_equal("18", "19")
    assert not numbers_equal(None, "1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The answer is (B).", "B"),
        ("**B**", "B"),
        ("Answer: b", "B"),
        ("B) two dogs", "B"),
        ("C", "C"),
        ("(D)", "D"),
        ("I think the correct option is C because...", "C"),
        ("Let me think. A store has two dogs... The answer is D", "D"),
        ("the moon", "C"),
        ("It is clearly two dogs.", "B"),
        ("The answer is a cat", "A"),
        ("I am not sure.", None),
        ("Looking at each option, the correct one is C.", "C"),
        ("Of these, the best fit is b", "B"),
        ("", None),
    ],
)
def test_extract_choice(text, expected):
    assert extract_choice(text, ABCD, OPTIONS) == expected


def test_extract_choice_other_label_schemes():
    assert extract_choice("The answer is (3).", ("1", "2", "3", "4")) == "3"
    assert extract_choice("The answer is 42", ("1", "2", "3", "4")) is None
    assert extract_choice("Answer: Q", ("P", "Q", "R", "S")) == "Q"
    # A label outside the prompt's scheme is not an answer.
    assert extract_choice("The answer is B", ("P", "Q", "R", "S")) is None


def test_article_is_not_label():
    assert extract_choice("The answer is a triangle, see (C)", ABCD) == "C"


def test_score_response_kinds():
    math = BenchmarkItem("g", "g/0", "q", "18", metadata={"kind": "math"})
    assert score_response(math, "#### 18").correct is True
    assert score_response(math, "The answer is 17").correct is False
    assert score_response(math, None).correct is None
    mc = BenchmarkItem("m", "m/0", "q", "B", choices=OPTIONS, labels=ABCD)
    score = score_response(mc, "The answer is (B).")
    assert (score.kind, score.extracted, score.correct) == ("multiple_choice", "B", True)
    cloze = BenchmarkItem("m", "m/0~cloze~0", "q", "two dogs", metadata={"kind": "multiple_choice"})
    assert score_response(cloze, "The answer is two dogs.").correct is True
    assert score_response(cloze, "The answer is the moon.").correct is False
    cont = BenchmarkItem("g", "g/0~truncate~0", "She sold", "48 clips in April and half as many in May.")
    verbatim = score_response(cont, " 48 clips in April and half as many in May.", scoring="continuation")
    assert verbatim.correct is True and verbatim.similarity == pytest.approx(1.0)
    other = score_response(cont, "I cannot continue that.", scoring="continuation")
    assert other.correct is False and other.similarity < 0.5


def test_continuation_similarity_ignores_case_and_punctuation():
    assert continuation_similarity("Hello, World! and more", "hello world") == pytest.approx(1.0)
    assert continuation_similarity("x", "") == 0.0


def test_same_answer():
    assert same_answer("math", "18.0", "18")
    assert same_answer("multiple_choice", "B", "B")
    assert not same_answer("multiple_choice", None, "B")


def test_extract_number_survives_numbers_longer_than_decimal_precision():
    from detector.scoring.numbers import extract_number

    digits = "123456789012345678901234567890123456789"
    assert extract_number(f"The answer is {digits}.") == digits


def test_degenerate_numbers_never_crash_scoring():
    from detector.scoring.numbers import extract_number, normalize_number

    for text in ("2" * 500, "1" * 60 + ".5", "9" * 80 + "/3", "1e999999999", "0." + "0" * 300 + "1"):
        normalize_number(text)  # a value or None, never an exception
    assert normalize_number("1" * 60 + ".5") == "1" * 60 + ".5"
    assert extract_number("The answer is " + "7" * 400) == "7" * 400
