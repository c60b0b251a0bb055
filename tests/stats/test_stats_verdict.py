"""Hand-computed statistics behind the verdict, and the verdict rules themselves."""

import math

import numpy as np
import polars as pl
import pytest
from scipy.stats import norm

from detector.stats.memorization import summarize_stale, summarize_verbatim
from detector.stats.paired import mean_t_test, minimum_detectable_effect
from detector.stats.verdict import MIN_SCORED_PARENTS, decide_verdict, inconclusive_reasons, robustness_lines


def test_stale_excess_and_its_cluster_robust_test_by_hand():
    # Clusters a (2 rows), b (1), c (2); one family. S = 2 stale, P = 1 placebo, 4 wrong variants,
    # 3 wrong originals: R = 1/3 hits per wrong answer, expected stale 4/3, E = (2 - 4/3) / 5.
    cluster = ["a", "a", "b", "c", "c"]
    stale = [1, 0, 0, 1, 0]
    placebo = [0, 0, 1, 0, 0]
    wrong_o = [1, 1, 1, 0, 0]
    wrong_v = [1, 1, 1, 1, 0]
    block = summarize_stale(cluster, stale, placebo, wrong_o, wrong_v, prior_weight=0.0, n_boot=50, seed=0)
    assert block["rate"] == pytest.approx(2 / 5)
    assert block["chance_rate"] == pytest.approx((4 / 3) / 5)
    assert block["excess"] == pytest.approx(2 / 15)
    # Cluster influences (delta method): t_a = 11/9, t_b = -11/9, t_c = 2/3; psi_i = (t_i - E n_i) / n
    # = (43, -61, 18) / 225; var = k/(k-1) * sum psi^2 = 1.5 * 5894 / 225^2.
    se = math.sqrt(1.5 * 5894 / 225**2)
    assert block["excess_se"] == pytest.approx(se)
    assert block["p_value"] == pytest.approx(norm.sf((2 / 15) / se))
    assert block["p_value"] == pytest.approx(0.37484, abs=1e-4)
    # With the prior: R = (1 + 5 * 0.2) / (3 + 5) = 0.25, expected stale 4 * 0.25 = 1, E = (2 - 1) / 5.
    shrunk = summarize_stale(
        cluster, stale, placebo, wrong_o, wrong_v, chance_prior=[0.2] * 5, n_boot=50, seed=0
    )
    assert shrunk["chance_rate"] == pytest.approx(1 / 5) and shrunk["excess"] == pytest.approx(1 / 5)


def test_stale_chance_prior_guards_a_model_with_almost_no_wrong_originals():
    # One wrong original that happened to hit the new gold would put the chance at 100% without the
    # prior; with 5 pseudo-answers at 1/3 it is (1 + 5/3) / 6 = 0.444 per wrong variant answer.
    n = 60
    stale = np.arange(n) < 54
    placebo = np.arange(n) == 0
    wrong_o = np.arange(n) == 0
    prior = np.full(n, 1 / 3)
    block = summarize_stale(np.arange(n), stale, placebo, wrong_o, np.ones(n, bool), chance_prior=prior,
                            n_boot=50, seed=0)  # fmt: skip
    assert block["chance_rate"] == pytest.approx((1 + 5 / 3) / 6)
    assert block["excess"] == pytest.approx(0.9 - (1 + 5 / 3) / 6)
    assert block["p_value"] < 1e-4


def test_stale_chance_is_estimated_per_family():
    # Family x: placebo hits on every wrong original (chance 100%); family y: none (chance 0).
    # Pooled, stale answers in x would look like excess over y's zero chance; per family they do not.
    cluster = np.arange(40)
    family = np.array(["x"] * 20 + ["y"] * 20)
    stale = np.array([True] * 20 + [False] * 20)
    placebo = np.array([True] * 20 + [False] * 20)
    wrong = np.ones(40, bool)
    block = summarize_stale(cluster, stale, placebo, wrong, wrong, family=family, prior_weight=0.0, n_boot=50,
                            seed=0)  # fmt: skip
    assert block["excess"] == pytest.approx(0.0, abs=1e-12)
    assert block["families"]["x"]["chance_rate"] == pytest.approx(1.0)
    assert block["families"]["y"]["chance_rate"] == pytest.approx(0.0)
    assert block["p_value"] >= 0.5


