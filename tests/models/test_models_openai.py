"""The OpenAI-compatible backend end to end against a real local server, with every fault mode."""

from __future__ import annotations

import logging
import time

import pytest

from detector.models import ControlModel, ResponseCache, Runner, load_model
from detector.models.api import UnsupportedCapabilityError
from detector.types import GenParams
from tests.support.control_answer_key import FAKE_KEY, make_key
from tests.support.local_server import LocalServer


@pytest.fixture()
def served():
    answer_key, prompts = make_key(12)
    model = ControlModel("control/clean", answer_key, p_right=1.0)
    with LocalServer(model) as server:
        yield server, model, prompts


def fast_runner(model, cache=None, **kw) -> Runner:
    opts = {"concurrency": 4, "retries": 3, "timeout_s": 5.0, "backoff_s": 0.001, "max_backoff_s": 0.01}
    opts.update(kw)
    return Runner(model, cache, **opts)


@pytest.mark.parametrize("endpoint", ["chat", "completions"])
def test_answers_match_the_served_model_on_both_endpoints(served, endpoint):
    server, control, prompts = served
    model = load_model("openai/control", base_url=server.url, endpoint=endpoint, api_key="")
    got = fast_runner(model).generate(prompts, GenParams())
    expected = control.generate(prompts, GenParams())
    assert [g.text for g in got] == [e.text for e in expected]
    assert all(g.error is None and g.finish_reason == "stop" for g in got)
    assert all(server.requests[p] == 1 for p in prompts)


@pytest.mark.parametrize("mode", ["429", "500", "slow", "drop", "malformed", "missing"])
def test_each_retryable_fault_is_retried_and_nothing_is_lost_or_asked_twice(served, mode):
    server, control, prompts = served
    server.set_fault(mode, times=2, slow_s=1.0)
    model = load_model("openai/control", base_url=server.url)
    # slow replies must outlast the timeout; every other reply must not (the machine is shared)
    runner = fast_runner(model, concurrency=12, timeout_s=0.5) if mode == "slow" else fast_runner(model)
    got = runner.generate(prompts, GenParams())
    assert [g.text for g in got] == [g.text for g in control.generate(prompts, GenParams())]
    assert all(server.requests[p] == 3 for p in prompts), server.requests
    assert all(server.answered[p] == 1 for p in prompts), server.answered
    assert runner.stats.n_failed == 0
    if mode == "drop":  # a drop on a kept-alive connection is first retried once inside the pool
        assert len(prompts) <= runner.stats.n_retries <= 2 * len(prompts)
    else:
        assert runner.stats.n_retries == 2 * len(prompts)


def test_a_request_that_fails_for_good_is_an_error_generation(served):
    server, _, prompts = served
    server.set_fault("500", times=10)
    runner = fast_runner(load_model("openai/control", base_url=server.url), retries=2)
    got = runner.generate(prompts[:3], GenParams())
    assert all(g.text is None and g.error and "HTTP 500" in g.error and "3 attempts" in g.error for g in got)
    assert all(server.requests[p] == 3 for p in prompts[:3])
    assert runner.stats.n_failed == 3 and runner.stats.failure_fraction == 1.0
    with pytest.raises(RuntimeError, match="3 of 3 requests"):
        runner.check_failures(0.1)


def test_client_errors_are_not_retried(served):
    server, _, _ = served
    runner = fast_runner(load_model("openai/control", base_url=server.url))
    [got] = runner.generate(["a prompt the answer key does not know"], GenParams())
    assert got.text is None and "no answer-key case" in (got.error or "")
    assert server.requests["a prompt the answer key does not know"] == 1
    runner.check_failures(1.0)


def test_retry_after_is_honoured(served):
    server, _, prompts = served
    server.set_fault("429", times=1, retry_after_s=0.25)
    runner = fast_runner(load_model("openai/control", base_url=server.url), concurrency=1)
    start = time.monotonic()
    runner.generate(prompts[:1], GenParams())
    assert time.monotonic() - start >= 0.25
    assert server.requests[prompts[0]] == 2


def test_requests_per_minute_limit_spaces_requests(served):
    server, _, prompts = served
    runner = fast_runner(load_model("openai/control", base_url=server.url), rpm=600)  # one per 0.1 s
    start = time.monotonic()
    runner.generate(prompts[:4], GenParams())
    assert time.monotonic() - start >= 0.3


def test_identical_prompts_in_one_call_are_asked_once(served):
    server, _, prompts = served
    runner = fast_runner(load_model("openai/control", base_url=server.url))
    got = runner.generate([prompts[0], prompts[1], prompts[0]], GenParams())
    assert got[0] == got[2] and server.requests[prompts[0]] == 1


