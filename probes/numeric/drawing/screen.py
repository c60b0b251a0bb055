"""Screen every combination of a small candidate space at once, over numpy arrays.

The same tests as screening the combinations one at a time (`screen_each`), in the same
order and in the same IEEE arithmetic (numpy float64 adds, multiplies and divides exactly like
Python floats), so the draws listed are the same: computed variables derived from their step's
result, the identity draw left out, every two values that meet in a step kept in order, every
step result keeping its sign and its integrality (or decimals), the final answer changed, and
every reading of an ambiguous literal agreeing. A zero divisor, which one at a time raises, gives
NaN here and rules its combination out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from probes.numeric.drawing.float_chain import FloatFn

if TYPE_CHECKING:
    from probes.numeric.drawing.draw_space import DrawSpace

Pairs = list[tuple[int, int]]
_EXACT_INT_LIMIT = 2**52  # every numerator and denominator (and their products' factors) below it
_PRODUCT_LIMIT = 2**62  # cross-multiplied order tests stay exact in int64 below it


class ListedDraws(Sequence[Pairs]):
    """The combinations that passed the screen, kept as one integer array per variable; a draw's
    pairs (of Python ints) are made only when it is read (a sampler reads a few, often out of
    thousands). Equal to any sequence with the same draws in the same order."""

    __slots__ = ("_columns", "_denominators")

    def __init__(self, columns: list[Any], denominators: list[int]) -> None:
        self._columns = columns
        self._denominators = denominators

    def __len__(self) -> int:
        return len(self._columns[0]) if self._columns else 0

    @overload
    def __getitem__(self, index: int) -> Pairs: ...

    @overload
    def __getitem__(self, index: slice) -> list[Pairs]: ...

    def __getitem__(self, index: int | slice) -> Pairs | list[Pairs]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return [(int(column[index]), d) for column, d in zip(self._columns, self._denominators, strict=True)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequences are unhashable, like lists


def _run(chain: list[FloatFn], floats: list[Any], upto: int | None = None) -> list[Any]:
    results: list[Any] = []
    for fn in chain if upto is None else chain[:upto]:
        results.append(fn(floats, results))
    return results


def screen_each(sampler: DrawSpace, candidates: list[list[int]]) -> list[Pairs]:
    """What `screen_arrays` lists, one combination at a time in Python (exact for any magnitude)."""
    scales = [sampler.ranges[i].scale for i in sampler.free]
    base = sampler.anchors[: len(sampler.base)]
    listed: list[Pairs] = []
    for combo in itertools.product(*candidates):
        pairs = list(base)
        for i, value, scale in zip(sampler.free, combo, scales, strict=True):
            pairs[i] = (value, scale)
        derived = sampler.derive(pairs)
        if derived is None:
            continue
        pairs = derived
        if pairs == base or not sampler.keeps_order(pairs):
            continue
        try:
            if sampler.float_screen([n / d for n, d in pairs]):
                listed.append(pairs)
        except (ZeroDivisionError, OverflowError):
            continue
    return listed


def fits_in_arrays(sampler: DrawSpace, candidates: list[list[int]]) -> bool:
    """Whether exact integer order tests and exact float conversions are safe for this space."""
    numerators = [abs(n) for n, _ in sampler.anchors] + [abs(v) for c in candidates for v in c]
    denominators = [d for _, d in sampler.anchors] + [sampler.ranges[i].scale for i in sampler.free]
    top_n, top_d = max(numerators, default=1), max(denominators, default=1)
    derived = [9 * sampler.ranges[i].original for i, _ in sampler.derived]  # 3 * whole <= 9 * original
    top_n = max([top_n, *derived])
    return top_n < _EXACT_INT_LIMIT and top_d < _EXACT_INT_LIMIT and top_n * top_d < _PRODUCT_LIMIT


def screen_arrays(sampler: DrawSpace, candidates: list[list[int]]) -> Sequence[Pairs]:
    """Every combination of `candidates` (one list per free variable, in `itertools.product` order)
    that passes the screen, as (numerator, denominator) pairs of every variable."""
    free = sampler.free
    grids = np.meshgrid(*[np.asarray(c, dtype=np.int64) for c in candidates], indexing="ij")
    count = grids[0].size if grids else 1
    numerators: list[Any] = [n for n, _ in sampler.anchors]
    denominators: list[int] = [d for _, d in sampler.anchors]
    for i, grid in zip(free, grids, strict=True):
        numerators[i] = grid.ravel()
        denominators[i] = sampler.ranges[i].scale
    ok = np.ones(count, dtype=bool)
    with np.errstate(all="ignore"):
        if sampler.derived:
            floats = [n / d for n, d in zip(numerators, denominators, strict=False)][: len(sampler.base)]
            results = _run(sampler.vector_chains.primary, floats, sampler.derived[-1][1] + 1)
            for result in results:  # one at a time, a zero divisor anywhere here rules a draw out
                ok &= np.isfinite(result)
            for index, step in sampler.derived:
                r = sampler.ranges[index]
                scaled = np.asarray(results[step] * r.scale, dtype=np.float64) * np.ones(count)
                whole = np.rint(scaled)
                exact = np.abs(scaled - whole) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
                ok &= np.isfinite(scaled) & exact & (r.original <= 3 * whole) & (3 * whole <= 9 * r.original)
                numerators[index] = np.where(ok, whole, r.original).astype(np.int64)
                denominators[index] = r.scale
        base = sampler.anchors[: len(sampler.base)]
        same = np.ones(count, dtype=bool)
        for i in free:  # the other variables keep their values
            n, d = base[i]
            same &= (numerators[i] == n) & (denominators[i] == d)
        ok &= ~same
        ok &= _keeps_order(sampler, numerators, denominators)
        floats = [n / d for n, d in zip(numerators, denominators, strict=False)][: len(sampler.base)]
        ok &= _screen(sampler, floats, count)
    rows = np.flatnonzero(ok)
    if not rows.size:
        return []
    columns = [n[rows] if isinstance(n, np.ndarray) else np.full(rows.size, n, dtype=np.int64)
               for n in numerators[: len(base)]]
    return ListedDraws(columns, denominators[: len(base)])


def _keeps_order(sampler: DrawSpace, numerators: list[Any], denominators: list[int]) -> Any:
    """Every two values that meet in a step keep their original order (integer cross-products)."""
    ok: Any = True
    for index in sampler.free:
        n, d = numerators[index], denominators[index]
        for j in sampler.below[index]:
            ok = ok & (numerators[j] * d < n * denominators[j])
        for j in sampler.above[index]:
            ok = ok & (numerators[j] * d > n * denominators[j])
    return ok


def _screen(sampler: DrawSpace, floats: list[Any], count: int) -> Any:
    """Signs, integrality (or decimals), a changed final answer and agreeing readings."""
    results = _run(sampler.vector_chains.primary, floats)
    table = np.empty((len(results), count))
    for row, result in enumerate(results):
        table[row] = result  # one row per step: each test below is one operation over all steps
    scaled = np.abs(table * np.array(sampler.scales)[:, None])
    kept = (np.isfinite(table) & (np.sign(table) == np.array(sampler.signs)[:, None])
            & ~(np.abs(scaled - np.rint(scaled)) > 1e-6 * np.maximum(1.0, scaled)))
    ok = kept.all(axis=0)
    final = results[-1]
    ok &= final != sampler.final
    tolerance = 1e-6 * np.maximum(1.0, np.abs(final))
    for k in range(len(sampler.alternatives)):
        first, tail = sampler.vector_chains.alternative(k)
        other = results[:first]  # checked above
        for fn in tail:
            other.append(fn(floats, other))
            ok &= np.isfinite(other[-1])
        ok &= ~(np.abs(other[-1] - final) > tolerance)
    return ok