def test_stale_counts_every_variant_and_clusters_by_item():
    # 50 items with 4 variants each: one item's variants are one cluster, so 4 stale answers of one
    # item weigh as one item, not as four independent draws.
    cluster = np.repeat(np.arange(50), 4)
    stale = np.zeros(200, bool)
    stale[:8] = True  # two items, all four variants stale
    block = summarize_stale(cluster, stale, np.zeros(200, bool), np.ones(200, bool), np.ones(200, bool),
                            prior_weight=0.0, n_boot=50, seed=0)  # fmt: skip
    assert block["n"] == 200 and block["n_items"] == 50
    # psi: items 0-1: (4 - 0.04 * 4) / 200; others: (0 - 0.16) / 200. var = 50/49 * sum psi^2.
    psi = np.array([3.84] * 2 + [-0.16] * 48) / 200
    se = math.sqrt(50 / 49 * float(np.sum(psi**2)))
    assert block["excess_se"] == pytest.approx(se)
    independent_se = math.sqrt(0.04 * 0.96 / 200)
    assert block["excess_se"] > 1.9 * independent_se


def test_verbatim_score_test_by_hand():
    # Items a (2 probes, both verbatim), b (2, none), c (1, verbatim), d (1, none); allowance 0.1:
    # residuals (1.8, -0.2, 0.9, -0.1), z = 2.4 / sqrt(4/3 * 4.1).
    block = summarize_verbatim(["a", "a", "b", "b", "c", "d"], [1, 1, 0, 0, 1, 0], n_boot=50, seed=0)
    assert block["rate"] == pytest.approx(0.5) and block["n_items"] == 4
    assert block["p_value"] == pytest.approx(norm.sf(2.4 / math.sqrt(4 / 3 * 4.1)))
    assert block["p_value"] == pytest.approx(0.15234, abs=1e-4)


def test_mean_t_test_and_minimum_detectable_effect_by_hand():
    d = [1.0, 0.5, -1.0, 0.0]
    assert mean_t_test(d) == pytest.approx(0.78878, abs=1e-4)
    assert mean_t_test([0.0, 0.0, 0.0]) == 1.0 and math.isnan(mean_t_test([1.0]))
    sd = math.sqrt(2.1875 / 3)
    assert minimum_detectable_effect(d) == pytest.approx((norm.ppf(0.995) + norm.ppf(0.8)) * sd / 2)
    # 50 parents with the default spread 0.5: about 24 points (the documented minimum's MDE).
    assert minimum_detectable_effect([0.0] * 50) == pytest.approx(0.2417, abs=1e-3)


def test_paired_drop_p_value_agrees_with_its_interval():
    from detector.stats.paired import paired_drop

    rng = np.random.default_rng(5)
    n = 300
    orig = rng.random(n) < 0.7
    var = np.where(rng.random(n) < 0.85, orig, ~orig) & (rng.random(n) < 0.9)
    result = paired_drop(np.arange(n), orig, var, n_boot=2000, seed=1)
    excludes_zero = result.ci_low > 0 or result.ci_high < 0
    assert excludes_zero == (result.p_value < 0.05)


STALE = {"rate": 0.4, "chance_rate": 0.02, "excess": 0.38, "excess_se": 0.02, "q_value": 0.001}
WEAK_STALE = {"rate": 0.12, "chance_rate": 0.02, "excess": 0.10, "excess_se": 0.03, "q_value": 0.001}
VERBATIM = {"rate": 0.3, "ci_low": 0.2, "allowance": 0.1, "q_value": 0.001}


