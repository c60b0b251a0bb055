"""Scoring code by execution: extraction, pass@k, signals, the executor's cache, control models."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from detector.benchmarks import load_benchmark
from detector.execution import ExecutionCache, Executor
from detector.models.control import AnswerKey, ControlModel, Draws, case_for_item, case_for_variant
from detector.plan import build_plan
from detector.scoring.code import completed_code, extract_code, score_code
from detector.scoring.code_signals import code_echo, placebo_code, stale_code
from detector.scoring.pass_at_k import mean_pass_at_k, pass_at_k
from detector.scoring.table import score_rows
from detector.variants import make_variants


@pytest.fixture(scope="module", autouse=True)
def execution_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Executions cached in a folder of this module's own, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DETECT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def test_extract_code_prefers_the_block_defining_the_entry_point() -> None:
    reply = "First a helper:\n```python\nx = 1\n```\nThen:\n```python\ndef f(a):\n    return a\n```\nDone."
    assert extract_code(reply, "f") == "def f(a):\n    return a\n"
    assert extract_code("```\nprint(2)\n```", "f") == "print(2)\n"
    assert extract_code("def f(a):\n    return a", "f") == "def f(a):\n    return a"
    assert extract_code(
        "<think>```python\ndef f(): pass\n```</think>```python\ndef f(a):\n    return 1\n```", "f"
    ) == ("def f(a):\n    return 1\n")


def test_a_humaneval_body_only_reply_is_appended_to_the_prompt() -> None:
    item = load_benchmark("humaneval").items[0]
    body = "    return sum(ch in 'aeiouAEIOU' for ch in text)\n"
    assert completed_code(item, body) == item.question + body
    assert score_code(item, body, Executor(parallelism=1)).correct is True


def _pass_at_k_by_enumeration(n: int, c: int, k: int) -> float:
    outcomes = [True] * c + [False] * (n - c)
    draws = list(itertools.combinations(range(n), k))
    return sum(any(outcomes[i] for i in draw) for draw in draws) / len(draws)


@pytest.mark.parametrize(("n", "c", "k"), [(5, 0, 1), (5, 2, 1), (5, 2, 3), (6, 1, 6), (7, 3, 2), (4, 4, 2)])
def test_pass_at_k_is_the_unbiased_estimator(n: int, c: int, k: int) -> None:
    assert math.isclose(pass_at_k(n, c, k), _pass_at_k_by_enumeration(n, c, k), abs_tol=1e-12)
    assert math.isclose(pass_at_k(n, c, 1), c / n)


def test_pass_at_k_checks_its_inputs() -> None:
    with pytest.raises(ValueError, match="pass@k needs"):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError, match="at least 2 samples"):
        mean_pass_at_k({"a": [True]}, 2)
    assert mean_pass_at_k({"a": [True, False], "b": [False, False]}, 1) == 0.25


def test_executions_are_cached(tmp_path: Path) -> None:
    cache = ExecutionCache(tmp_path / "executions.sqlite")
    program = "import random\nprint(random.random())"
    first = Executor(parallelism=1, cache=cache).run(program)
    second = Executor(parallelism=1, cache=cache).run(program)
    assert first.passed and second.stdout == first.stdout  # the second is the cached outcome
    results = Executor(parallelism=2, cache=cache).run_many(["assert False", program, "assert False"])
    assert [r.status for r in results] == ["failed", "passed", "failed"]
    cache.close()


def test_stale_and_echo_signals_read_the_variant_records() -> None:
    items = load_benchmark("humaneval").items
    variants = make_variants(items[:1], ["code-rename"], 1, 0).variants
    variant = variants[0]
    old_reply = f"```python\n{items[0].solution}\n```"
    new_reply = f"```python\n{variant.item.solution}\n```"
    assert stale_code(variant.item, old_reply) and not stale_code(variant.item, new_reply)
    assert placebo_code(variant.item, new_reply) and not placebo_code(variant.item, old_reply)
    to_parent, to_own = code_echo(old_reply, items[0].solution or "", variant.item.solution or "")
    assert to_parent == 1.0 and to_own < 0.9


def _control_scores(model_name: str, fraction: float) -> pl.DataFrame:
    items = load_benchmark("humaneval").items
    variant_set = make_variants(items, ["code-rename", "code-examples"], 1, 0)
    plan = build_plan(items, variant_set.variants, variant_set_sha256=variant_set.sha256)
    key = AnswerKey()
    for row in plan.rows:
        key.register(
            row.prompt,
            case_for_item(row.item) if row.variant is None else case_for_variant(row.variant, row.parent),
        )
    model = ControlModel(model_name, key, memorized_fraction=fraction, p_right=0.5)
    frames = []
    for trial in range(6):  # six answer draws per prompt, so rates are not one coin's luck
        texts = [model.answer(key.get(p), Draws(f"{trial}\x1f{p}")) for p in plan.prompts]  # type: ignore[arg-type]
        frames.append(score_rows(plan.rows, texts))
    return pl.concat(frames)


def test_control_models_answer_code_items_and_only_the_contaminated_one_is_stale() -> None:
    contaminated = _control_scores("control/contaminated", 1.0)
    originals = contaminated.filter(pl.col("role") == "original")
    assert originals["correct"].mean() >= 0.8  # it reproduces the reference solutions
    assert originals["execution"].null_count() == 0
    renamed = contaminated.filter(pl.col("family") == "code-rename")
    assert renamed["stale"].mean() >= 0.6 and renamed["correct"].mean() <= 0.4
    clean = _control_scores("control/clean", 0.0)
    assert not clean.filter(pl.col("role") == "variant")["stale"].drop_nulls().any()


def test_clean_control_is_right_at_its_rate_on_variants() -> None:
    clean = _control_scores("control/clean", 0.0)
    rates = clean.group_by("role").agg(pl.col("correct").mean()).sort("role")
    original, variant = rates["correct"].to_list()
    assert abs(original - variant) < 0.5
    assert 0.0 < variant < 1.0


def test_pass_at_k_from_sampled_replies_of_a_control_model() -> None:
    from detector.models import Runner
    from detector.prompts import render_prompt
    from detector.scoring.code_samples import sample_pass_at_k

    items = load_benchmark("humaneval").items
    key = AnswerKey({render_prompt(item): case_for_item(item) for item in items})
    model = ControlModel("control/clean", key, p_right=0.5)
    runner = Runner(model, None, concurrency=2)
    result = sample_pass_at_k(runner.generate, items, 8, (1, 4), executor=Executor(parallelism=2))
    assert result.failed_requests == 0 and all(n == 8 for n, _ in result.samples.values())
    passes = [c for _, c in result.samples.values()]
    assert 0 < sum(passes) < 40  # right about half the time, not always the same sample
    assert math.isclose(result.pass_at[1], sum(passes) / 40)
    assert result.pass_at[4] == mean_pass_at_k(
        {i: [j < c for j in range(8)] for i, (_, c) in result.samples.items()}, 4
    )
    assert result.pass_at[4] >= result.pass_at[1]
    with pytest.raises(ValueError, match="temperature above 0"):
        sample_pass_at_k(runner.generate, items, 2, (1,), temperature=0.0)
    runner.close()
