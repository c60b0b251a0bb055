"""The analysis step: a run directory's tables -> the numbers its report shows.

`detect probe` and `detect report RUN_DIR` both call `analyze_run`, so the numbers depend on
the run directory alone: config.json (seed, bootstrap size), the scores, references and
membership tables, and `lab.json` (a lab build's ground truth, copied in by the probe).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from detector.stats.analysis import analyze_scores, answer_rows
from detector.stats.attribution import attribution_blocks
from detector.stats.paired import DEFAULT_BOOTSTRAP
from detector.tables import read_config, read_table

# The lab's ground truth (which items the twin trained on), copied into the run by the probe.
LAB_FILE: Final = "lab.json"


def ground_truth_labels(run_dir: Path) -> dict[str, int] | None:
    """Item id -> 1 contaminated / 0 unseen from the run's copy of `lab.json`, or None without one.

    Raises: ValueError when the copy is not a lab manifest this version understands.
    """
    path = run_dir / LAB_FILE
    if not path.is_file():
        return None
    from detector.lab.manifest import read_manifest

    return read_manifest(path).labels()


def analyze_run(run_dir: str | Path) -> dict[str, Any]:
    """Drops per family, signals, calibration and the verdict of a run, from its directory only.

    Raises: ValueError / FileNotFoundError when the run directory is incomplete.
    """
    directory = Path(run_dir)
    config = read_config(directory)
    scores = read_table(directory, "scores")
    references = read_table(directory, "references") if (directory / "references.parquet").exists() else None
    seed = int(config.get("seed", 0))
    n_boot = int(config.get("n_bootstrap", DEFAULT_BOOTSTRAP))
    membership = None
    if (directory / "membership.parquet").exists():
        from detector.membership.table import membership_from_table

        labels = ground_truth_labels(directory)
        membership = membership_from_table(
            read_table(directory, "membership"), seed=seed, n_boot=n_boot, labels=labels
        )
    responses = read_table(directory, "responses")
    n_failed = int(responses["error"].is_not_null().sum())
    max_failed = config.get("max_failed_fraction")
    attribution = attribution_blocks(  # fresh sets and order tests
        directory, config, answer_rows(scores), read_table(directory, "items"), seed=seed, n_boot=n_boot
    )
    return analyze_scores(
        scores, seed=seed, n_boot=n_boot, references=references, membership=membership,
        failed_share=n_failed / responses.height if responses.height else None,
        max_failed_share=float(max_failed) if max_failed is not None else None,
        attribution=attribution,
    )  # fmt: skip