def test_verdict_rules():
    enough = {"n_parents": 300}
    assert decide_verdict({}, **enough)[0] == "no_evidence"
    assert decide_verdict({"stale_answer_rate": WEAK_STALE}, **enough)[0] == "suspicious"
    assert decide_verdict({"stale_answer_rate": STALE}, **enough)[0] == "likely_overfit"  # strong
    at_chance = {**WEAK_STALE, "rate": 0.04, "chance_rate": 0.03, "excess": 0.01}
    assert decide_verdict({"stale_answer_rate": at_chance}, **enough)[0] == "no_evidence"
    not_significant = {**WEAK_STALE, "q_value": 0.2}
    assert decide_verdict({"stale_answer_rate": not_significant}, **enough)[0] == "no_evidence"
    both = {"stale_answer_rate": WEAK_STALE, "verbatim_rate": VERBATIM}
    assert decide_verdict(both, **enough)[0] == "likely_overfit"
    excess = [{"label": "gsm8k / numeric", "estimate": 8.0, "ci_low": 2.0, "ci_high": 14.0}]
    verdict, evidence, _ = decide_verdict({}, calibrated_rows=excess, **enough)
    assert verdict == "suspicious" and "gsm8k / numeric" in evidence[0]
    strong = [{"label": "all families", "estimate": 20.0, "ci_low": 12.0, "ci_high": None}]
    verdict, evidence, _ = decide_verdict({}, calibrated_rows=strong, **enough)
    assert verdict == "likely_overfit" and "[12.0, n/a]" in evidence[0]
    small = [{"label": "all families", "estimate": 2.0, "ci_low": -3.0, "ci_high": 7.0}]
    assert decide_verdict({}, calibrated_rows=small, **enough)[0] == "no_evidence"


def test_membership_needs_its_floor():
    enough = {"n_parents": 300}
    strong = {"estimate": 0.4, "ci_low": 0.3, "ci_high": 0.5, "q_value": 0.001}
    weak = {"estimate": 0.08, "ci_low": 0.05, "ci_high": 0.1, "q_value": 0.001}
    verdict, evidence, _ = decide_verdict({"membership": strong}, **enough)
    assert verdict == "suspicious" and any("nats/token" in line for line in evidence)
    assert decide_verdict({"membership": weak}, **enough)[0] == "no_evidence"
    assert (
        decide_verdict({"membership": strong, "stale_answer_rate": WEAK_STALE}, **enough)[0]
        == "likely_overfit"
    )


def test_inconclusive_when_too_little_was_scored():
    assert inconclusive_reasons(300, 0.0, 0.1, MIN_SCORED_PARENTS) == []
    assert "requests failed" in inconclusive_reasons(300, 0.5, 0.1, MIN_SCORED_PARENTS)[0]
    assert "no item was scored" in inconclusive_reasons(0, 0.0, 0.1, MIN_SCORED_PARENTS)[0]
    assert "only 3 parent items" in inconclusive_reasons(3, None, None, MIN_SCORED_PARENTS)[0]
    # Evidence found on a broken run does not turn into a verdict either.
    verdict, evidence, reasons = decide_verdict({"stale_answer_rate": STALE}, n_parents=3)
    assert verdict == "inconclusive" and evidence and reasons


def test_a_large_drop_in_one_family_stays_visible():
    families = [
        {
            "name": "numeric",
            "benchmark": "gsm8k",
            "drop": 30.0,
            "ci_low": 22.0,
            "ci_high": 38.0,
            "n_items": 100,
        },
        {
            "name": "entity",
            "benchmark": "gsm8k",
            "drop": -1.0,
            "ci_low": -4.0,
            "ci_high": 2.0,
            "n_items": 900,
        },
    ]
    overall = {"drop": 1.3, "ci_low": -1.0, "ci_high": 3.6}
    lines = robustness_lines(families, overall)
    assert "(entity, numeric)" in lines[0] and "not evidence" in lines[0]
    assert lines[1].startswith("gsm8k / numeric: accuracy falls 30.0 points")


