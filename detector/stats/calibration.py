"""Calibrate a drop against reference models run on the same variant set (ConStat-like).

A perturbation can make items harder for every model. Reference runs of other models on the
same variant set show how much a model of a given original accuracy drops; we fit that with
scikit-learn (drop ~ acc_original, linear) and report the target's excess drop over the fit.
The interval comes from a joint bootstrap: parent items are resampled together for the target
and every reference (they answered the same items) and the references are resampled too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detector.stats.paired import ALPHA, bootstrap_indices

# ConStat (Dekoninck et al. 2024) refuses with fewer than 5 reference models; so do we.
MIN_REFERENCES = 5
CALIBRATION_BOOTSTRAP = 1000


class CalibrationError(ValueError):
    """References that cannot calibrate this run (a different variant set)."""


@dataclass(frozen=True, slots=True)
class ClusterOutcomes:
    """One run's per-parent outcomes on a shared parent order: original (0/1) and mean variant.

    NaN marks a parent the run has no usable answer for.
    """

    name: str
    original: NDArray[np.float64]
    variant_mean: NDArray[np.float64]

    def accuracy_and_drop(self, idx: NDArray[np.int64] | None = None) -> tuple[NDArray, NDArray]:
        """(acc_original, drop) in points, for each bootstrap row of `idx` (or the data itself)."""
        o = self.original if idx is None else self.original[idx]
        v = self.variant_mean if idx is None else self.variant_mean[idx]
        both = ~(np.isnan(o) | np.isnan(v))
        count = np.maximum(both.sum(axis=-1), 1)
        acc = np.where(both, o, 0.0).sum(axis=-1) / count
        drop = np.where(both, o - v, 0.0).sum(axis=-1) / count
        return 100.0 * acc, 100.0 * drop


def check_variant_sets(target_sha: str, references: Sequence[tuple[str, str]]) -> None:
    """Raise CalibrationError naming any reference whose variant set differs from the target's.

    `references` holds (run name, variant_set_sha256) pairs.
    """
    for name, sha in references:
        if sha != target_sha:
            raise CalibrationError(
                f"reference run {name} used variant set {sha[:12]}..., this run used "
                f"{target_sha[:12]}...: calibration needs references on the same variant set "
                "(same benchmarks, families, --per-item, --limit and --seed)"
            )


def _fit(acc: NDArray, drop: NDArray) -> Any:
    from sklearn.linear_model import LinearRegression  # lazy: scikit-learn is slow to import

    return LinearRegression().fit(acc.reshape(-1, 1), drop)


def predict_ols(x: NDArray, y: NDArray, at: NDArray) -> NDArray:
    """Row-wise least-squares line of y on x, evaluated at `at` (a flat line where x is constant)."""
    x_mean, y_mean = x.mean(axis=1), y.mean(axis=1)
    sxx = ((x - x_mean[:, None]) ** 2).sum(axis=1)
    sxy = ((x - x_mean[:, None]) * (y - y_mean[:, None])).sum(axis=1)
    slope = np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 0)
    return y_mean + slope * (at - x_mean)


def calibrate_drop(
    target: ClusterOutcomes,
    references: Sequence[ClusterOutcomes],
    *,
    seed: int = 0,
    n_boot: int = CALIBRATION_BOOTSTRAP,
    min_references: int = MIN_REFERENCES,
    alpha: float = ALPHA,
) -> dict[str, Any]:
    """The target's excess drop over what references of its original accuracy show.

    Returns a calibration block: `calibrated` False with a `message` when there are too few
    references; else the fit and `excess_drop` {estimate, ci_low, ci_high} in points, the
    interval at level 1 - `alpha` (smaller with several calibrated rows: Bonferroni).
    """
    block: dict[str, Any] = {
        "calibrated": False,
        "n_references": len(references),
        "min_references": min_references,
        "reference_models": [ref.name for ref in references],
        "excess_drop": None,
    }
    if len(references) < min_references:
        block["message"] = (
            f"{len(references)} reference run(s) given; calibration needs at least {min_references} "
            "(as ConStat): the drop is uncalibrated"
        )
        return block
    acc_t, drop_t = target.accuracy_and_drop()
    ref_points = [ref.accuracy_and_drop() for ref in references]
    acc_r = np.array([a for a, _ in ref_points], dtype=np.float64)
    drop_r = np.array([d for _, d in ref_points], dtype=np.float64)
    fit = _fit(acc_r, drop_r)
    predicted = float(fit.predict(np.array([[float(acc_t)]]))[0])
    estimate = float(drop_t) - predicted

    idx = bootstrap_indices(target.original.size, n_boot, seed)
    rng = np.random.default_rng(seed + 1)
    ref_choice = rng.integers(0, len(references), size=(n_boot, len(references)))
    acc_tb, drop_tb = target.accuracy_and_drop(idx)
    boot_r = [ref.accuracy_and_drop(idx) for ref in references]
    acc_rb = np.stack([a for a, _ in boot_r], axis=1)
    drop_rb = np.stack([d for _, d in boot_r], axis=1)
    # Per replicate, the same least-squares line as the point fit, vectorised over replicates.
    x = np.take_along_axis(acc_rb, ref_choice, axis=1)
    y = np.take_along_axis(drop_rb, ref_choice, axis=1)
    excess = drop_tb - predict_ols(x, y, acc_tb)
    low, high = np.quantile(excess, [alpha / 2, 1 - alpha / 2])
    block.update(
        calibrated=True,
        slope=float(fit.coef_[0]),
        intercept=float(fit.intercept_),
        predicted_drop=predicted,
        excess_drop={"estimate": estimate, "ci_low": float(low), "ci_high": float(high)},
        message=f"calibrated against {len(references)} reference runs on the same variant set",
    )
    return block
