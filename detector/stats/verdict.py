"""The verdict: documented rules that combine significant drops with memorization signals.

All tests of a run (one drop test per benchmark x family, and the stale-answer, solution-echo
and verbatim tests) form one Benjamini-Hochberg family; a finding needs q <= ALPHA = 0.01
(a strict level, because one false flag of a clean model is costly). A finding also needs
an effect size over a floor, so that a tiny but significant effect on many items is not
called overfitting.

- Drop evidence. Uncalibrated: some benchmark x family has q <= ALPHA, a drop of at least
  DROP_FLOOR points and a 95% interval above zero. Calibrated (with references): the excess
  drop over references is at least DROP_FLOOR points and its interval is above zero.
- Memorization evidence (any of): stale answers with q <= ALPHA, at least STALE_FLOOR above
  the chance rate and at least STALE_RATIO times it; solution echo with q <= ALPHA and a
  Jaccard difference of at least ECHO_FLOOR; verbatim continuations with q <= ALPHA (tested
  against the allowance) and a rate of at least VERBATIM_FLOOR.
- likely_overfit: drop evidence and memorization evidence; or, calibrated, an excess drop whose
  interval lies above STRONG_DROP points.
- suspicious: exactly one kind of evidence. clean: none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

ALPHA = 0.01
DROP_FLOOR = 5.0
STRONG_DROP = 10.0
STALE_FLOOR = 0.05
STALE_RATIO = 2.0
ECHO_FLOOR = 0.10
VERBATIM_FLOOR = 0.20
# nats/token on the interval's lower end. The lab (GSM8K twins, README, 200 items seen 40 times,
# numeric + entity + truncate): clean twin 0.06 [0.05, 0.08]; contaminated twin 2.68 [2.53, 2.82]
# (0.49 [0.40, 0.58] for an earlier, weaker build that recalled 2 of 38 answers).
MEMBERSHIP_FLOOR = 0.15

VERDICTS = ("clean", "suspicious", "likely_overfit")
# `--fail-on LEVEL`: the verdicts that count as reaching LEVEL.
FAIL_ON_LEVELS: Mapping[str, tuple[str, ...]] = {
    "suspicious": ("suspicious", "likely_overfit"),
    "likely": ("likely_overfit",),
}


def check_fail_on(level: str) -> str:
    """`level` when it is a `--fail-on` level. Raises: ValueError listing the valid levels."""
    if level not in FAIL_ON_LEVELS:
        raise ValueError(f"--fail-on must be one of: {', '.join(FAIL_ON_LEVELS)} (got {level!r})")
    return level


def verdict_reaches(verdict: object, level: str) -> bool:
    """Whether a run's verdict is at least `level` (a `--fail-on` level). Raises: ValueError."""
    return verdict in FAIL_ON_LEVELS[check_fail_on(level)]


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _significant(block: Mapping[str, Any] | None) -> bool:
    if not block:
        return False
    q = _num(block.get("q_value"))
    return q is not None and q <= ALPHA