def test_api_key_never_reaches_logs_cache_or_outputs(served, tmp_path, caplog, capfd, monkeypatch):
    server, _, prompts = served
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    caplog.set_level(logging.DEBUG)
    cache = ResponseCache(tmp_path / "cache.sqlite")
    model = load_model("openai/control", base_url=server.url)
    runner = fast_runner(model, cache, progress=True)
    good = runner.generate(prompts[:6], GenParams())
    server.set_fault("auth", times=5)  # a 401 that echoes the key back
    bad = runner.generate(prompts[6:8], GenParams())
    cache.close()
    assert f"Bearer {FAKE_KEY}" in server.authorization_headers  # the key was really sent
    assert all(g.text for g in good) and all(g.error and "401" in g.error for g in bad)
    texts = [repr(model), str(model.cache_identity), caplog.text, *capfd.readouterr()]
    texts += [repr(g) for g in good + bad]
    for blob in texts:
        assert FAKE_KEY not in blob and FAKE_KEY[-8:] not in blob
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert FAKE_KEY.encode() not in data and FAKE_KEY[-8:].encode() not in data


def test_logprobs_capability_is_detected_not_assumed(served):
    server, _, _ = served
    model = load_model("openai/control", base_url=server.url)
    assert model.supports_logprobs() is False
    with pytest.raises(UnsupportedCapabilityError):
        fast_runner(model).logprobs([("a", " b")])


def word_logprobs(text: str) -> list[tuple[str, int, float]]:
    """A toy scorer: one token per word (with its leading space), logprob -len(word)/10."""
    rows, pos = [], 0
    for word in text.split(" "):
        token = word if pos == 0 else " " + word
        rows.append((token, pos, -len(word) / 10))
        pos += len(token)
    return rows


def test_logprobs_keep_exactly_the_continuation_tokens():
    answer_key, _ = make_key(1)
    with LocalServer(ControlModel("control/clean", answer_key), prompt_logprobs=word_logprobs) as server:
        model = load_model("vllm/toy", base_url=server.url)
        assert model.supports_logprobs() is True
        [lp] = fast_runner(model).logprobs([("The cat sat", " on the mat")])
    assert lp.tokens == (" on", " the", " mat")
    assert lp.logprobs == pytest.approx((-0.2, -0.3, -0.3))
    assert lp.mean_logprobs is None


def test_unreachable_server_fails_cleanly_after_retries():
    model = load_model("vllm/none", base_url="http://127.0.0.1:9/v1")
    runner = fast_runner(model, retries=1)
    [got] = runner.generate(["hi"], GenParams())
    assert got.text is None and "connection failed" in (got.error or "")
    assert runner.stats.n_attempts == 2


def test_provider_defaults_and_spec_errors(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert load_model("vllm/m").base_url == "http://127.0.0.1:8000/v1"
    assert load_model("ollama/llama3").base_url == "http://127.0.0.1:11434/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1234/v1")
    assert load_model("openai/gpt").base_url == "http://127.0.0.1:1234/v1"
    with pytest.raises(ValueError, match="valid: openai, vllm, ollama, hf, control"):
        load_model("nope/x")
    with pytest.raises(ValueError, match="provider/NAME"):
        load_model("gpt-4")
    with pytest.raises(ValueError, match="endpoint"):
        load_model("openai/x", endpoint="responses")


def test_models_route_lists_the_served_model(served):
    import json
    import urllib.request

    server, _, _ = served
    with urllib.request.urlopen(server.url + "/models", timeout=2) as reply:
        assert json.loads(reply.read())["data"][0]["id"] == "control"


def test_progress_bar_shows_rate_and_eta(served, capsys, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws its bar as on a terminal
    server, _, prompts = served
    runner = fast_runner(load_model("openai/control", base_url=server.url), progress=True)
    runner.generate(prompts, GenParams())
    captured = capsys.readouterr()
    assert "querying" in captured.err and "req/s" in captured.err and "12/12" in captured.err
    assert "━" in captured.err  # the bar, not the plain log lines
    assert captured.out == ""  # stdout stays free for command output


def test_progress_goes_to_a_log_as_plain_lines(served, capsys, monkeypatch):
    """Where stderr is a file (CI logs, nohup), rich would draw its bar only at the end."""
    import detector.progress

    monkeypatch.setattr(detector.progress, "LOG_EVERY_S", 0.0)
    server, _, prompts = served
    runner = fast_runner(load_model("openai/control", base_url=server.url), progress=True)
    runner.generate(prompts, GenParams())
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("querying ")]
    assert [line.split()[1] for line in lines] == [f"{k}/12" for k in range(1, 13)]
    assert all("req/s" in line and "ETA" in line for line in lines)


def test_runner_rejects_bad_settings(served):
    server, _, _ = served
    model = load_model("openai/control", base_url=server.url)
    for bad in [{"concurrency": 0}, {"retries": -1}, {"rpm": -5}]:
        with pytest.raises(ValueError):
            Runner(model, **bad)


def test_backoff_grows_exponentially_and_follows_retry_after(served):
    server, _, _ = served
    runner = Runner(load_model("openai/control", base_url=server.url), backoff_s=0.1, max_backoff_s=0.5,
                    max_retry_after_s=2.0)
    waits = [runner._backoff(n, None) for n in range(5)]
    for n, wait in enumerate(waits):
        ceiling = min(0.5, 0.1 * 2**n)
        assert ceiling / 2 <= wait <= ceiling
    assert 0.3 <= runner._backoff(0, 0.3) <= 0.33  # the server's hint, not the (shorter) backoff
    assert 2.0 <= runner._backoff(0, 3600.0) <= 2.2  # a hostile hint is capped