SCORE_SCHEMA = {
    "prompt_id": pl.String, "role": pl.String, "benchmark": pl.String, "parent_id": pl.String,
    "family": pl.String, "scoring": pl.String, "correct": pl.Boolean, "original_correct": pl.Boolean,
    "stale": pl.Boolean, "placebo": pl.Boolean, "jaccard_parent": pl.Float64, "jaccard_own": pl.Float64,
}  # fmt: skip


def _scores(n_parents: int, n_failed: int = 0) -> pl.DataFrame:
    """One original and one numeric variant per parent; a third of the variants wrong."""
    rows = []
    for i in range(n_parents):
        failed = i < n_failed
        base = {"benchmark": "b", "parent_id": f"p{i}", "scoring": "answer", "stale": None, "placebo": None,
                "jaccard_parent": None, "jaccard_own": None}  # fmt: skip
        rows.append({**base, "prompt_id": f"p{i}", "role": "original", "family": None,
                     "correct": None if failed else True, "original_correct": None})  # fmt: skip
        rows.append({**base, "prompt_id": f"p{i}~numeric~0", "role": "variant", "family": "numeric",
                     "correct": None if failed else i % 3 > 0,
                     "original_correct": None if failed else True})  # fmt: skip
    return pl.DataFrame(rows, schema=SCORE_SCHEMA)


def test_analysis_reports_robustness_and_inconclusive():
    from detector.stats.analysis import analyze_scores

    big = analyze_scores(_scores(300), seed=0, n_boot=100, failed_share=0.0, max_failed_share=0.1)
    assert big["verdict"] == "no_evidence"  # a 33-point drop with no reference: robustness
    assert big["families"][0]["drop"] == pytest.approx(100 * 100 / 300)
    assert big["summarised_families"] == ["numeric"] and big["n_scored_parents"] == 300
    assert big["min_detectable_drop"] > 0
    # The "all" row's p-value is the t-test on the same per-parent differences as its interval.
    d = np.array([0.0 if i % 3 > 0 else 1.0 for i in range(300)])
    assert big["overall"]["p_value"] == pytest.approx(mean_t_test(d))
    few = analyze_scores(_scores(3), seed=0, n_boot=100)
    assert few["verdict"] == "inconclusive" and "only 3 parent items" in few["inconclusive_reasons"][0]
    broken = analyze_scores(_scores(300, n_failed=280), seed=0, n_boot=100, failed_share=280 / 300,
                            max_failed_share=0.1)  # fmt: skip
    assert broken["verdict"] == "inconclusive"
    nothing = analyze_scores(_scores(0), seed=0, n_boot=100)
    assert nothing["verdict"] == "inconclusive" and nothing["overall"]["n_items"] == 0


def test_calibrated_excess_by_hand():
    from detector.stats.calibration import ClusterOutcomes, calibrate_drop

    def run(name: str, n_right: int, drop_share: float) -> ClusterOutcomes:
        orig = np.array([1.0] * n_right + [0.0] * (10 - n_right))
        return ClusterOutcomes(name, orig, orig * (1.0 - drop_share))

    # References on the line drop = 0.1 x accuracy (50 -> 5 points ... 90 -> 9 points).
    refs = [run(f"r{k}", k, 0.1) for k in (5, 6, 7, 8, 9)]
    # Target: accuracy 70, drop 17 points; the line predicts 7, so the excess is 10.
    block = calibrate_drop(run("t", 7, 17 / 70), refs, seed=0, n_boot=200)
    assert block["slope"] == pytest.approx(0.1) and block["intercept"] == pytest.approx(0.0, abs=1e-9)
    assert block["predicted_drop"] == pytest.approx(7.0)
    assert block["excess_drop"]["estimate"] == pytest.approx(10.0)
