"""The values a numeric variable may take in a draw: about x0.5-x2 of the original, keeping its
roundness (multiples of 10, 5...) or stepping by a divisor of the original."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

from probes.numeric.template.template import Var


def _roundness_step(original: int, low: int, high: int) -> int:
    digits = str(original)
    zeros = len(digits) - len(digits.rstrip("0"))
    for candidate in (10**zeros, 5 * 10 ** max(zeros - 1, 0), 10 ** max(zeros - 1, 0)):
        if (high // candidate) - ((low + candidate - 1) // candidate) + 1 >= 5:
            return candidate
    return 1


def _divisor_step(original: int, low: int, high: int) -> int:
    """The largest divisor of the original that still leaves at least 3 other multiples in range."""
    root = int(original**0.5)
    # the divisors from the largest down, without listing them all: most searches stop early
    for k in range(1, root + 1):  # original // k: the divisors from the largest down to the root
        if original % k == 0:
            divisor = original // k
            if (high // divisor) - ((low + divisor - 1) // divisor) + 1 >= 4:
                return divisor
    for divisor in range(root, 0, -1):  # then those below the root
        if original % divisor == 0 and (high // divisor) - ((low + divisor - 1) // divisor) + 1 >= 4:
            return divisor
    return 1


class Range(NamedTuple):
    """A variable's draws: scaled values (x 10**decimals) from low to high, by one of two steps.
    (A NamedTuple: immutable and about 3x faster to build than a frozen dataclass.)"""

    original: int
    scale: int
    low: int
    high: int
    steps: tuple[int, int]


def _scaled(value: Fraction, scale: int) -> int:
    """`int(value * scale)` (toward zero) in integer arithmetic, without making a Fraction."""
    whole = abs(value.numerator) * scale // value.denominator
    return whole if value.numerator >= 0 else -whole


def value_range(var: Var) -> Range:
    scale = 10**var.decimals
    original = _scaled(var.value, scale)
    low = max(2, original // 2)
    high = max(original * 2, original + 8)
    if var.percent and original <= 100 * scale:
        high = min(high, 100 * scale - 1)
    if var.cap is not None:
        high = min(high, _scaled(var.cap, scale))
    return Range(original, scale, low, high,
                  (_roundness_step(original, low, high), _divisor_step(original, low, high)))


_TIME_OR_AGE_AFTER = re.compile(
    r"\s*(?:-\s*)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|nights?|mph|miles per hour|"
    r"%|percent)\b", re.IGNORECASE)


def stretchable(question: str, var: Var) -> bool:
    """Whether a number may go past x2 when nothing else works: not a duration, age or rate that a
    day, a life or a whole caps ("7 hours on Saturday" may not become 28), nor a decimal."""
    return var.decimals == 0 and not var.percent and not any(
        _TIME_OR_AGE_AFTER.match(question, m.end) for m in var.mentions)
