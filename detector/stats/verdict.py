"""The verdict: documented rules, each flag from a test whose null holds for honest models.

Every model loses accuracy on perturbed items (GSM-Symbolic, GSM-Plus, option-order studies),
contaminated or not. So a drop alone is robustness, not evidence: it is reported in plain
words and raises no flag. Evidence comes only from tests whose null an honest model meets:

- Memorization signals, each against its own chance baseline: stale answers (the parent's old
  answer on a changed-answer variant, against the placebo coincidence rate per family; q <=
  ALPHA, excess >= STALE_FLOOR); solution echo (Jaccard with the
  parent's solution over the variant's own; q <= ALPHA, difference >= ECHO_FLOOR); verbatim
  continuation (against VERBATIM_ALLOWANCE; q <= ALPHA, rate >= VERBATIM_FLOOR); likelihood
  membership (originals vs their own variants; interval's lower end >= MEMBERSHIP_FLOOR, a floor
  above what clean lab twins show -- the only place its null was measured, see docs/verdicts.md).
- Calibrated excess drops (`--reference`, 5+ runs on the same variant set): per benchmark x
  family and overall, the drop beyond what reference models of the same accuracy show; the
  excess must be >= DROP_FLOOR points with a Bonferroni-adjusted interval above zero.

All p-values of a run form one Benjamini-Hochberg family (q <= ALPHA = 0.01).

- inconclusive: too little was scored to say anything (failed share over the limit, fewer
  than MIN_SCORED_PARENTS scored parents, or nothing scored); it overrides the rest.
- likely_overfit: two kinds of evidence, or one strong one (stale excess whose lower 99% bound
  is >= STRONG_STALE; verbatim rate whose interval's lower end is >= STRONG_VERBATIM; a
  calibrated excess whose interval's lower end is >= STRONG_DROP points).
- suspicious: one kind of evidence.
- no_evidence: enough was scored and no test found anything. It is not a clearance: the tests
  miss rephrased-training contamination and answer-only memorization on small sets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

ALPHA = 0.01
DROP_FLOOR = 5.0
STRONG_DROP = 10.0
STALE_FLOOR = 0.05
STRONG_STALE = 0.10
ECHO_FLOOR = 0.10
VERBATIM_FLOOR = 0.15
STRONG_VERBATIM = 0.30
# nats/token on the interval's lower end. Measured on the lab's GSM8K twins (docs/verdicts.md):
# clean twins show 0.06 [0.05, 0.08]; contaminated twins 0.49-2.68.
MEMBERSHIP_FLOOR = 0.15
# Fewer scored parent items than this and the run is inconclusive (docs/verdicts.md: with 50
# parents the smallest detectable drop is about 24 points, the smallest stale excess ~ 10%).
MIN_SCORED_PARENTS = 50
Z_99 = 2.5758293035489004

VERDICTS = ("no_evidence", "suspicious", "likely_overfit", "inconclusive")
FLAGGED = ("suspicious", "likely_overfit")
# `--fail-on LEVEL`: the verdicts that count as reaching LEVEL.
FAIL_ON_LEVELS: Mapping[str, tuple[str, ...]] = {
    "suspicious": ("suspicious", "likely_overfit"),
    "likely": ("likely_overfit",),
}
ROBUSTNESS_NOTE = (
    "all models lose accuracy on such variants; without reference runs (--reference) this drop is "
    "robustness, not evidence of contamination"
)


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


def _fmt_nats(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _fmt_p(q: float | None) -> str:
    if q is None:
        return "q n/a"
    return "q < 0.001" if q < 0.001 else f"q = {q:.3f}"


def calibrated_evidence(calibrated_rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], bool]:
    """Evidence lines for calibrated excess drops, and whether one is strong (see module docstring)."""
    lines: list[str] = []
    strong = False
    for row in calibrated_rows:
        est, low = _num(row.get("estimate")), _num(row.get("ci_low"))
        if est is None or low is None or est < DROP_FLOOR or low <= 0:
            continue
        strong = strong or low >= STRONG_DROP
        lines.append(
            f"{row.get('label')}: drop exceeds reference models of the same accuracy by {est:.1f} points "
            f"[{low:.1f}, {_fmt_points(_num(row.get('ci_high')))}]"
        )
    return lines, strong


def memorization_evidence(signals: Mapping[str, Any]) -> tuple[list[str], bool]:
    """Evidence lines for memorization signals, and whether one is strong (see module docstring)."""
    lines: list[str] = []
    strong = False
    stale: Mapping[str, Any] = signals.get("stale_answer_rate") or {}
    if _significant(stale):
        rate, chance = float(stale["rate"]), float(stale["chance_rate"])
        excess, se = _num(stale.get("excess")), _num(stale.get("excess_se"))
        excess = rate - chance if excess is None else excess
        if excess >= STALE_FLOOR:
            strong = strong or (se is not None and excess - Z_99 * se >= STRONG_STALE)
            lines.append(
                f"stale answers (the original's answer to a changed question) on {100 * rate:.1f}% of "
                f"changed-answer variants; chance {100 * chance:.1f}% "
                f"({_fmt_p(_num(stale.get('q_value')))})"
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
        low = _num(verbatim.get("ci_low"))
        strong = strong or (low is not None and low >= STRONG_VERBATIM)
        lines.append(
            f"verbatim continuation of {100 * float(verbatim['rate']):.1f}% of truncated items "
            f"(allowance {100 * float(verbatim.get('allowance', 0.0)):.0f}%, "
            f"{_fmt_p(_num(verbatim.get('q_value')))})"
        )
    membership: Mapping[str, Any] = signals.get("membership") or {}
    if _significant(membership):
        low, est = _num(membership.get("ci_low")), _num(membership.get("estimate"))
        if low is not None and est is not None and low >= MEMBERSHIP_FLOOR:
            lines.append(
                f"originals are {est:.2f} nats/token more likely to the model than their own variants "
                f"[{low:.2f}, {_fmt_nats(_num(membership.get('ci_high')))}] "
                f"(floor {MEMBERSHIP_FLOOR}, above clean lab twins; "
                f"{_fmt_p(_num(membership.get('q_value')))})"
            )
    return lines, strong


def inconclusive_reasons(
    n_parents: int, failed_share: float | None, max_failed_share: float | None, min_parents: int
) -> list[str]:
    """Why too little was scored to give a verdict (empty when enough was)."""
    reasons: list[str] = []
    if failed_share is not None and max_failed_share is not None and failed_share > max_failed_share:
        reasons.append(f"{100 * failed_share:.0f}% of requests failed (limit {100 * max_failed_share:.0f}%)")
    if n_parents == 0:
        reasons.append("no item was scored with a variant (no family applied, or every answer failed)")
    elif n_parents < min_parents:
        reasons.append(f"only {n_parents} parent items scored (at least {min_parents} needed)")
    return reasons


def robustness_lines(families: Sequence[Mapping[str, Any]], overall: Mapping[str, Any]) -> list[str]:
    """Plain-words drop lines: the pooled drop with the families it covers, and each family's drop."""
    lines: list[str] = []
    names = sorted({str(f.get("name")) for f in families})
    drop = _num(overall.get("drop"))
    if drop is not None:
        lines.append(
            f"accuracy on variants vs originals, all families pooled ({', '.join(names)}): "
            f"{-drop:+.1f} points [{_fmt_points(-(_num(overall.get('ci_high')) or 0.0))}, "
            f"{_fmt_points(-(_num(overall.get('ci_low')) or 0.0))}]; "
            + (ROBUSTNESS_NOTE if drop > 0 else "the variants were not harder for this model")
        )
    for fam in sorted(families, key=lambda f: -(_num(f.get("drop")) or 0.0)):
        fam_drop = _num(fam.get("drop"))
        if fam_drop is not None and fam_drop >= DROP_FLOOR:
            lines.append(
                f"{fam.get('benchmark')} / {fam.get('name')}: accuracy falls {fam_drop:.1f} points "
                f"[{_fmt_points(_num(fam.get('ci_low')))}, {_fmt_points(_num(fam.get('ci_high')))}] "
                f"on {fam.get('n_items')} items (robustness)"
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
    signals: Mapping[str, Any],
    *,
    calibrated_rows: Sequence[Mapping[str, Any]] = (),
    n_parents: int,
    failed_share: float | None = None,
    max_failed_share: float | None = None,
    min_parents: int = MIN_SCORED_PARENTS,
    attribution: Mapping[str, Any] | None = None,
) -> tuple[str, list[str], list[str]]:
    """(verdict, evidence lines, inconclusive reasons) from signal blocks, calibrated rows and the
    attribution blocks (a fresh-set difference in differences counts as a calibrated excess drop;
    a significant order test as memorization)."""
    reasons = inconclusive_reasons(n_parents, failed_share, max_failed_share, min_parents)
    memo, memo_strong = memorization_evidence(signals)
    drops, drop_strong = calibrated_evidence(calibrated_rows)
    fresh_drops, order_memo, fresh_strong = attribution_evidence(attribution)
    drops, memo = drops + fresh_drops, memo + order_memo
    drop_strong = drop_strong or fresh_strong
    evidence = drops + memo
    if reasons:
        return "inconclusive", evidence, reasons
    kinds = len(memo) + (1 if drops else 0)
    if kinds >= 2 or memo_strong or drop_strong:
        verdict = "likely_overfit"
    elif kinds == 1:
        verdict = "suspicious"
    else:
        verdict = "no_evidence"
    return verdict, evidence, reasons
