"""Auditing a served model from the command line, against real HTTP servers on 127.0.0.1:
preflight, dry run, generation settings on the wire, cache fingerprints, provenance."""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE
from detector.models import ControlModel
from detector.pipeline import ProbeOptions, load_sources, make_plan
from tests.support.control_answer_key import FAKE_KEY
from tests.support.local_server import LocalServer

ARGS = ["--benchmark", "gsm8k", "--limit", "4", "--family", "numeric", "--per-item", "1"]

# A finished run: a verdict, or `inconclusive` (exit 4) for the few items these tests ask.
FINISHED = (0, EXIT_INCONCLUSIVE)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DETECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def serving_plan(prefix: str = "", **server_kw) -> LocalServer:
    """A server whose control model answers every prompt of a probe with ARGS (after `prefix`)."""
    options = ProbeOptions(
        model="control/clean", benchmarks=("gsm8k",), families=("numeric",), limit=4, per_item=1
    )
    plan, _ = make_plan(options, load_sources(options.benchmarks, options.limit))
    control = ControlModel("control/clean", None, p_right=1.0)
    control.answer_key.register_plan(plan)
    if prefix:
        plan = dataclasses.replace(
            plan, rows=tuple(dataclasses.replace(row, prompt=prefix + row.prompt) for row in plan.rows)
        )
        control.answer_key.register_plan(plan)
    server_kw.setdefault("served_name", "tiny-model")
    return LocalServer(control, **server_kw)


def probe(server: LocalServer, out: Path, *extra: str, model: str = "vllm/tiny-model"):
    args = ["probe", "--model", model, "--base-url", server.url, *ARGS, "--out", str(out), *extra]
    return CliRunner().invoke(app, args)


def posts(server: LocalServer) -> int:
    return len(server.bodies)


def test_mistyped_model_exits_2_at_once_naming_the_served_models(tmp_path):
    with serving_plan(strict_model=True) as server:
        start = time.perf_counter()
        result = probe(server, tmp_path / "run", model="vllm/tiny-modl")
        elapsed = time.perf_counter() - start
        assert result.exit_code == 2, result.output
        assert elapsed < 10
        assert "does not exist" in result.output  # the server's own words
        assert "served models: tiny-model" in result.output and "did you mean 'tiny-model'" in result.output
        assert posts(server) == 1  # the one preflight request, nothing else
    assert not (tmp_path / "run").exists()


