"""Report: renders numbers already computed (report.json, Markdown, HTML, console, leaderboard).

Nothing here computes a statistic; the numbers come from `detector.stats`.
"""

from detector.report.build import build_report, write_report
from detector.report.display import format_estimate, verdict_label
from detector.report.leaderboard_pages import print_leaderboard
from detector.report.publish import PublishedReport, publish_leaderboard, publish_report
from detector.report.summary import print_summary

__all__ = [
    "PublishedReport",
    "build_report",
    "format_estimate",
    "print_leaderboard",
    "print_summary",
    "publish_leaderboard",
    "publish_report",
    "verdict_label",
    "write_report",
]
