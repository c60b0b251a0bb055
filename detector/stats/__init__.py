"""Statistics: tables -> numbers (paired tests, cluster bootstrap, FDR, calibration, memorization
signals, verdict). `analyze_run` is the analysis step of a run."""

from detector.stats.analysis import analyze_scores, answer_rows
from detector.stats.calibration import check_variant_sets
from detector.stats.paired import DEFAULT_BOOTSTRAP
from detector.stats.run_analysis import LAB_FILE, analyze_run
from detector.stats.verdict import check_fail_on, verdict_reaches

__all__ = [
    "DEFAULT_BOOTSTRAP",
    "LAB_FILE",
    "analyze_run",
    "analyze_scores",
    "answer_rows",
    "check_fail_on",
    "check_variant_sets",
    "verdict_reaches",
]
