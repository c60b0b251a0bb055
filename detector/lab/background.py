"""Generated background text for the lab when no real background corpus is given.

Short English word problems with worked solutions in GSM8K's style (`<<a+b=c>>` annotations
and a final `#### N`), made from templates with seeded random names, objects and numbers.
They teach a small model the shape of a worked solution without containing any benchmark item.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from detector.types import BenchmarkItem, stable_seed

NAMES = (
    "Ava", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jamal", "Keiko", "Liam",
    "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yusuf",
)
THINGS = (
    "apples", "marbles", "stickers", "books", "pencils", "cookies", "stamps", "shells", "cards",
    "oranges", "balloons", "cupcakes", "toy cars", "flowers", "eggs", "coins",
)
PLACES = ("the market", "the fair", "school", "the library", "the bakery", "the park", "the shop")

Template = Callable[[random.Random, str, str], tuple[str, str, int]]


def _buy_more(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    a, b = rng.randint(3, 90), rng.randint(2, 60)
    c = a + b
    place = rng.choice(PLACES)
    q = f"{name} has {a} {thing}. At {place} {name} gets {b} more. How many {thing} does {name} have now?"
    s = f"{name} has {a}+{b} = <<{a}+{b}={c}>>{c} {thing} now."
    return q, s, c


def _give_away(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    a = rng.randint(20, 120)
    b = rng.randint(1, a - 1)
    c = a - b
    friend = rng.choice(NAMES)
    q = f"{name} had {a} {thing} and gave {b} of them to {friend}. How many {thing} does {name} have left?"
    s = f"{name} has {a}-{b} = <<{a}-{b}={c}>>{c} {thing} left."
    return q, s, c


def _boxes(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    a, b = rng.randint(2, 15), rng.randint(3, 24)
    c = a * b
    q = f"{name} packs {thing} into {a} boxes with {b} {thing} in each box. How many {thing} are packed?"
    s = f"There are {a}*{b} = <<{a}*{b}={c}>>{c} {thing} in the boxes."
    return q, s, c


def _share(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    b, c = rng.randint(2, 9), rng.randint(2, 25)
    a = b * c
    q = f"{name} shares {a} {thing} equally among {b} friends. How many {thing} does each friend get?"
    s = f"Each friend gets {a}/{b} = <<{a}/{b}={c}>>{c} {thing}."
    return q, s, c


def _price(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    n, p, paid_extra = rng.randint(2, 12), rng.randint(2, 15), rng.randint(1, 40)
    cost = n * p
    paid = cost + paid_extra
    q = (
        f"{name} buys {n} {thing} at ${p} each and pays with ${paid}. "
        f"How much change does {name} get back?"
    )
    s = (
        f"The {thing} cost {n}*{p} = $<<{n}*{p}={cost}>>{cost}.\n"
        f"{name} gets {paid}-{cost} = $<<{paid}-{cost}={paid_extra}>>{paid_extra} back."
    )
    return q, s, paid_extra


def _weekly(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    per_day, days, weeks = rng.randint(2, 12), rng.randint(2, 7), rng.randint(2, 6)
    week = per_day * days
    total = week * weeks
    q = (
        f"{name} makes {per_day} {thing} a day, {days} days a week. "
        f"How many {thing} does {name} make in {weeks} weeks?"
    )
    s = (
        f"In one week {name} makes {per_day}*{days} = <<{per_day}*{days}={week}>>{week} {thing}.\n"
        f"In {weeks} weeks that is {week}*{weeks} = <<{week}*{weeks}={total}>>{total} {thing}."
    )
    return q, s, total


def _half_then_more(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    a = 2 * rng.randint(5, 60)
    half = a // 2
    b = rng.randint(1, 30)
    c = half + b
    q = (
        f"{name} had {a} {thing}, lost half of them, and then found {b} more. "
        f"How many {thing} does {name} have?"
    )
    s = (
        f"After losing half, {name} has {a}/2 = <<{a}/2={half}>>{half} {thing}.\n"
        f"Then {name} has {half}+{b} = <<{half}+{b}={c}>>{c} {thing}."
    )
    return q, s, c


def _two_friends(rng: random.Random, name: str, thing: str) -> tuple[str, str, int]:
    friend = rng.choice([n for n in NAMES if n != name])
    a, k = rng.randint(3, 40), rng.randint(2, 5)
    b = a * k
    c = a + b
    q = (
        f"{name} has {a} {thing}. {friend} has {k} times as many {thing} as {name}. "
        f"How many {thing} do they have together?"
    )
    s = (
        f"{friend} has {a}*{k} = <<{a}*{k}={b}>>{b} {thing}.\n"
        f"Together they have {a}+{b} = <<{a}+{b}={c}>>{c} {thing}."
    )
    return q, s, c


TEMPLATES: tuple[Template, ...] = (
    _buy_more, _give_away, _boxes, _share, _price, _weekly, _half_then_more, _two_friends,
)


def generate_background(n: int, seed: int) -> list[BenchmarkItem]:
    """Return `n` generated word problems with worked solutions; the same for the same seed."""
    items = []
    for index in range(n):
        rng = random.Random(stable_seed(seed, "lab-background", index))
        template = TEMPLATES[rng.randrange(len(TEMPLATES))]
        question, solution, answer = template(rng, rng.choice(NAMES), rng.choice(THINGS))
        items.append(
            BenchmarkItem(
                benchmark="lab_background",
                item_id=f"lab_background/{index}",
                question=question,
                answer=str(answer),
                solution=solution,
                metadata={"kind": "math"},
            )
        )
    return items


GENERATED_DOCUMENTS = 6000


def load_background(source: str | None, seed: int) -> tuple[list[BenchmarkItem], str]:
    """Background items from `source` (any file `load_benchmark` reads, e.g. GSM8K train) or,
    without a source, `GENERATED_DOCUMENTS` generated word problems. Returns them and a description.

    Raises:
        BenchmarkFormatError: bad background file.
    """
    if source is None:
        return generate_background(GENERATED_DOCUMENTS, seed), f"generated:{GENERATED_DOCUMENTS}"
    from detector.benchmarks import load_benchmark

    loaded = load_benchmark(source)
    return list(loaded.items), loaded.path
