"""`numeric`: the question's articles fit the new numbers (`an 8` -> `a 9`)."""

from __future__ import annotations

from probes.numeric.probe import NumericProbe
from probes.numeric.rewriting.articles import article_before, article_for
from tests.support.numeric_items import make_item

BAGS = make_item(
    "An 8 pound bag and a $12 bag are bought. A 3 pound bag is added. How many pounds are there?",
    "The bags weigh 8 + 3 = <<8+3=11>>11 pounds.\n#### 11",
)


def test_article_before_finds_the_article_right_before_a_number() -> None:
    question = BAGS.question
    assert article_before(question, question.index("8")).group(1) == "An"  # type: ignore[union-attr]
    assert article_before(question, question.index("12")).group(2) == " $"  # type: ignore[union-attr]
    assert article_before(question, question.index("3")).group(1) == "A"  # type: ignore[union-attr]
    assert article_before("Banana 5", 7) is None and article_before("extra 5", 6) is None


def test_article_for_fits_the_sound_and_the_case() -> None:
    assert [article_for(text, "a") for text in ("8", "11", "18,000", "9", "eight", "twelve")] == [
        "an", "an", "an", "a", "an", "a"]
    assert article_for("80", "A") == "An" and article_for("9", "An") == "A"


def test_rewritten_question_fixes_every_article() -> None:
    variant = NumericProbe().substitute(BAGS, {"8": "9", "3": "18"})
    assert variant.item.question.startswith("A 9 pound bag and a $12 bag are bought. An 18 pound bag")
    assert variant.item.answer == "27"


def test_unchanged_prose_numbers_are_written_as_before() -> None:
    # `05` and a non-ASCII digit are rewritten in plain digits even where their value is unchanged
    item = make_item(
        "Tom has 5 apples and buys 3 more. How many apples?",
        "He had ٥ apples and 05 pears.\nHe has 5 + 3 = <<5+3=8>>8 apples.\n#### 8",
    )
    solution = NumericProbe().substitute(item, {"3": "4"}).item.solution
    assert solution == "He had 5 apples and 5 pears.\nHe has 5 + 4 = <<5+4=9>>9 apples.\n"
