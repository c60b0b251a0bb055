"""Plain-text lines for issue 14's blocks (fresh sets, order tests): computed in detector.stats,
shown here as they are, in the terminal summary and in report.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pts(value: Any, signed: bool = True) -> str:
    if value is None:
        return "n/a"
    return f"{float(value):+.1f}" if signed else f"{float(value):.1f}"


def _p(value: Any) -> str:
    if value is None:
        return "n/a"
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def _interval(block: Any) -> str:
    block = block if isinstance(block, Mapping) else {}
    return f"{_pts(block.get('estimate'))} [{_pts(block.get('ci_low'))}, {_pts(block.get('ci_high'))}]"


def fresh_lines(fresh: Mapping[str, Any]) -> list[str]:
    """The fresh-set comparison: pooled, per family, the MDE, caveat and warnings."""
    pooled = fresh.get("pooled") or {}
    lines = [
        f"fresh sets {', '.join(fresh.get('fresh_benchmarks') or [])} against "
        f"{', '.join(fresh.get('public_benchmarks') or [])} ({pooled.get('n_public')} public items, "
        f"{pooled.get('n_fresh')} fresh items answered with variants)",
        f"  pooled: level gap {_interval(pooled.get('level_gap'))} points; difference in differences "
        f"{_interval(pooled.get('did'))} points "
        f"(p {_p(pooled.get('p_value'))}, q {_p(pooled.get('q_value'))})",
        "  smallest difference in differences these sizes detect with "
        f"{100 * float(fresh.get('power', 0.8)):.0f}% "
        f"power at level {fresh.get('mde_alpha')}: {_pts(pooled.get('mde_80'), signed=False)} points",
    ]
    for fam in fresh.get("families") or []:
        lines.append(
            f"  {fam.get('name')}: drop public {_pts(fam.get('drop_public'))}, "
            f"fresh {_pts(fam.get('drop_fresh'))}; "
            f"DiD {_interval(fam.get('did'))} (p {_p(fam.get('p_value'))})"
        )
    lines.append(f"  caveat: {fresh.get('caveat')}")
    lines += [f"  warning: {w}" for w in fresh.get("warnings") or []]
    return lines


def order_lines(order: Mapping[str, Any]) -> list[str]:
    """One line per order test, and its assumption."""
    lines = []
    for test in [*(order.get("dataset_order") or []), *(order.get("option_order") or [])]:
        lines.append(
            f"{test.get('name')}: {test.get('n_units')} units, canonical minus re-ordered log-likelihood "
            f"{_pts(test.get('mean_difference'))} nats; t-test p {_p(test.get('p_value_t'))}, permutation p "
            f"{_p(test.get('p_value_permutation'))}, q {_p(test.get('q_value'))}"
        )
        lines.append(f"  assumption: {test.get('assumption')}")
    return lines


def attribution_lines(report: Mapping[str, Any]) -> list[str]:
    """All lines for the report's `attribution` block (empty without one)."""
    block = report.get("attribution")
    if not isinstance(block, Mapping):
        return []
    lines: list[str] = []
    if isinstance(block.get("fresh"), Mapping):
        lines += fresh_lines(block["fresh"])
    if isinstance(block.get("order"), Mapping):
        lines += order_lines(block["order"])
    return lines
