"""Talking to the run's model: opening it with its settings, the preflight check, asking every
prompt of the plan, and the order tests' log-likelihoods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from detector.benchmarks import LoadedBenchmark
from detector.pipeline.options import ProbeOptions, say
from detector.plan import ProbePlan
from detector.prompts import render_prompt, select_shots
from detector.types import BenchmarkItem, Generation

if TYPE_CHECKING:
    from detector.models import ModelAPI


def model_options(options: ProbeOptions) -> dict[str, Any]:
    """Backend options from `--model-arg`, `--endpoint`, `--system-prompt`, `--chat-template`.

    Raises: ValueError for a setting the backend does not take.
    """
    from detector.models.model_args import SERVER_PROVIDERS, parse_model_args

    provider = options.model.partition("/")[0]
    settings: dict[str, Any] = dict(parse_model_args(options.model_args, provider))
    if options.endpoint is not None:
        if provider not in SERVER_PROVIDERS:
            raise ValueError(f"--endpoint applies to servers (openai/, vllm/, ollama/), not to {provider}/")
        settings["endpoint"] = options.endpoint
    if options.system_prompt is not None:
        if provider == "control":
            raise ValueError("--system-prompt applies to language models, not to control models")
        settings["system_prompt"] = options.system_prompt
    if not options.chat_template:
        if provider != "hf":
            raise ValueError("--no-chat-template applies to hf/ models (servers: --endpoint completions)")
        settings["chat"] = False
    return settings


def open_model(options: ProbeOptions) -> ModelAPI:
    """The backend named by `options.model`, with its `--model-arg` settings.

    Raises: ValueError naming the valid providers (or control models) for a bad spec.
    """
    from detector.models import load_model

    return load_model(options.model, base_url=options.base_url, **model_options(options))


def first_prompt(
    loaded: Sequence[LoadedBenchmark], pools: dict[str, tuple[BenchmarkItem, ...]], shots: int
) -> str | None:
    """The run's first prompt (the first original item, as the plan renders it), before perturbing."""
    for bench in loaded:
        if bench.items:
            item = bench.items[0]
            return render_prompt(item, shots=select_shots(pools.get(item.benchmark, ()), item, shots))
    return None


def run_preflight(options: ProbeOptions, model: ModelAPI, prompt: str | None) -> Any:
    """Check the server before any perturbing (see `detector.models.preflight`).

    Raises: PreflightError.
    """
    from detector.models import ResponseCache, default_cache_path
    from detector.models.preflight import ServerCheck, preflight

    if not options.preflight or prompt is None:
        return ServerCheck()
    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    try:
        return preflight(model, cache, prompt, options.gen_params)
    finally:
        if cache is not None:
            cache.close()


def query(
    options: ProbeOptions, plan: ProbePlan, model: ModelAPI
) -> tuple[list[Generation], pl.DataFrame | None]:
    """Ask `model` every prompt of the plan through the runner (cache, retries, concurrency).

    When the model gives token log-probabilities, also score every original and variant text
    for the likelihood (membership) signal; else the second value is None. Closes the model.
    """
    from detector.models import ResponseCache, Runner, default_cache_path, prepare_for_plan

    prepare_for_plan(model, plan)  # control models learn their answer key here
    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    runner = Runner(model, cache, concurrency=options.concurrency, progress=options.progress)
    try:  # runner.close() also closes the model
        generations = runner.generate(plan.prompts, options.gen_params)
        membership = None
        if runner.stopped is None and runner.supports_logprobs():
            from detector.membership import membership_rows

            membership = membership_rows(runner.logprobs, plan.items, plan.variants)
        if runner.capability_error is not None:
            say(options, f"warning: {runner.capability_error}; the membership signal is left out")
        return generations, membership
    finally:
        runner.close()
        if cache is not None:
            cache.close()


def stopped_reason(generations: Sequence[Generation]) -> str | None:
    """Why the runner stopped asking (the server stopped answering), if it did."""
    from detector.models.runner import STOPPED_PREFIX

    for gen in generations:
        if gen.error is not None and gen.error.startswith(STOPPED_PREFIX):
            return gen.error.removeprefix(STOPPED_PREFIX)
    return None


class _LeftOpen:
    """A model whose `close` does nothing, so that one runner can be closed before the next uses it."""

    def __init__(self, model: ModelAPI):
        self._model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def close(self) -> None:
        return None


def order_data(
    options: ProbeOptions, plan: ProbePlan, model: ModelAPI, fresh_names: Sequence[str]
) -> dict[str, Any] | None:
    """The order tests' log-likelihoods (detector.membership.order) of the plan's public items,
    for a model that gives prompt log-probabilities; None otherwise. Leaves the model open."""
    if not options.order_tests:
        return None
    from detector.membership.order import order_scores
    from detector.models import ResponseCache, Runner, default_cache_path

    cache = ResponseCache(default_cache_path()) if options.use_cache else None
    runner = Runner(_LeftOpen(model), cache, concurrency=options.concurrency)  # type: ignore[arg-type]
    try:
        if not runner.supports_logprobs():  # asked once, cached with the answers
            return None
        return order_scores(runner.logprobs, plan.items, seed=options.seed, skip_benchmarks=fresh_names)
    finally:
        runner.close()
        if cache is not None:
            cache.close()
