
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


def test_simulated_selftest_counts_flags_by_model_and_size():
    from detector.selftest import SimulatedSpec

    plans = {
        size: plan_selftest(
            _items(), n_items=size, families=["numeric", "option-shuffle"], per_item=1, seed=0
        )
        for size in (60, 120)
    }
    specs = [
        SimulatedSpec("honest/hard-drop", True, (10.0, 15.0)),
        SimulatedSpec("contaminated/strong:1", False, (2.0, 15.0), fraction=1.0),
    ]
    result = run_selftest(plans, trials=3, specs=specs, seed=0)
    assert result.trials == 3 and result.sizes == (60, 120)
    assert sum(result.verdict_counts["honest/hard-drop"][120].values()) == 3
    # A model that memorized every original is caught in every trial; the honest one, which finds
    # variants 10-15 points harder, is not flagged.
    assert result.flag_rates["contaminated/strong:1"] == {60: 1.0, 120: 1.0}
    assert result.flag_rates["honest/hard-drop"] == {60: 0.0, 120: 0.0}
    again = run_selftest(plans, trials=3, specs=specs, seed=0)
    assert again.verdict_counts == result.verdict_counts


def test_selftest_fails_when_an_honest_null_is_flagged():
    from detector.selftest import SelftestResult, SimulatedSpec

    specs = (
        SimulatedSpec("honest/x", True, (2.0, 5.0)),
        SimulatedSpec("contaminated/strong:0.2", False, (2, 15)),
    )
    good = SelftestResult((100, 300), {}, 20, specs, {"honest/x": {100: 0.05, 300: 0.0},
                          "contaminated/strong:0.2": {100: 0.5, 300: 0.9}}, {}, 1.0)  # fmt: skip
    assert good.passed
    bad = SelftestResult((100, 300), {}, 20, specs, {"honest/x": {100: 0.10, 300: 0.0},
                         "contaminated/strong:0.2": {100: 0.5, 300: 0.85}}, {}, 1.0)  # fmt: skip
    assert bad.failures() == [
        "honest/x flagged in 10.0% of trials at 100 items",
        "contaminated/strong:0.2 found in 85.0% of trials at 300 items",
    ]


def test_selftest_cli_prints_the_table_and_exit_code():
    result = CliRunner().invoke(
        app,
        ["selftest", "--items", "120", "--trials", "2", "--family", "numeric", "--family", "option-shuffle",
         "--workers", "1"],
    )  # fmt: skip
    assert "honest/habits" in result.output and "contaminated/answer-only:0.2" in result.output
    assert "100 items" in result.output and "120 items" in result.output
    assert "selftest 2/2 trials, " in result.output  # the progress line a log gets
    passed = "selftest passed" in result.output
    assert result.exit_code == (0 if passed else 1)
    bad = CliRunner().invoke(app, ["selftest", "--items", "20", "--trials", "1", "--fraction", "1.5"])
    assert bad.exit_code == 2
