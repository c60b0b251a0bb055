"""Draw new values for a numeric template that keep the item's character (see probes/numeric/probe.py).

A draw is screened in floating point first (cheap), then checked exactly with fractions; only the
exact check (probes/numeric/drawing/exact.py) decides. Values keep their roundness (multiples of 10, 5,
...) or, on alternate attempts, a step that is a divisor of the original, which keeps divisions
exact more often.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import weakref
from collections.abc import Sequence
from fractions import Fraction
from functools import cached_property

from probes.numeric.drawing.coincidence import coincidences, pinned_variables
from probes.numeric.drawing.exact import Draw, exact_draw, sign_of
from probes.numeric.drawing.float_chain import Chains, FloatFn
from probes.numeric.drawing.ranges import stretchable, value_range
from probes.numeric.drawing.screen import fits_in_arrays, screen_arrays, screen_each
from probes.numeric.question.comparisons import compared_groups
from probes.numeric.solution.arithmetic import ExpressionError, decimal_places, literals
from probes.numeric.template.execution import alternative_choices
from probes.numeric.template.sources import leaves
from probes.numeric.template.template import Template

ATTEMPTS = 120
MAX_MISSES = 2
SMALL_SPACE = 1000
WIDE_SPACE = 1200  # combinations of whole values tried when the round ones give too few draws
ValuesKey = tuple[tuple[int, int], ...]  # a draw's values, as `_values_key` writes them
PERCENT_AFTER_RE = re.compile(r"(?:\d[\d,]*(?:\.\d+)?)?\s?%")


class Sampler:
    """Precomputed data for drawing values of one template.

    Values are drawn as exact integer pairs (numerator, denominator) and screened in floating point;
    fractions are made only for draws that pass the screen.
    """

    def __init__(self, template: Template) -> None:
        self.template = template
        self.free = template.free
        self.ranges = {i: value_range(template.variables[i]) for i in self.free}
        self.hidden = [(readings[0], lit.value)  # (reading, value): computed by an unwritten operation
                       for step, row in zip(template.steps, template.sources, strict=True)
                       for lit, readings in zip(literals(step.tree), row, strict=True)
                       if readings[0].kind == "op"]
        self.derived = coincidences(template)  # variables computed from a step's result, not drawn
        self.computed = {i for i, _ in self.derived}
        self.drawn = [i for i in self.free if i not in self.computed]
        self.alternatives = alternative_choices(template)
        self.base = [var.value for var in template.variables]
        originals = self.base + list(template.constants)
        self.anchors = [(value.numerator, value.denominator) for value in originals]
        self.base_pairs = self.anchors[: len(self.base)]
        # whole values compare as their int numerators, far cheaper than as Fractions
        keys: list[int] | list[Fraction] = (
            [n for n, _ in self.anchors] if all(d == 1 for _, d in self.anchors) else originals)
        ascending = sorted(range(len(keys)), key=keys.__getitem__)
        self.order = [i for i in ascending if i in self.ranges]
        # dense ranks order and tie like the values, with int comparisons (no Fractions) after the sort
        rank = [0] * len(keys)
        for previous, current in itertools.pairwise(ascending):
            rank[current] = rank[previous] + (keys[current] != keys[previous])
        self.below: dict[int, list[int]] = {}
        self.above: dict[int, list[int]] = {}
        self.tied: set[int] = set()
        for index, related in enumerate(self._relations()):
            self.below[index] = [j for j in related if rank[j] < rank[index]]
            self.above[index] = [j for j in related if rank[j] > rank[index]]
            if any(rank[j] == rank[index] for j in related):
                self.tied.add(index)  # tied with a value it meets: it cannot move alone
        # The chain in each arithmetic, compiled at first use: most samplers need one or two of them.
        self.float_chains = Chains(template, self.alternatives)
        self.vector_chains = Chains(template, self.alternatives, vector=True)  # a space screened at once
        self.exact_chains = Chains(template, self.alternatives, exact=True)
        self.results = [step.result for step in template.steps]
        self.signs = [sign_of(r.numerator) for r in self.results]
        # Each step's result must stay a multiple of 10**-places (places 0 for integer results).
        self.scales = [1.0 if r.denominator == 1 else float(10 ** max(2, decimal_places(r) or 0))
                       for r in self.results]
        self.final = float(template.steps[-1].result)
        self._listed: Sequence[list[tuple[int, int]]] | bool | None = None
        self._checked: dict[int, Draw | None] = {}  # listed draws checked exactly so far
        self._given: weakref.WeakKeyDictionary[random.Random, set[ValuesKey]] = (
            weakref.WeakKeyDictionary())  # per caller rng: the values already returned to it
        self._misses: weakref.WeakKeyDictionary[random.Random, int] = (
            weakref.WeakKeyDictionary())  # per caller rng: searches that found nothing so far
        # Results the solution writes as percentages (`= 45%`) stay at most 100 when they were.
        self.at_most_100 = [  # r <= 100, in ints
            r.numerator <= 100 * r.denominator
            and PERCENT_AFTER_RE.match(template.solution, step.end) is not None
            for r, step in zip(self.results, template.steps, strict=True)
        ]

    @cached_property
    def unpinned(self) -> list[int]:
        """The drawn variables that every third search attempt draws alone: not those behind an
        ambiguous literal's readings, so that all its readings keep their values and agree (see
        pinned_variables); empty when no variable is pinned."""
        pinned = pinned_variables(self.template, self.derived)
        return [i for i in self.drawn if i not in pinned] if pinned else []

    @cached_property
    def checks(self) -> list[tuple[FloatFn, float, int]]:
        """Each step's float closure with the scale and sign its result keeps."""
        return list(zip(self.float_chains.primary, self.scales, self.signs, strict=True))

    def draw(self, var_index: int, rng: random.Random, mode: int, lower: tuple[int, int] | None,
             upper: tuple[int, int] | None) -> tuple[int, int] | None:
        """A new value (numerator, denominator) strictly between `lower` and `upper`."""
        r = self.ranges[var_index]
        step, first, last = self._multiples[var_index][mode]
        if lower is not None:  # value * step / scale > lower
            above_lower = (lower[0] * r.scale) // (step * lower[1]) + 1
            if above_lower > first:
                first = above_lower
        if upper is not None:  # value * step / scale < upper
            below_upper = -((-upper[0] * r.scale) // (step * upper[1])) - 1
            if below_upper < last:
                last = below_upper
        if first > last:
            return None
        count = last - first + 1
        for _ in range(6):
            scaled = (first + int(rng.random() * count)) * step
            if scaled != r.original:
                return scaled, r.scale
        return r.original, r.scale

    @cached_property
    def _multiples(self) -> dict[int, tuple[tuple[int, int, int], ...]]:
        """Per variable and draw mode: (step, first, last), the multiples of the step in its range."""
        return {i: tuple((step, (r.low + step - 1) // step, r.high // step) for step in r.steps)
                for i, r in self.ranges.items()}

    @cached_property
    def _neighbours(self) -> dict[int, tuple[list[int], list[int]]]:
        """Per variable: the values below and above it that it meets, computed ones left out."""
        return {i: ([j for j in self.below[i] if j not in self.computed],
                    [j for j in self.above[i] if j not in self.computed]) for i in self.order}

    def _relations(self) -> list[set[int]]:
        """For each anchor, the anchors it meets as a literal of the same step, and the variables
        in its unit when the question compares quantities in words (see question/comparisons.py)."""
        n = len(self.template.variables)
        constants = list(self.template.constants)
        related: list[set[int]] = [set() for _ in self.anchors]
        for row in self.template.sources:
            group = set()
            for readings in row:
                for source in (leaf for reading in readings for leaf in leaves(reading)):
                    if source.kind == "var":
                        group.add(source.index)
                    elif source.kind == "const" and source.value in constants:
                        group.add(n + constants.index(source.value))
            for a in group:
                related[a] |= group - {a}
        mentions = [var.mentions for var in self.template.variables]
        for unit_group in compared_groups(self.template.question, mentions):
            for a in unit_group:
                related[a] |= set(unit_group) - {a}
        return related

    def _ordered_values(self, chosen: set[int], rng: random.Random, mode: int
                        ) -> list[tuple[int, int]] | None:
        """Draw the chosen variables in ascending original order, each strictly between the values
        it meets in the same step, so that every order the chain's expressions rely on survives."""
        new = list(self.anchors)
        for index in self.order:
            if index not in chosen:
                continue
            if index in self.tied:
                return None
            below, above = self._neighbours[index]
            lower: tuple[int, int] | None = None
            for j in below:
                value = new[j]
                if lower is None or value[0] * lower[1] > lower[0] * value[1]:
                    lower = value
            upper: tuple[int, int] | None = None
            for j in above:
                if j in chosen:
                    continue
                value = new[j]
                if upper is None or value[0] * upper[1] < upper[0] * value[1]:
                    upper = value
            drawn = self.draw(index, rng, mode, lower, upper)
            if drawn is None:
                return None
            new[index] = drawn
        return new[: len(self.base)]

    def derive(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
        """The draw with each computed variable set to its step's result (see drawing/coincidence.py);
        None when a result is not a positive value the variable could state (same decimals, within
        x1/3-x3 of the original)."""
        if not self.derived:
            return pairs
        floats = [n / d for n, d in pairs]
        results: list[float] = []
        try:
            for fn in self.float_chains.primary[: self.derived[-1][1] + 1]:
                results.append(fn(floats, results))
        except (ZeroDivisionError, OverflowError):
            return None
        out = list(pairs)
        for index, step in self.derived:
            r = self.ranges[index]
            scaled = results[step] * r.scale
            whole = round(scaled)
            exact = abs(scaled - whole) <= 1e-9 * max(1.0, abs(scaled))
            if not exact or not r.original <= 3 * whole <= 9 * r.original:
                return None
            out[index] = (whole, r.scale)
        return out

    def _float_results(self, floats: list[float]) -> list[float] | None:
        """Step results in floating point; None as soon as a step breaks a constraint."""
        results: list[float] = []
        for fn, scale, sign in self.checks:
            result = fn(floats, results)
            scaled = abs(result * scale)
            if ((result > 0) - (result < 0)) != sign or abs(scaled - round(scaled)) > 1e-6 * (
                    scaled if scaled > 1.0 else 1.0):  # max(1.0, scaled) without the call
                return None
            results.append(result)
        return results

    def float_screen(self, floats: list[float]) -> bool:
        """A cheap inexact pre-check of every constraint and of the readings' agreement."""
        results = self._float_results(floats)
        if results is None or results[-1] == self.final:
            return False
        final = results[-1]
        for k in range(len(self.alternatives)):
            first, tail = self.float_chains.alternative(k)
            other = results[:first]
            for fn in tail:
                other.append(fn(floats, other))
            if abs(other[-1] - final) > 1e-6 * max(1.0, abs(final)):
                return False
        return True

    def sample(self, rng: random.Random) -> Draw | None:
        """New values keeping every constraint and agreeing under every reading, with the step
        results and literal values they give; None if none was found. A draw already returned to
        the same `rng` is not returned again (so one item's variants differ; still deterministic:
        it depends only on that rng's earlier draws). When the item's values allow few
        combinations, those that pass the float screen are listed once and a draw picks among
        them (each checked exactly once, when first picked). While MAX_MISSES searches for the same
        rng found nothing and none found anything, its searches try 3x fewer draws (deterministic)."""
        given = self._given.setdefault(rng, set())
        if self._listed is None:
            self._listed = self._list_small_space()
        if self._listed is False:
            misses = self._misses.get(rng, 0)
            few = misses >= MAX_MISSES and not given
            drawn = self._search(rng, ATTEMPTS // 3 if few else ATTEMPTS, given)
            if drawn is None:
                self._misses[rng] = misses + 1
        else:
            assert not isinstance(self._listed, bool)
            drawn = self._pick_listed(rng, self._listed, given)
        if drawn is not None:
            given.add(_values_key(drawn[0]))
        return drawn

    def _pick_listed(self, rng: random.Random, listed: Sequence[list[tuple[int, int]]],
                     given: set[ValuesKey]) -> Draw | None:
        for _ in range(min(ATTEMPTS, 4 * len(listed))):
            index = int(rng.random() * len(listed))
            if index not in self._checked:
                values = self._as_fractions(listed[index])
                try:
                    self._checked[index] = exact_draw(self, values)
                except (ExpressionError, ZeroDivisionError, OverflowError):
                    self._checked[index] = None
            drawn = self._checked[index]
            if drawn is not None and _values_key(drawn[0]) not in given:
                return drawn
        return None

    def _as_fractions(self, pairs: list[tuple[int, int]]) -> list[Fraction]:
        """The drawn values as Fractions; an unchanged value is the original object."""
        return [old if old_pair == pair else Fraction(*pair)
                for old, old_pair, pair in zip(self.base, self.base_pairs, pairs, strict=True)]

    def _candidates(self, index: int, wide: bool = False, stretch: int = 2, most: int | None = None
                    ) -> list[int] | None:
        """Round values, or with `wide` all whole ones in range; `stretch` 4: a range may reach x4.
        None when there are more than `most` (the list is not built)."""
        r = self.ranges[index]
        if index in self.tied or index in self.computed:
            return [r.original]
        # r.high is at least x2 already: only a longer stretch asks whether the value may go further
        uncapped = stretch > 2 and r.high == max(r.original * 2, r.original + 8) and stretchable(
            self.template.question, self.template.variables[index])
        high = max(r.high, r.original * stretch) if uncapped else r.high
        steps = (1,) if wide else r.steps
        finest = min(steps)
        if all(step % finest == 0 for step in steps):  # the other step's multiples are among the finest's
            multiples = range(((r.low + finest - 1) // finest) * finest, high + 1, finest)
            if most is not None and len(multiples) > most:
                return None
            values = list(multiples)  # sorted already, with no set to build
            if r.original not in multiples:
                bisect.insort(values, r.original)
            return values
        spans = [range(((r.low + step - 1) // step) * step, high + 1, step) for step in steps]
        if most is not None and max(len(span) for span in spans) > most:
            return None
        union = {r.original}
        for span in spans:
            union.update(span)
        return sorted(union)

    def _candidate_lists(self, most: int, wide: bool = False, stretch: int = 2) -> list[list[int]] | None:
        """Each free variable's candidates; None as soon as their combinations are more than `most`
        (every list holds the original, so the count only grows)."""
        lists = []
        count = 1
        for index in self.free:
            values = self._candidates(index, wide, stretch, most // count)
            if values is None or count * len(values) > most:
                return None
            count *= len(values)
            lists.append(values)
        return lists

    def _list_small_space(self) -> Sequence[list[tuple[int, int]]] | bool:
        """Every draw that passes the float screen when there are at most SMALL_SPACE combinations
        of candidate values (in a fixed order: deterministic); False when there are more. When the
        round values give fewer than 3 such draws (40 pupils, half of them, a quarter of the rest:
        only 40 and 80 are round multiples of 8), every whole value in range, then up to x4, is tried."""
        candidates = self._candidate_lists(SMALL_SPACE)
        if candidates is None:
            return False
        listed = self._screen_all(candidates)
        for stretch in (2, 4):
            if len(listed) >= 3:
                break
            wide = self._candidate_lists(WIDE_SPACE, wide=True, stretch=stretch)
            if wide is not None:
                listed = self._screen_all(wide)
        return listed

    def _screen_all(self, candidates: list[list[int]]) -> Sequence[list[tuple[int, int]]]:
        """The combinations that pass the screen, all at once over arrays where that is exact."""
        if fits_in_arrays(self, candidates):
            return screen_arrays(self, candidates)
        return screen_each(self, candidates)

    def keeps_order(self, pairs: list[tuple[int, int]]) -> bool:
        """Every two values that meet in a step (or a comparison orders) keep their original order."""
        values = pairs + self.anchors[len(pairs):]
        for index in self.free:
            n, d = values[index]
            if any(values[j][0] * d >= n * values[j][1] for j in self.below[index]):
                return False
            if any(values[j][0] * d <= n * values[j][1] for j in self.above[index]):
                return False
        return True

    def _search(self, rng: random.Random, attempts: int, given: set[ValuesKey]) -> Draw | None:
        for attempt in range(attempts):
            pool = self.unpinned if attempt % 3 == 2 and self.unpinned else self.drawn
            chosen = pool
            if attempt >= attempts // 2 and len(pool) > 1:
                chosen = rng.sample(pool, rng.randint(1, len(pool)))
            pairs = self._ordered_values(set(chosen), rng, attempt % 2)
            if pairs is not None and self.derived:
                pairs = self.derive(pairs)
                if pairs is not None and not self.keeps_order(pairs):
                    continue
            if pairs is None or pairs == self.base_pairs:
                continue
            try:
                if not self.float_screen([n / d for n, d in pairs]):
                    continue
                values = self._as_fractions(pairs)
                if _values_key(values) in given:
                    continue
                drawn = exact_draw(self, values)
            except (ExpressionError, ZeroDivisionError, OverflowError):
                continue
            if drawn is not None:
                return drawn
        return None


def _values_key(values: list[Fraction]) -> ValuesKey:
    """Values as (numerator, denominator) pairs: a tuple of Fractions hashes ~3x slower."""
    return tuple([value.as_integer_ratio() for value in values])


def sampler_for(template: Template) -> Sampler:
    """The template's sampler, built once."""
    if template.sampler is None:
        template.sampler = Sampler(template)
    assert isinstance(template.sampler, Sampler)
    return template.sampler
