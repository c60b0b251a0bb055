"""`numeric`: the compiled exact chain computes what `execute` does, whole values as ints."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from probes.numeric.drawing.float_chain import Chains, compile_chain, divide_exactly, exact_number
from probes.numeric.solution.arithmetic import ExpressionError
from probes.numeric.template.execution import alternative_choices, execute
from probes.numeric.template.template import Template
from tests.support.numeric_items import make_template

DISCOUNT = make_template(
    "A coat costs $80 and is sold at 25% off. Tax of 10% is added to the sale price. What is paid?",
    "The sale price is 80 * 0.75 = $<<80*0.75=60>>60.\nWith tax: 60 * 1.1 = $<<60*1.1=66>>66.\n#### 66",
)
GAP = make_template(
    "There are 120 coins. A jar holds 40 coins and two bags of 15 coins each are taken from it. The 120 "
    "coins are shared equally among the coins left in the jar. How many coins does each one get?",
    "Each gets 120 / (40 - 2 * 15) = <<120/(40-2*15)=12>>12 coins.\n#### 12",
)


def test_divide_exactly_keeps_whole_quotients_as_ints() -> None:
    assert type(divide_exactly(12, 4)) is int and divide_exactly(-12, 4) == -3
    assert divide_exactly(1, 3) == Fraction(1, 3)
    assert divide_exactly(Fraction(1, 2), 2) == Fraction(1, 4)
    assert divide_exactly(3, Fraction(1, 2)) == 6
    for zero in (0, Fraction(0)):
        with pytest.raises(ZeroDivisionError):
            divide_exactly(1, zero)
    assert type(exact_number(Fraction(6))) is int and exact_number(Fraction(3, 2)) == Fraction(3, 2)


@pytest.mark.parametrize("template", [DISCOUNT, GAP], ids=["discount", "gap"])
def test_exact_chain_computes_what_execute_does(template: Template) -> None:
    chain = compile_chain(template, exact=True)
    base = [var.value for var in template.variables]
    for scale in itertools.product((Fraction(1, 2), Fraction(3, 4), 1, 2), repeat=len(base)):
        values = [value * factor for value, factor in zip(base, scale, strict=True)]
        numbers = [exact_number(value) for value in values]
        try:
            expected = execute(template, values)[0]
        except ExpressionError:  # a zero divisor: the chain raises too
            with pytest.raises(ZeroDivisionError):
                results: list[int | Fraction] = []
                for fn in chain:
                    results.append(fn(numbers, results))
            continue
        results = []
        for fn in chain:
            results.append(fn(numbers, results))
        assert results == expected


def test_an_alternative_from_its_first_changed_step_computes_what_execute_does() -> None:
    # the 60 of 60*60 is the result 5*12 or 60 minutes an hour: three alternative readings
    template = make_template(
        "Sam walks 5 laps of 12 minutes each. How many seconds does he walk?",
        "He walks 5*12 = <<5*12=60>>60 minutes.\nThat is 60*60 = <<60*60=3600>>3600 seconds.\n#### 3600",
    )
    alternatives = alternative_choices(template)
    assert alternatives
    chains = Chains(template, alternatives, exact=True)
    for values in ([Fraction(5), Fraction(12)], [Fraction(7), Fraction(15, 2)]):
        numbers = [exact_number(value) for value in values]
        primary: list[int | Fraction] = []
        for fn in chains.primary:
            primary.append(fn(numbers, primary))
        assert primary == execute(template, values)[0]
        for k, choice in enumerate(alternatives):
            first, tail = chains.alternative(k)
            other = primary[:first]
            for fn in tail:
                other.append(fn(numbers, other))
            assert other == execute(template, values, choice)[0]