def _fmt_points(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _fmt_p(q: float | None) -> str:
    if q is None:
        return "q n/a"
    return "q < 0.001" if q < 0.001 else f"q = {q:.3f}"


def drop_evidence(
    families: Sequence[Mapping[str, Any]], excess_drop: Mapping[str, Any] | None, calibrated: bool
) -> list[str]:
    """Evidence lines for a significant drop (see module docstring)."""
    lines: list[str] = []
    if calibrated and excess_drop:
        est, low = _num(excess_drop.get("estimate")), _num(excess_drop.get("ci_low"))
        high = _num(excess_drop.get("ci_high"))
        if est is not None and low is not None and est >= DROP_FLOOR and low > 0:
            interval = f"[{low:.1f}, {_fmt_points(high)}]"
            lines.append(f"excess drop over reference models {est:.1f} points {interval}")
        return lines
    for fam in families:
        drop, low = _num(fam.get("drop")), _num(fam.get("ci_low"))
        if _significant(fam) and drop is not None and low is not None and drop >= DROP_FLOOR and low > 0:
            lines.append(
                f"{fam.get('benchmark')} / {fam.get('name')}: accuracy falls {drop:.1f} points "
                f"[{low:.1f}, {_fmt_points(_num(fam.get('ci_high')))}] from originals to variants "
                f"({_fmt_p(_num(fam.get('q_value')))})"
            )
    return lines


def memorization_evidence(signals: Mapping[str, Any]) -> list[str]:
    """Evidence lines for memorization signals (see module docstring)."""
    lines: list[str] = []
    stale: Mapping[str, Any] = signals.get("stale_answer_rate") or {}
    if _significant(stale):
        rate, chance = float(stale["rate"]), float(stale["chance_rate"])
        if rate - chance >= STALE_FLOOR and rate >= STALE_RATIO * chance:
            lines.append(
                f"stale answers on {100 * rate:.1f}% of changed-answer variants (chance "
                f"{100 * chance:.1f}%, {_fmt_p(_num(stale.get('q_value')))})"
            )
    echo: Mapping[str, Any] = signals.get("solution_echo") or {}
    if _significant(echo) and float(echo["difference"]) >= ECHO_FLOOR:
        lines.append(
            f"outputs echo the original worked solution: Jaccard {float(echo['parent']):.2f} with the "
            f"parent's vs {float(echo['own']):.2f} with the variant's own "
            f"({_fmt_p(_num(echo.get('q_value')))})"
        )
    verbatim: Mapping[str, Any] = signals.get("verbatim_rate") or {}
    if _significant(verbatim) and float(verbatim["rate"]) >= VERBATIM_FLOOR:
        lines.append(
            f"verbatim continuation of {100 * float(verbatim['rate']):.1f}% of truncated items "
            f"({_fmt_p(_num(verbatim.get('q_value')))})"
        )
    membership: Mapping[str, Any] = signals.get("membership") or {}
    if _significant(membership):
        low, est = _num(membership.get("ci_low")), _num(membership.get("estimate"))
        if low is not None and est is not None and low >= MEMBERSHIP_FLOOR:
            lines.append(
                f"originals are {est:.2f} nats/token more likely to the model than their own variants "
                f"[{low:.2f}, {_num(membership.get('ci_high')):.2f}] "
                f"({_fmt_p(_num(membership.get('q_value')))})"
            )
    return lines


def attribution_evidence(attribution: Mapping[str, Any] | None) -> tuple[list[str], list[str], bool]:
    """Issue 14's evidence: (drop lines, memorization lines, strong) from the attribution blocks.

    A fresh-set difference in differences (`attribution["fresh"]["pooled"]`) counts as a
    calibrated excess drop: q <= ALPHA, at least DROP_FLOOR points, interval above zero; strong
    when the interval lies above STRONG_DROP. A dataset-order or option-order test with
    q <= ALPHA (its permutation p-value; a valid null) is memorization evidence.
    """
    if not attribution:
        return [], [], False
    drops: list[str] = []
    strong = False
    pooled: Mapping[str, Any] = (attribution.get("fresh") or {}).get("pooled") or {}
    did: Mapping[str, Any] = pooled.get("did") or {}
    est, low = _num(did.get("estimate")), _num(did.get("ci_low"))
    if _significant(pooled) and est is not None and low is not None and est >= DROP_FLOOR and low > 0:
        drops.append(
            f"the drop on the public set exceeds the drop on the fresh set by {est:.1f} points "
            f"[{low:.1f}, {_fmt_points(_num(did.get('ci_high')))}] ({_fmt_p(_num(pooled.get('q_value')))})"
        )
        strong = low >= STRONG_DROP
    memo: list[str] = []
    order: Mapping[str, Any] = attribution.get("order") or {}
    for test in [*(order.get("dataset_order") or []), *(order.get("option_order") or [])]:
        if _significant(test):
            memo.append(
                f"{test.get('name')}: the model prefers the published order "
                f"({_fmt_p(_num(test.get('q_value')))}, permutation test over {test.get('n_units')} units)"
            )
    return drops, memo, strong


def decide_verdict(
    families: Sequence[Mapping[str, Any]],
    signals: Mapping[str, Any],
    *,
    excess_drop: Mapping[str, Any] | None = None,
    calibrated: bool = False,
    attribution: Mapping[str, Any] | None = None,
) -> tuple[str, list[str]]:
    """(verdict, evidence lines) from q-valued family rows and signal blocks."""
    drops = drop_evidence(families, excess_drop, calibrated)
    memo = memorization_evidence(signals)
    strong = False
    if calibrated and excess_drop:
        low = _num(excess_drop.get("ci_low"))
        strong = low is not None and low >= STRONG_DROP
    # Issue 14 (fresh sets, order tests): a fresh set calibrates the drop as references do.
    fresh_drops, order_memo, fresh_strong = attribution_evidence(attribution)
    fresh_given = bool(attribution and attribution.get("fresh"))
    drops = fresh_drops if fresh_given and not calibrated else drops + fresh_drops
    memo, strong = memo + order_memo, strong or fresh_strong
    if (drops and memo) or strong:
        verdict = "likely_overfit"
    elif drops or memo:
        verdict = "suspicious"
    else:
        verdict = "clean"
    evidence = drops + memo
    if not calibrated and not fresh_given:
        evidence.append("uncalibrated: no reference runs, so part of a drop may be variant difficulty")
    return verdict, evidence
