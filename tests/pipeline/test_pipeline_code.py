"""A whole probe run on the code fixtures: variants, sandboxed scoring, signals, verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from detector.pipeline import ProbeOptions, ProbeResult, run_probe
from detector.stats import analyze_scores
from detector.tables import read_table
from probes import CODE_FAMILIES


@pytest.fixture(scope="module", autouse=True)
def execution_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Executions cached in a folder of this module's own, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DETECT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def _run(model: str, out: Path) -> ProbeResult:
    options = ProbeOptions(
        model=model, benchmarks=("humaneval", "mbpp"), families=tuple(CODE_FAMILIES), out=out, use_cache=False
    )
    return run_probe(options)


@pytest.fixture(scope="module")
def contaminated(tmp_path_factory: pytest.TempPathFactory) -> ProbeResult:
    return _run("control/contaminated", tmp_path_factory.mktemp("runs") / "contaminated")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> ProbeResult:
    return _run("control/clean", tmp_path_factory.mktemp("runs") / "clean")


def test_every_code_answer_is_executed_and_its_outcome_recorded(contaminated: ProbeResult) -> None:
    scores = read_table(contaminated.run_dir, "scores")
    code = scores.filter(pl.col("kind") == "code")
    assert code.height > 0 and code["execution"].null_count() == 0
    assert set(code.filter(pl.col("correct"))["execution"]) == {"passed"}
    failed = code.filter(~pl.col("correct"))["execution"].to_list()
    assert failed and all(e.startswith(("failed:", "timeout", "memory_limit")) for e in failed)
    assert scores.filter(pl.col("kind") == "continuation").height > 0  # code-truncate rows


def test_contaminated_control_is_flagged_and_clean_is_not(
    contaminated: ProbeResult, clean: ProbeResult
) -> None:
    # The fixtures hold fewer than the 50 parent items a verdict needs: the runs are inconclusive,
    # and the same rules applied to their tables with the minimum lowered show how they carry over.
    assert contaminated.report["verdict"] == clean.report["verdict"] == "inconclusive"
    assert contaminated.report["evidence"]
    for result, flagged in ((contaminated, True), (clean, False)):
        scores = read_table(result.run_dir, "scores")
        verdict = analyze_scores(scores, seed=0, n_boot=200, min_parents=5)["verdict"]
        assert (verdict in ("suspicious", "likely_overfit")) == flagged, verdict
    renamed = read_table(contaminated.run_dir, "scores").filter(pl.col("family") == "code-rename")
    assert renamed["stale"].drop_nulls().mean() > 0.3  # type: ignore[operator]
    clean_stale = read_table(clean.run_dir, "scores").filter(pl.col("family") == "code-rename")["stale"]
    assert not clean_stale.drop_nulls().any()
