import numpy as np
import pytest

from detector.stats.calibration import (
    CalibrationError,
    ClusterOutcomes,
    calibrate_drop,
    check_variant_sets,
)
from detector.stats.memorization import summarize_echo, summarize_stale, summarize_verbatim


def test_stale_summary_against_placebo():
    n = 200
    cluster = np.arange(n)
    stale = np.zeros(n, bool)
    stale[:60] = True
    placebo = np.zeros(n, bool)
    placebo[100:104] = True
    wrong = np.ones(n, bool)
    block = summarize_stale(cluster, stale, placebo, wrong, wrong, prior_weight=0.0, n_boot=500, seed=0)
    assert block["rate"] == pytest.approx(0.30)
    assert block["chance_rate"] == pytest.approx(0.02)
    assert block["excess"] == pytest.approx(0.28)
    assert block["ci_low"] < 0.30 < block["ci_high"]
    assert block["p_value"] < 1e-10
    # Equal stale and placebo counts: excess 0, p = 1/2.
    even = summarize_stale(cluster, placebo, placebo[::-1], wrong, wrong, prior_weight=0.0, n_boot=20, seed=0)
    assert even["excess"] == pytest.approx(0.0, abs=1e-12) and even["p_value"] == pytest.approx(0.5)
    assert block["families"]["0"] == {
        "n": 200, "stale": 60, "wrong_variants": 200, "placebo": 4, "wrong_originals": 200,
        "chance_rate": pytest.approx(0.02), "rate": pytest.approx(0.3),
    }
    assert summarize_stale([], [], [], [], []) is None


def test_echo_and_verbatim_summaries():
    cluster = np.arange(100)
    echo = summarize_echo(cluster, np.full(100, 0.8), np.full(100, 0.3), n_boot=200, seed=0)
    assert echo["difference"] == pytest.approx(0.5)
    assert echo["p_value"] == pytest.approx(1 / 201)
    flat = summarize_echo(cluster, np.full(100, 0.3), np.full(100, 0.3), n_boot=200, seed=0)
    assert flat["p_value"] == 1.0
    verbatim = summarize_verbatim(np.arange(50), np.arange(50) < 5, n_boot=200, seed=0)
    assert verbatim["rate"] == pytest.approx(0.1)
    assert verbatim["p_value"] > 0.3


def _outcomes(name, acc, drop, n=400, seed=0):
    rng = np.random.default_rng(seed)
    orig = (rng.random(n) < acc).astype(float)
    var = (rng.random(n) < acc - drop).astype(float)
    return ClusterOutcomes(name, orig, var)


def test_calibration_needs_five_references_and_finds_excess():
    refs = [_outcomes(f"r{i}", acc, 0.1 * acc, seed=i) for i, acc in enumerate([0.5, 0.6, 0.7, 0.8, 0.9])]
    few = calibrate_drop(_outcomes("t", 0.7, 0.07, seed=9), refs[:3], seed=0, n_boot=50)
    assert few["calibrated"] is False and "at least 5" in few["message"]
    honest = calibrate_drop(_outcomes("t", 0.7, 0.07, seed=9), refs, seed=0, n_boot=200)
    assert honest["calibrated"] is True
    assert honest["excess_drop"]["ci_low"] < 0 < honest["excess_drop"]["ci_high"]
    cheat = calibrate_drop(_outcomes("t", 0.7, 0.37, seed=9), refs, seed=0, n_boot=200)
    assert cheat["excess_drop"]["estimate"] > 20 and cheat["excess_drop"]["ci_low"] > 10


def test_variant_set_mismatch_is_refused():
    check_variant_sets("a" * 64, [("ref1", "a" * 64)])
    with pytest.raises(CalibrationError, match="ref2"):
        check_variant_sets("a" * 64, [("ref1", "a" * 64), ("ref2", "b" * 64)])


def _family(drop, low, q):
    return {
        "name": "numeric",
        "benchmark": "gsm8k",
        "drop": drop,
        "ci_low": low,
        "ci_high": drop + 5,
        "q_value": q,
    }


def test_analysis_calibrates_with_five_reference_runs():
    import polars as pl

    from detector.stats.analysis import analyze_scores

    rng = np.random.default_rng(0)
    n = 300

    def scores(acc, drop):
        orig = rng.random(n) < acc
        var = rng.random(n) < acc - drop
        return pl.DataFrame(
            {
                "prompt_id": [f"p{i}~numeric~0" for i in range(n)],
                "role": ["variant"] * n,
                "benchmark": ["b"] * n,
                "parent_id": [f"p{i}" for i in range(n)],
                "family": ["numeric"] * n,
                "scoring": ["answer"] * n,
                "original_correct": orig,
                "correct": var,
                "stale": [None] * n,
                "jaccard_parent": [None] * n,
            },
            schema_overrides={"stale": pl.Boolean, "jaccard_parent": pl.Float64},
        )

    refs = pl.concat(
        [
            scores(acc, 0.15).select(
                pl.lit(f"ref{k}").alias("reference_run"), "benchmark", "family", "parent_id",
                "original_correct", "correct",
            )
            for k, acc in enumerate([0.5, 0.6, 0.7, 0.8, 0.9])
        ]
    )
    # Every reference drops 15 points: a target that also drops 15 is not overfit once calibrated.
    target = analyze_scores(scores(0.7, 0.15), seed=0, n_boot=200, references=refs)
    assert target["calibrated"] is True
    assert target["excess_drop"]["ci_low"] < 0 < target["excess_drop"]["ci_high"]
    assert target["overfitting_score"] == target["excess_drop"]
    assert target["verdict"] == "no_evidence"
    # Without references the same 15-point drop is robustness: reported, never a flag.
    uncalibrated = analyze_scores(scores(0.7, 0.15), seed=0, n_boot=200)
    assert uncalibrated["calibrated"] is False and uncalibrated["verdict"] == "no_evidence"
    assert uncalibrated["families"][0]["q_value"] < 0.01
    assert any("robustness, not evidence" in line for line in uncalibrated["robustness"])
    cheat = analyze_scores(scores(0.9, 0.45), seed=0, n_boot=200, references=refs)
    assert cheat["excess_drop"]["ci_low"] > 10 and cheat["verdict"] == "likely_overfit"


def test_vectorised_ols_matches_scikit_learn():
    from sklearn.linear_model import LinearRegression

    from detector.stats.calibration import predict_ols

    rng = np.random.default_rng(1)
    x, y, at = rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=4)
    got = predict_ols(x, y, at)
    for row in range(4):
        fit = LinearRegression().fit(x[row].reshape(-1, 1), y[row])
        assert got[row] == pytest.approx(fit.predict([[at[row]]])[0])
    flat = predict_ols(np.ones((1, 3)), np.array([[1.0, 2.0, 3.0]]), np.array([5.0]))
    assert flat[0] == pytest.approx(2.0)


def test_fail_on_levels():
    import pytest

    from detector.stats.verdict import verdict_reaches

    assert verdict_reaches("likely_overfit", "likely") and verdict_reaches("likely_overfit", "suspicious")
    assert verdict_reaches("suspicious", "suspicious") and not verdict_reaches("suspicious", "likely")
    assert not verdict_reaches("no_evidence", "suspicious") and not verdict_reaches(None, "likely")
    assert not verdict_reaches("inconclusive", "suspicious")
    with pytest.raises(ValueError, match="suspicious, likely"):
        verdict_reaches("no_evidence", "nonsense")
