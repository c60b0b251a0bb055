"""The safe arithmetic evaluator: exact results, and nothing but arithmetic is accepted."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probes.numeric.solution.arithmetic import (
    ExpressionError,
    _parse_flat,
    _Parser,
    evaluate_text,
    evaluates_to,
    format_number,
    parse_expression,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16-3-4", Fraction(9)),
        ("2*(12+7)", Fraction(38)),
        ("100*.3", Fraction(30)),
        ("6*3/4", Fraction(9, 2)),
        ("80,000+50,000", Fraction(130000)),
        ("-48+21+(-3)", Fraction(-30)),
        ("$7.50 x 4", Fraction(30)),
        ("54 − 37", Fraction(17)),
        ("10/3", Fraction(10, 3)),
        ("2-3-4", Fraction(-5)),  # left associative
        ("2+3*4", Fraction(14)),  # precedence
        ("2(40+9)", Fraction(98)),  # a bracket right after an operand multiplies it
        ("250(.40)", Fraction(100)),
        ("(1/2)(68)+10", Fraction(44)),
        ("40+2(120)", Fraction(280)),
        ("(1/2) 278 + 11", Fraction(150)),
    ],
)
def test_evaluates_exactly(text, expected):
    assert evaluate_text(text) == expected


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("2+3*4", Fraction(14), True), ("2+3*4", Fraction(29, 2), False), ("2+3*4", Fraction(15), False),
    ("10/3", Fraction(10, 3), True), ("10/3", Fraction(3), False), ("1/2+1/2", Fraction(1), True),
])
def test_evaluates_to_compares_exactly(text, value, expected):
    assert evaluates_to(parse_expression(text), value) is expected


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "2**10",
        "abs(-3)",
        "a+1",
        "1+",
        "(1+2",
        "1 2",
        "",
        "3;4",
        "lambda: 1",
        "1e5",
        "[1,2]",
        "0b10",
        "10 % 3",
        "1 == 1",
    ],
)
def test_rejects_anything_but_arithmetic(text):
    with pytest.raises(ExpressionError):
        evaluate_text(text)


def test_division_by_zero_is_an_expression_error():
    with pytest.raises(ExpressionError):
        evaluate_text("5/(2-2)")


def test_literals_are_numbered_with_spans():
    tree = parse_expression("12 * 3.5 + 4")
    from probes.numeric.solution.arithmetic import literals

    nums = literals(tree)
    assert [n.value for n in nums] == [12, Fraction(7, 2), 4]
    assert [n.index for n in nums] == [0, 1, 2]
    assert "12 * 3.5 + 4"[nums[1].start : nums[1].end] == "3.5"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Fraction(18), None, "18"),
        (Fraction(7, 2), None, "3.5"),
        (Fraction(5, 2), 2, "2.50"),
        (Fraction(-3, 4), None, "-0.75"),
        (Fraction(1, 8), None, "0.125"),
        (Fraction(1000), None, "1000"),
    ],
)
def test_format_number(value, decimals, text):
    assert format_number(value, decimals) == text


def test_format_number_refuses_repeating_decimals():
    with pytest.raises(ExpressionError):
        format_number(Fraction(1, 3))


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(0, 10**4))
def test_agrees_with_integer_arithmetic(a, b, c):
    assert evaluate_text(f"({a} + {c}) * {b} - {c} / {b}") == Fraction(a + c) * b - Fraction(c, b)


@pytest.mark.parametrize("text", ["7", "16-3-4", "2+3*4-6/2", "$7.50 x 4 ÷ 3", "1,000 - .5*2 + 3"])
def test_flat_expressions_parse_as_the_general_parser_does(text):
    tokens = tokenize(text)
    assert _parse_flat(tokens) == _Parser(text, tokens).parse()


@pytest.mark.parametrize("text", ["2*(3+4)", "-5+2", "2(40+9)", "3 4", "3+", ""])
def test_other_expressions_are_left_to_the_general_parser(text):
    assert _parse_flat(tokenize(text)) is None
