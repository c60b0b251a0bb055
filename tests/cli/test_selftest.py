import re

from typer.testing import CliRunner

from detector.benchmarks import load_benchmark
from detector.cli import app
from detector.selftest import expand_items, plan_selftest, run_selftest


def _items():
    return list(load_benchmark("mmlu").items) + list(load_benchmark("gsm8k").items)


def test_expand_items_samples_or_cycles_with_distinct_prompts():
    items = _items()
    sample = expand_items(items, 10, seed=0)
    assert len(sample) == 10 and sample == expand_items(items, 10, seed=0)
    assert len({it.item_id for it in sample}) == 10
    many = expand_items(items, 3 * len(items) + 5, seed=0)
    assert len(many) == 3 * len(items) + 5
    assert len({it.item_id for it in many}) == len(many)
    assert len({it.question for it in many}) == len(many)
    copy = many[len(items)]
    assert copy.item_id == f"{items[0].item_id}#r1" and copy.question.startswith("[set B] ")
    assert copy.answer == items[0].answer


def test_selftest_counts_verdicts_per_model():
    plan = plan_selftest(_items(), n_items=120, families=["numeric", "option-shuffle"], per_item=1, seed=0)
    result = run_selftest(plan, trials=3, fractions=(1.0,), seed=0)
    assert result.trials == 3 and result.n_items == 120
    assert sum(result.verdict_counts["control/clean"].values()) == 3
    # A model that memorized every original is caught in every trial; the clean one is not flagged.
    assert result.detection_rates == {1.0: 1.0}
    assert result.clean_flag_rate == 0.0
    again = run_selftest(plan, trials=3, fractions=(1.0,), seed=0)
    assert again.verdict_counts == result.verdict_counts


def test_selftest_cli_reports_both_rates_and_exit_code():
    result = CliRunner().invoke(
        app,
        [
            "selftest",
            "--items",
            "60",
            "--trials",
            "2",
            "--family",
            "numeric",
            "--family",
            "option-shuffle",
            "--fraction",
            "0.2",
            "--workers",
            "1",
        ],
    )
    assert "false flags on control/clean" in result.output
    assert "selftest 2/2 trials, " in result.output  # the progress line a log gets
    assert re.search(r"detected control/contaminated:0.2: \d+\.\d% of 2 trials", result.output)
    passed = "selftest passed" in result.output
    assert result.exit_code == (0 if passed else 1)
    bad = CliRunner().invoke(app, ["selftest", "--items", "20", "--trials", "1", "--fraction", "1.5"])
    assert bad.exit_code == 2