def test_dead_server_exits_non_zero_fast_and_never_clean(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "vllm/x",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            *ARGS,
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert time.perf_counter() - start < 60
    assert result.exit_code == 2 and "cannot reach" in result.output
    assert "clean" not in result.output.replace("control/clean", "")


def test_server_that_stops_answering_ends_the_run_fast_and_keeps_the_answers(tmp_path):
    server = serving_plan()
    answered: list[int] = []

    def stop_after_three(route, reply):
        answered.append(1)
        if len(answered) == 3:
            import threading

            threading.Thread(target=server.stop, daemon=True).start()
        return reply

    server.reshape = stop_after_three
    with server:
        server.set_fault("close", times=10**6)  # no keep-alive: a stopped server refuses the next request
        url = server.url
        start = time.perf_counter()
        result = CliRunner().invoke(
            app,
            [
                "probe",
                "--model",
                "vllm/tiny-model",
                "--base-url",
                url,
                *ARGS,
                "--concurrency",
                "2",
                "--out",
                str(tmp_path / "run"),
            ],
        )
        elapsed = time.perf_counter() - start
    assert result.exit_code == 3, result.output
    assert elapsed < 60
    assert "stopped answering" in result.output and "verdict: clean" not in result.output
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert "stopped answering" in config["provenance"]["stopped_early"]
    from detector.tables import read_table

    responses = read_table(tmp_path / "run", "responses")
    assert responses["error"].is_null().sum() >= 3  # the answers received are kept


def test_dry_run_sends_nothing_and_counts(tmp_path):
    with serving_plan() as server:
        result = probe(server, tmp_path / "run", "--dry-run", "--max-tokens", "64")
        assert result.exit_code in FINISHED, result.output
        assert posts(server) == 0 and sum(server.gets.values()) == 0
    lines = result.output.splitlines()
    original = next(line for line in lines if line.split()[1:2] == ["original"])
    assert original.split()[2:5] == ["4", "0", "4"]  # items, variants, requests
    numeric = next(line for line in lines if line.split()[1:2] == ["numeric"])
    n_variants = int(numeric.split()[3])
    total = next(line for line in lines if line.startswith("total"))
    assert int(total.split()[1]) == 4 + n_variants
    assert int(total.split()[3].replace(",", "")) == 64 * (4 + n_variants)
    assert not (tmp_path / "run").exists()


def test_generation_settings_reach_the_server_as_sent(tmp_path):
    with serving_plan() as server:
        settings = ["--max-tokens", "64", "--temperature", "0.7", "--top-p", "0.9", "--sampling-seed", "11"]
        result = probe(server, tmp_path / "run", *settings, "--system-prompt", "Answer briefly.")
        assert result.exit_code in FINISHED, result.output
        bodies = [b for b in server.bodies if "messages" in b]
    assert bodies
    for body in bodies:
        assert (body["max_tokens"], body["temperature"], body["top_p"], body["seed"]) == (64, 0.7, 0.9, 11)
        assert body["messages"][0] == {"role": "system", "content": "Answer briefly."}
        assert body["messages"][1]["role"] == "user"
    generation = json.loads((tmp_path / "run" / "config.json").read_text())["provenance"]["generation"]
    assert generation["max_tokens"] == 64 and generation["system_prompt"] == "Answer briefly."


def test_completions_endpoint_sends_prompts_to_completions(tmp_path):
    with serving_plan(prefix="Be exact.\n\n") as server:
        result = probe(server, tmp_path / "run", "--endpoint", "completions", "--system-prompt", "Be exact.")
        assert result.exit_code in FINISHED, result.output
        assert server.bodies and all("prompt" in b and "messages" not in b for b in server.bodies)
        assert all(b["prompt"].startswith("Be exact.\n\n") for b in server.bodies if not b.get("echo"))


def test_finished_run_rerun_sends_no_request_even_the_capability_check(tmp_path):
    def logprobs(text: str):
        return [(word, text.index(word), -1.0) for word in dict.fromkeys(text.split())]

    with serving_plan(prompt_logprobs=logprobs) as server:
        first = probe(server, tmp_path / "a")
        assert first.exit_code in FINISHED, first.output
        assert any(b.get("echo") for b in server.bodies)  # capability check and scoring were asked
        sent = posts(server)
        again = probe(server, tmp_path / "a")
        assert again.exit_code in FINISHED, again.output
        assert posts(server) == sent  # not one POST: answers, capability and log-probabilities cached
    assert (tmp_path / "a" / "membership.parquet").exists()
    config = json.loads((tmp_path / "a" / "config.json").read_text())
    assert config["provenance"]["cache_hits"] == config["provenance"]["n_prompts"] > 0


def test_changed_revision_or_checkpoint_is_asked_afresh(tmp_path):
    with serving_plan() as server:
        assert probe(server, tmp_path / "a", "--model-arg", "revision=v1").exit_code in FINISHED
        sent = posts(server)
        assert probe(server, tmp_path / "a", "--model-arg", "revision=v1").exit_code in FINISHED
        assert posts(server) == sent
        assert probe(server, tmp_path / "b", "--model-arg", "revision=v2").exit_code in FINISHED
        asked = posts(server) - sent
        assert asked >= 4  # every prompt again
        server.model_card = {"root": "/models/checkpoint-2000"}  # the same name, another checkpoint
        before = posts(server)
        assert probe(server, tmp_path / "c", "--model-arg", "revision=v2").exit_code in FINISHED
        assert posts(server) - before == asked


def test_provenance_in_config_report_and_html_without_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with serving_plan(model_card={"root": "/ckpt/step-9", "created": 1_600_000_000}) as server:
        result = probe(server, tmp_path / "run", "--max-tokens", "100")
        assert result.exit_code in FINISHED, result.output
        url = server.url
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    for block in (config["provenance"], report["provenance"]):
        assert block["base_url"] == url and block["endpoint"] == "chat"
        assert block["server_model_id"] == "tiny-model"
        assert block["model_fingerprint"] == {
            "server_model_id": "tiny-model",
            "root": "/ckpt/step-9",
            "created": 1_600_000_000,
        }
        assert block["command"][:3] == ["detect", "probe", "--model"] or block["command"][0] == "detect"
        assert block["started_at"] <= block["finished_at"]
        assert block["cache_hits"] == 1  # the preflight's answer
        assert block["generation"]["max_tokens"] == 100
        assert block["library_versions"]["python"]
    page = tmp_path / "run" / "report.html"
    html_result = CliRunner().invoke(app, ["report", str(tmp_path / "run"), "--html", str(page)])
    assert html_result.exit_code == 0, html_result.output
    html = page.read_text()
    assert "server model id" in html and "tiny-model" in html and url in html
    for path in (tmp_path / "run").iterdir():
        if path.suffix in (".json", ".md", ".html"):
            assert FAKE_KEY not in path.read_text() and FAKE_KEY[-8:] not in path.read_text()


def test_refused_key_and_missing_key_stop_at_once_without_echoing_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with serving_plan() as server:
        server.set_fault("auth", times=10**6)
        result = probe(server, tmp_path / "run")
        assert result.exit_code == 2, result.output
        assert "401" in result.output and "Incorrect API key" in result.output
        assert FAKE_KEY not in result.output and FAKE_KEY[-8:] not in result.output
        assert posts(server) == 1
    monkeypatch.delenv("OPENAI_API_KEY")
    result = CliRunner().invoke(
        app, ["probe", "--model", "openai/gpt-4o-mini", *ARGS, "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.output


def test_capability_check_is_retried_and_cached(tmp_path):
    from detector.models import ResponseCache, Runner, load_model

    def logprobs(text: str):
        return [(word, text.index(word), -1.0) for word in dict.fromkeys(text.split())]

    cache = ResponseCache(tmp_path / "c.sqlite")
    with serving_plan(prompt_logprobs=logprobs) as server:
        server.set_fault("429", times=2, retry_after_s=0.01)  # the check's first two tries are refused
        runner = Runner(load_model("vllm/tiny-model", base_url=server.url), cache, backoff_s=0.01)
        assert runner.supports_logprobs() is True
        assert runner.stats.n_retries == 2
        sent = posts(server)
        again = Runner(load_model("vllm/tiny-model", base_url=server.url), cache)
        assert again.supports_logprobs() is True and posts(server) == sent  # from the cache
        server.set_fault("500", times=10**6)
        other = Runner(load_model("vllm/other", base_url=server.url), cache, retries=1, backoff_s=0.01)
        assert other.supports_logprobs() is False and "HTTP 500" in (other.capability_error or "")
        from detector.models.cache import capability_key

        assert cache.get_capability(capability_key(other.model.cache_identity, "logprobs")) is None
    cache.close()


def test_command_in_provenance_hides_secrets():
    from detector.provenance import public_command

    shown = public_command(["detect", "probe", "--base-url", "http://user:sk-secret@h:8000/v1", "--api-key",
                            "sk-secret", "--token=abc"])  # fmt: skip
    assert "sk-secret" not in " ".join(shown) and "abc" not in " ".join(shown)
    assert shown[3] == "http://h:8000/v1"


def test_a_name_the_server_does_not_list_but_answers_is_warned_about(tmp_path):
    with serving_plan() as server:  # this server answers any model name with its one model
        result = probe(server, tmp_path / "run", model="vllm/llama-3-70b")
        assert result.exit_code in FINISHED, result.output
        assert "'llama-3-70b' is not among the served models (tiny-model)" in result.output
