import math

import numpy as np
import pytest
from scipy.stats import binomtest, false_discovery_control
from scipy.stats import t as student_t

from detector.stats.paired import (
    benjamini_hochberg,
    binomial_greater,
    bootstrap_mean_interval,
    cluster_outcomes,
    mcnemar_exact,
    paired_drop,
)


def test_mcnemar_hand_computed():
    # b=8, c=2: 2 * P(X <= 2 | n=10, 1/2) = 2 * (1 + 10 + 45) / 1024
    assert float(mcnemar_exact(8, 2)) == pytest.approx(2 * 56 / 1024)
    assert float(mcnemar_exact(2, 8)) == pytest.approx(2 * 56 / 1024)
    assert float(mcnemar_exact(0, 0)) == 1.0
    assert float(mcnemar_exact(5, 5)) == 1.0
    # b=6, c=0: 2 * (1/2)^6
    assert float(mcnemar_exact(6, 0)) == pytest.approx(2 / 64)


@pytest.mark.parametrize(("b", "c"), [(8, 2), (13, 4), (0, 7), (30, 18), (1, 1), (40, 3)])
def test_mcnemar_matches_scipy_binomtest(b, c):
    assert float(mcnemar_exact(b, c)) == pytest.approx(binomtest(b, b + c, 0.5).pvalue, rel=1e-9)


def test_mcnemar_vectorised():
    p = mcnemar_exact([8, 0, 13], [2, 0, 4])
    assert p.shape == (3,)
    assert p[1] == 1.0 and p[0] == pytest.approx(binomtest(8, 10).pvalue)


def test_binomial_greater():
    # P(X >= 3 | n=3, p=0.5) = 1/8
    assert binomial_greater(3, 3, 0.5) == pytest.approx(0.125)
    assert binomial_greater(0, 10, 0.2) == 1.0
    assert binomial_greater(2, 10, 0.0) == 0.0


def test_benjamini_hochberg_hand_and_scipy():
    p = [0.01, 0.04, 0.03, 0.005]
    q = benjamini_hochberg(p)
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert q == pytest.approx(false_discovery_control(p, method="bh"))
    with_nan = benjamini_hochberg([0.01, float("nan"), 0.04])
    assert np.isnan(with_nan[1])
    assert with_nan[[0, 2]] == pytest.approx([0.02, 0.04])


def test_bootstrap_fixed_seed_is_reproducible_and_sane():
    rng = np.random.default_rng(3)
    values = rng.normal(0.0, 1.0, size=400)
    first = bootstrap_mean_interval(values, n_boot=4000, seed=11)
    assert first == bootstrap_mean_interval(values, n_boot=4000, seed=11)
    assert first != bootstrap_mean_interval(values, n_boot=4000, seed=12)
    est, low, high = first
    assert est == pytest.approx(values.mean())
    # The percentile interval is close to the normal-theory one: mean +- 1.96 sd / sqrt(n).
    half = 1.96 * values.std(ddof=1) / np.sqrt(values.size)
    assert low == pytest.approx(est - half, abs=0.02)
    assert high == pytest.approx(est + half, abs=0.02)


def test_cluster_outcomes_and_paired_drop_hand_example():
    # Parents p1..p4 with 2 variants each: (orig, v1, v2)
    cluster = ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4"]
    orig = [1, 1, 1, 1, 0, 0, 1, 1]
    var = [0, 0, 1, 0, 1, 1, 1, 1]
    o, vmean, vfirst, sizes = cluster_outcomes(cluster, orig, var)
    assert list(o) == [1, 1, 0, 1]
    assert list(vmean) == [0.0, 0.5, 1.0, 1.0]
    assert list(vfirst) == [0, 1, 1, 1]
    assert list(sizes) == [2, 2, 2, 2]
    result = paired_drop(cluster, orig, var, n_boot=500, seed=0)
    assert result.acc_original == pytest.approx(75.0)
    assert result.acc_variant == pytest.approx(62.5)
    assert result.drop == pytest.approx(12.5)
    # McNemar on (original, first variant): b = p1, c = p3.
    assert (result.discordant_b, result.discordant_c) == (1, 1)
    # The p-value is a t-test on the per-parent differences d = (1, 0.5, -1, 0): mean 0.125,
    # sum of squared deviations 2.1875, sd sqrt(2.1875 / 3), t = 0.125 / (sd / 2) = 0.29277,
    # two-sided with 3 degrees of freedom.
    assert result.p_value == pytest.approx(2 * student_t.sf(0.125 / (math.sqrt(2.1875 / 3) / 2), 3))
    assert result.p_value == pytest.approx(0.78878, abs=1e-4)
    assert result.ci_low <= result.drop <= result.ci_high
    assert (result.n_items, result.n_variants) == (4, 8)


def test_paired_drop_detects_a_real_drop_and_not_a_null():
    rng = np.random.default_rng(5)
    n = 300
    cluster = np.repeat(np.arange(n), 2)
    orig = np.repeat(rng.random(n) < 0.8, 2)
    dropped = rng.random(2 * n) < 0.5
    result = paired_drop(cluster, orig, dropped, n_boot=1000, seed=1)
    assert result.drop > 20 and result.ci_low > 0 and result.p_value < 1e-6
    same = np.repeat(rng.random(n) < 0.6, 2), rng.random(2 * n) < 0.6
    null = paired_drop(cluster, same[0], same[1], n_boot=1000, seed=1)
    assert null.ci_low < 0 < null.ci_high or abs(null.drop) < 8
