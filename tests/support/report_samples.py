"""Hand-built report dicts (report.json schema_version 1) for the report and leaderboard tests."""

from __future__ import annotations

import copy
from typing import Any

HOSTILE = '<script>alert("x")</script> | **bold** `tick` ```fence``` & [link](http://e.x)'


def full_report(
    model: str = "control/contaminated", score: float = 18.4, sha: str = "ab" * 32
) -> dict[str, Any]:
    """A complete report of a model that overfits, with every block filled."""
    return {
        "schema_version": 1,
        "model": model,
        "benchmarks": ["gsm8k_test", "mmlu_test"],
        "seed": 7,
        "variant_set_sha256": sha,
        "verdict": "likely_overfit",
        "evidence": [
            "accuracy falls 18.4 points [12.1, 24.9] from originals to variants (p < 0.001)",
            "stale answers on 41.0% of changed-answer variants (chance 2.0%)",
        ],
        "calibrated": False,
        "overfitting_score": {"estimate": score, "ci_low": score - 6.3, "ci_high": score + 6.5},
        "excess_drop": None,
        "overall": {
            "n_items": 40, "n_variants": 120, "acc_original": 92.5, "acc_variant": 74.1,
            "drop": score, "ci_low": score - 6.3, "ci_high": score + 6.5, "p_value": 0.00002,
        },
        "families": [
            {"name": "numeric", "benchmark": "gsm8k_test", "n_items": 20, "n_variants": 40,
             "acc_original": 95.0, "acc_variant": 60.0, "drop": 35.0, "ci_low": 22.5, "ci_high": 47.5,
             "p_value": 0.0001, "q_value": 0.0003},
            {"name": "option-shuffle", "benchmark": "mmlu_test", "n_items": 20, "n_variants": 40,
             "acc_original": 90.0, "acc_variant": 82.5, "drop": 7.5, "ci_low": -2.5, "ci_high": 17.5,
             "p_value": 0.18, "q_value": 0.27},
            {"name": "paraphrase", "benchmark": "gsm8k_test", "n_items": 20, "n_variants": 40,
             "acc_original": 95.0, "acc_variant": None, "drop": None, "ci_low": None, "ci_high": None,
             "p_value": None, "q_value": None},
        ],
        "signals": {
            "stale_answer_rate": {"rate": 0.41, "ci_low": 0.3, "ci_high": 0.52, "n": 40, "chance_rate": 0.02},
            "solution_echo": {"parent": 0.62, "own": 0.21, "difference": 0.41, "ci_low": 0.3,
                              "ci_high": 0.5, "n": 20},
            "verbatim_rate": {"rate": 0.55, "ci_low": 0.35, "ci_high": 0.7, "n": 20},
            "membership": None,
        },
        "examples": [
            {"family": "numeric", "parent_id": "gsm8k_test/3", "variant_id": "gsm8k_test/3~numeric~0",
             "original_question": "Tom has 3 apples and buys 4 more. How many apples?",
             "variant_question": "Tom has 5 apples and buys 4 more. How many apples?",
             "original_gold": "7", "variant_gold": "9",
             "original_response": "3 + 4 = 7. The answer is 7.",
             "variant_response": "The answer is 7."},
            {"family": "option-shuffle", "parent_id": "mmlu_test/5",
             "variant_id": "mmlu_test/5~option-shuffle~0",
             "original_question": "Which gas do plants absorb?",
             "variant_question": "Which gas do plants absorb?",
             "original_choices": ["Oxygen", "Carbon dioxide", "Helium", "Neon"],
             "variant_choices": ["Neon", "Helium", "Oxygen", "Carbon dioxide"],
             "original_labels": ["A", "B", "C", "D"], "variant_labels": ["A", "B", "C", "D"],
             "original_gold": "B", "variant_gold": "D",
             "original_response": "Answer: B", "variant_response": "Answer: B"},
        ],
        "errors": {"n_requests": 160, "n_failed": 0},
        "versions": {"detect": "0.1.0", "python": "3.11.2", "polars": "1.9.0", "datasketch": "1.6.5"},
        "created_by": "detect probe",
    }


def hostile_report() -> dict[str, Any]:
    """A full report whose dataset and model text tries to inject markup."""
    report = full_report(model=HOSTILE)
    report["evidence"] = [HOSTILE]
    report["families"][0]["name"] = HOSTILE
    example = report["examples"][0]
    for key in ("original_question", "variant_question", "original_response", "variant_response",
                "original_gold", "variant_gold", "family", "parent_id", "variant_id"):
        example[key] = HOSTILE
    return report


def null_report() -> dict[str, Any]:
    """A report where everything that can be null is null (nothing could be computed)."""
    return {
        "schema_version": 1, "model": "m", "benchmarks": [], "seed": 0, "variant_set_sha256": None,
        "verdict": None, "evidence": [], "calibrated": False,
        "overfitting_score": {"estimate": None, "ci_low": None, "ci_high": None},
        "excess_drop": None,
        "overall": {"n_items": 0, "n_variants": 0, "acc_original": None, "acc_variant": None,
                    "drop": None, "ci_low": None, "ci_high": None, "p_value": None},
        "families": [],
        "signals": {"stale_answer_rate": None, "solution_echo": None, "verbatim_rate": None,
                    "membership": None},
        "examples": [], "errors": None, "versions": None, "created_by": "detect probe",
    }


def calibrated_report(model: str, score: float, excess: float, sha: str = "ab" * 32) -> dict[str, Any]:
    """A full report calibrated against references, with an excess drop."""
    report = full_report(model=model, score=score, sha=sha)
    report["calibrated"] = True
    report["excess_drop"] = {"estimate": excess, "ci_low": excess - 4.0, "ci_high": excess + 4.0}
    return report


def clean_report(model: str, score: float = 0.8, sha: str = "ab" * 32) -> dict[str, Any]:
    """A report of a model no test found evidence against: small drop, verdict no_evidence."""
    report = copy.deepcopy(full_report(model=model, score=score, sha=sha))
    report["verdict"] = "no_evidence"
    report["overall"]["acc_original"] = 71.0
    report["overall"]["acc_variant"] = 71.0 - score
    report["examples"] = []
    return report
