"""Answer extraction on what real instruction-tuned models write (each case failed before its fix)."""

import pytest

from detector.scoring import extract_choice, extract_number, numbers_equal, same_answer, score_response
from detector.types import BenchmarkItem

ABCD = ("A", "B", "C", "D")
COLOURS = ("red", "green", "blue", "yellow")


@pytest.mark.parametrize(
    ("text", "gold"),
    [
        ("So the total is \\boxed{42}.", "42"),
        ("The probability is \\boxed{\\frac{3}{4}}.", "0.75"),
        ("\\[\\boxed{\\dfrac{3}{4}}\\]", "0.75"),
        ("\\boxed{-\\frac{1}{2}}", "-0.5"),
        ("The final answer is $\\boxed{\\$18}$. I hope it is correct.", "18"),
        ("\\boxed{18 \\text{ apples}}", "18"),
        ("\\boxed{x = 7}", "7"),
        ("\\boxed{1\\,000}", "1000"),
        ("The answer is $1,234.50.", "1234.5"),
        ("She earns 42 dollars.", "42"),
        ("The answer is: **42**", "42"),
        ("Final Answer: 42.", "42"),
        ("The answer is 42. I hope this helps! Ask me 2 more questions anytime.", "42"),
        ("The answer is -5.", "-5"),
        ("The answer is $-5$.", "-5"),
        ("The answer is 3/4.", "0.75"),
        ("The answer is 1 234 567.", "1234567"),
        ("In total 1\u202f234 dollars", "1234"),
        ("The answer is 12 apples.", "12"),
        ("The answer is 10 - 3 = 7", "7"),
        ("The answer is 5 + 3 = 8.", "8"),
        ("On 3/4/2020 she bought 5 pens.", "5"),
    ],
)
def test_numbers_real_models_write(text, gold):
    assert numbers_equal(extract_number(text), gold), extract_number(text)


def test_percentages_match_percent_and_decimal_golds():
    assert extract_number("The answer is 75%.") == "75"  # plain extraction keeps its old contract
    assert extract_number("The answer is 75%.", keep_percent=True) == "75%"
    assert extract_number("\\boxed{25\\%}", keep_percent=True) == "25%"
    assert numbers_equal("75%", "0.75") and numbers_equal("75%", "75") and numbers_equal("0.5", "50%")
    assert not numbers_equal("75", "0.75")  # without a percent sign, no scaling
    item = BenchmarkItem("g", "g/0", "What fraction?", "0.75", metadata={"kind": "math"})
    assert score_response(item, "So 75 percent of them.").correct is True
    assert score_response(item, "The answer is \\boxed{\\frac{3}{4}}").correct is True
    assert same_answer("math", "75%", "75")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(B)", "B"),
        ("B.", "B"),
        ("Option B", "B"),
        ("**Answer: C**", "C"),
        ("answer: c", "C"),
        ("Therefore, the answer is **B**.", "B"),
        # the model repeats every option before answering: not the first (or last) listed label
        ("The options are:\nA) red\nB) green\nC) blue\nD) yellow\n\nThe sky is blue: the answer is C", "C"),
        ("A. red\nB. green\nC. blue\nD. yellow\nThe correct option is blue.", "C"),
        ("Let's check each option.\nA) red - no\nB) green - no\nC) blue - yes\nD) yellow - no\nSo C.", "C"),
        ("A) red\nB) green\nC) blue\nD) yellow", None),
        ("both A and C", None),
        ("The answer is A or C.", None),
        ("The answer is A/C", None),
        ("Answer: A and C", None),
        ("The answer is B and A is wrong.", "B"),
        ("The answer is C, not B.", "C"),
        ("C) blue\n\nThe others are wrong.", "C"),
    ],
)
def test_choices_real_models_write(text, expected):
    assert extract_choice(text, ABCD, COLOURS) == expected


def test_listing_without_option_texts_is_not_an_answer():
    listing = "A) red\nB) green\nC) blue\nD) yellow\n"
    assert extract_choice(listing, ABCD) is None
    assert extract_choice(listing + "So C.", ABCD) == "C"


