"""The SQLite response cache: keys, persistence, sampled generations, bypass."""

from __future__ import annotations

import sqlite3

import pytest

from detector.models import AnswerKey, ControlCase, ControlModel, ResponseCache, Runner, load_model
from detector.models.cache import default_cache_path, generation_key, public_endpoint
from detector.types import Generation, GenParams, TokenLogprobs
from tests.support.local_server import LocalServer

IDENTITY = ("openai", "m", "http://127.0.0.1:1/v1#chat")


def test_key_depends_on_every_part():
    base = generation_key(IDENTITY, "p", GenParams())
    others = [
        generation_key(("vllm", "m", IDENTITY[2]), "p", GenParams()),
        generation_key(("openai", "m2", IDENTITY[2]), "p", GenParams()),
        generation_key(("openai", "m", "http://127.0.0.1:1/v1#completions"), "p", GenParams()),
        generation_key(IDENTITY, "p ", GenParams()),
        generation_key(IDENTITY, "p", GenParams(max_tokens=5)),
        generation_key(IDENTITY, "p", GenParams(stop=("\n",))),
        generation_key(IDENTITY, "p", GenParams(seed=1)),
    ]
    assert len({base, *others}) == len(others) + 1


def test_sample_index_matters_only_when_sampling():
    greedy = [generation_key(IDENTITY, "p", GenParams(sample_index=i)) for i in range(3)]
    sampled = [generation_key(IDENTITY, "p", GenParams(temperature=0.7, sample_index=i)) for i in range(3)]
    assert len(set(greedy)) == 1 and len(set(sampled)) == 3


def test_public_endpoint_strips_credentials():
    assert public_endpoint("https://user:secret@host.example:8443/v1/?key=abc#x") == "https://host.example:8443/v1"


def test_round_trip_wal_and_errors_not_stored(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = ResponseCache(path)
    cache.put_generation("k1", Generation(text="hello", finish_reason="stop", latency_s=0.5))
    cache.put_generation("k2", Generation(text=None, error="boom"))
    cache.put_logprobs("l1", TokenLogprobs(tokens=("a",), logprobs=(-1.5,), mean_logprobs=(-2.0,),
                                           var_logprobs=(0.5,)))
    cache.close()
    reopened = ResponseCache(path)
    got = reopened.get_generations(["k1", "k2", "k3"])
    assert got == {"k1": Generation(text="hello", finish_reason="stop", latency_s=0.5, cached=True)}
    assert reopened.get_logprobs(["l1"])["l1"].var_logprobs == (0.5,)
    assert len(reopened) == 1
    reopened.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_path_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DETECT_CACHE_DIR", str(tmp_path))
    assert default_cache_path() == tmp_path / "responses.sqlite"


@pytest.fixture()
def served():
    key = AnswerKey()
    prompts = [f"q{i}" for i in range(8)]
    for i, p in enumerate(prompts):
        key.register(p, ControlCase(gold=str(i), kind="math", parent_id=f"c/{i}"))
    with LocalServer(ControlModel("control/clean", key)) as server:
        yield server, prompts


def test_second_run_is_served_from_cache_and_no_cache_asks_again(served, tmp_path):
    server, prompts = served
    model = load_model("openai/control", base_url=server.url)
    cache = ResponseCache(tmp_path / "c.sqlite")
    first = Runner(model, cache).generate(prompts, GenParams())
    runner = Runner(model, cache)
    second = runner.generate(prompts, GenParams())
    assert [g.text for g in first] == [g.text for g in second]
    assert all(g.cached for g in second) and not any(g.cached for g in first)
    assert runner.stats.n_cached == len(prompts) and runner.stats.n_attempts == 0
    assert all(server.requests[p] == 1 for p in prompts)
    Runner(model, None).generate(prompts, GenParams())  # --no-cache
    assert all(server.requests[p] == 2 for p in prompts)


def test_sampled_generations_are_cached_per_sample_index(served, tmp_path):
    server, prompts = served
    model = load_model("openai/control", base_url=server.url)
    runner = Runner(model, ResponseCache(tmp_path / "c.sqlite"))
    for i in range(3):
        runner.generate(prompts[:2], GenParams(temperature=1.0, seed=7, sample_index=i))
    assert server.requests[prompts[0]] == 3
    for i in range(3):
        assert all(g.cached for g in runner.generate(prompts[:2], GenParams(temperature=1.0, seed=7,
                                                                               sample_index=i)))
    assert server.requests[prompts[0]] == 3


def test_failed_requests_are_asked_again_on_the_next_run(served, tmp_path):
    server, prompts = served
    model = load_model("openai/control", base_url=server.url)
    cache = ResponseCache(tmp_path / "c.sqlite")
    server.set_fault("500", times=1)
    first = Runner(model, cache, retries=0).generate(prompts[:2], GenParams())
    assert all(g.error for g in first)
    second = Runner(model, cache, retries=0).generate(prompts[:2], GenParams())
    assert all(g.text and not g.cached for g in second)