@pytest.mark.parametrize(
    ("labels", "text", "expected"),
    [
        (("1", "2", "3", "4"), "1. red\n2. green\n3. blue\n4. yellow\nAnswer: 3", "3"),
        (("1", "2", "3", "4"), "The answer is 2 or 3", None),
        (("1", "2", "3", "4"), "The answer is option 2.", "2"),
        (("i", "ii", "iii", "iv"), "I think the answer is iii", "iii"),
        (("i", "ii", "iii", "iv"), "i) red\nii) green\niii) blue\niv) yellow\nAnswer: iv", "iv"),
        (("i", "ii", "iii", "iv"), "(ii)", "ii"),
    ],
)
def test_other_label_schemes(labels, text, expected):
    assert extract_choice(text, labels, COLOURS) == expected


def test_thinking_blocks_of_reasoning_models_are_not_the_answer():
    math = BenchmarkItem("g", "g/0", "q", "18", metadata={"kind": "math"})
    text = "<think>Maybe the answer is 20? No: 12 + 6.</think>\n\nShe has 18 apples."
    assert score_response(math, text).correct is True
    assert score_response(math, "So the answer is 20?</think>\nShe has 18 apples.").correct is True
    mc = BenchmarkItem("m", "m/0", "q", "C", choices=COLOURS, labels=ABCD)
    assert score_response(mc, "<think>The answer is A? Hmm, no.</think>\nC) blue").extracted == "C"
    assert score_response(math, "<think>The answer is 18</think>").correct is True  # nothing else said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He had 3 apples. The answer is six.", "6"),
        ("The answer is twenty-five.", "25"),
        ("It took 3 days. The answer is one hundred", "3"),  # not misread as 1: falls back to digits
        ("The answer is \\$18.", "18"),
    ],
)
def test_number_words_and_escaped_dollars_after_the_marker(text, expected):
    assert extract_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I would choose C.", "C"),
        ("I'll go with B.", "B"),
        ("Therefore, C is the correct answer.", "C"),
        ("A is wrong, C is correct.", "C"),
        ("A is incorrect.", None),
        ("a is the best way to see it", None),  # an article, not a label
    ],
)
def test_choices_stated_with_verbs(text, expected):
    assert extract_choice(text, ABCD, COLOURS) == expected


def test_a_base_model_running_on_into_a_new_example_is_read_up_to_it():
    math = BenchmarkItem("g", "g/0", "q", "18", metadata={"kind": "math"})
    text = (" 16 - 3 - 4 = 9 eggs, 9 * 2 = 18.\nThe answer is 18.\n\nProblem: A robe takes 2 bolts...\n"
            "Solution: 2 + 1 = 3.\nThe answer is 3.")
    assert score_response(math, text).extracted == "18"
    mc = BenchmarkItem("m", "m/0", "q", "B", choices=COLOURS, labels=ABCD)
    running_on = " The answer is B.\n\nQuestion: Which is hot?\nA. ice\nAnswer: The answer is A."
    assert score_response(mc, running_on).extracted == "B"
    restated = "Question: what is 9 * 2?\nSolution: 9 * 2 = 18. The answer is 18."  # a restatement, kept
    assert score_response(math, restated).extracted == "18"
    assert score_response(math, "Let me restate.\nQuestion: 9 * 2?\nThe answer is 18.").extracted == "18"


def test_a_bare_answer_before_a_new_example_is_the_answer():
    mc = BenchmarkItem("m", "m/0", "q", "B", choices=COLOURS, labels=ABCD)
    running_on = " B\n\nQuestion: Which is hot?\nA. ice\nAnswer: The answer is A."
    assert score_response(mc, running_on).extracted == "B"
    math = BenchmarkItem("g", "g/0", "q", "18", metadata={"kind": "math"})
    assert score_response(math, " 18 eggs\n\nProblem: A robe?\nSolution: The answer is 3.").extracted == "18"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The final answer is \\boxed{B}.", "B"),
        ("\\[\\boxed{\\text{C}}\\]", "C"),
        ("Thus the answer is $\\boxed{(D)}$", "D"),
        ("\\boxed{42}", None),
    ],
)
def test_boxed_labels(text, expected):
    assert extract_choice(text, ABCD, COLOURS) == expected
