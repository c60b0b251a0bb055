"""Real servers' reply shapes, error bodies and transports (vLLM, llama.cpp, Ollama, TGI, hosted APIs)."""

from __future__ import annotations

import select
import shutil
import socket
import ssl
import subprocess
import threading
import time
from email.utils import formatdate

import pytest

from detector.models import ControlModel, Runner, load_model
from detector.models.api import ModelCallError
from detector.models.openai_replies import normalize_base_url, retry_after_seconds
from detector.types import GenParams
from tests.support.control_answer_key import FAKE_KEY, make_key
from tests.support.local_server import LocalServer


def serve(**kw) -> tuple[LocalServer, ControlModel, list[str]]:
    answer_key, prompts = make_key(6)
    control = ControlModel("control/clean", answer_key, p_right=1.0)
    return LocalServer(control, **kw), control, prompts


def runner_for(model, **kw) -> Runner:
    opts = {"concurrency": 2, "retries": 2, "timeout_s": 5.0, "backoff_s": 0.001, "max_backoff_s": 0.01}
    opts.update(kw)
    return Runner(model, None, **opts)


def expected(control: ControlModel, prompts: list[str]) -> list[str | None]:
    return [g.text for g in control.generate(prompts, GenParams())]


@pytest.mark.parametrize(
    ("given", "root"),
    [
        ("http://h:8000", "http://h:8000/v1"),
        ("http://h:8000/", "http://h:8000/v1"),
        ("http://h:8000/v1/", "http://h:8000/v1"),
        ("http://h:8000/v1/chat/completions", "http://h:8000/v1"),
        ("h:8000", "http://h:8000/v1"),
        ("127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1"),
        ("https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1"),
        ("https://g.example/v1beta/openai/", "https://g.example/v1beta/openai"),
        ("https://x.example/openai/deployments/d?api-version=2024-06-01",
         "https://x.example/openai/deployments/d?api-version=2024-06-01"),
    ],
)
def test_base_url_is_normalized(given, root):
    assert normalize_base_url(given) == root


@pytest.mark.parametrize("suffix", ["", "/", "/v1/"])
def test_base_url_without_v1_or_with_a_trailing_slash_reaches_the_server(suffix):
    server, control, prompts = serve()
    with server:
        host = server.url.removesuffix("/v1")
        got = runner_for(load_model("vllm/control", base_url=host + suffix)).generate(prompts, GenParams())
    assert [g.text for g in got] == expected(control, prompts)


def reasoning_split(route: str, reply: dict) -> dict:
    """vLLM/Ollama with a reasoning parser: the whole output in `reasoning_content`, content null."""
    message = reply["choices"][0]["message"]
    message["reasoning_content"], message["content"] = message["content"], None
    return reply


def truncated_reasoning(route: str, reply: dict) -> dict:
    reply["choices"][0]["message"] = {"role": "assistant", "content": None, "reasoning": "Let me think"}
    reply["choices"][0]["finish_reason"] = "length"
    return reply


def content_parts(route: str, reply: dict) -> dict:
    message = reply["choices"][0]["message"]
    text = message["content"]
    message["content"] = [{"type": "thinking", "thinking": "hmm 99"}, {"type": "text", "text": text}]
    return reply


def test_reasoning_only_reply_uses_the_reasoning_text_when_the_model_stopped():
    server, control, prompts = serve(reshape=reasoning_split)
    with server:
        got = runner_for(load_model("vllm/control", base_url=server.url)).generate(prompts, GenParams())
    assert [g.text for g in got] == expected(control, prompts)


def test_null_content_cut_by_length_is_an_empty_answer_not_a_retry():
    server, _, prompts = serve(reshape=truncated_reasoning)
    with server:
        runner = runner_for(load_model("ollama/control", base_url=server.url))
        got = runner.generate(prompts, GenParams())
    assert all(g.text == "" and g.error is None and g.finish_reason == "length" for g in got)
    assert all(server.requests[p] == 1 for p in prompts)


def test_content_given_as_a_list_of_parts_keeps_only_the_text_parts():
    server, control, prompts = serve(reshape=content_parts)
    with server:
        got = runner_for(load_model("openai/control", base_url=server.url, api_key="")).generate(
            prompts, GenParams())
    assert [g.text for g in got] == expected(control, prompts)


def test_empty_choices_and_200_errors_are_retried_then_reported():
    server, _, prompts = serve()
    server.set_fault("status", status=200, payload={"id": "x", "choices": []}, times=1)
    with server:
        got = runner_for(load_model("vllm/control", base_url=server.url)).generate(prompts[:2], GenParams())
        assert all(g.text and server.requests[p] == 2 for g, p in zip(got, prompts, strict=False))
        server.set_fault("status", status=200, payload={"error": {"message": "upstream overloaded"}}, times=9)
        model = load_model("vllm/control", base_url=server.url)
        [bad] = runner_for(model).generate(prompts[2:3], GenParams())
    assert bad.text is None and "upstream overloaded" in (bad.error or "")


@pytest.mark.parametrize(
    ("status", "payload", "words"),
    [
        # vLLM
        (404, {"object": "error", "message": "The model `nope` does not exist.", "type": "NotFoundError",
               "code": 404}, ["not found", "'nope'", "does not exist", "model name"]),
        # Ollama /v1
        (404, {"error": {"message": 'model "nope" not found, try pulling it first', "type": "api_error"}},
         ["not found", "'nope'", "try pulling it"]),
        # hosted API, key echoed back
        (401, {"error": {"message": f"Incorrect API key provided: {FAKE_KEY}", "code": "invalid_api_key"}},
         ["not authorized", "'nope'", "OPENAI_API_KEY"]),
        (403, {"error": "Forbidden"}, ["not authorized", "Forbidden"]),
        # llama.cpp server
        (400, {"error": {"code": 400, "message": "the request exceeds the available context size",
                         "type": "exceed_context_size_error"}}, ["HTTP 400", "context size"]),
        # TGI
        (422, {"error": "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096",
               "error_type": "validation"}, ["HTTP 422", "max_new_tokens"]),
    ],
)
def test_final_client_errors_are_one_clear_error_row_naming_model_and_url(
    monkeypatch, status, payload, words
):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    server, _, prompts = serve()
    server.set_fault("status", status=status, payload=payload, times=9)
    with server:
        runner = runner_for(load_model("openai/nope", base_url=server.url + "/"))
        [row] = runner.generate(prompts[:1], GenParams())
        url = server.url
    assert row.text is None and server.requests[prompts[0]] == 1  # not retried
    assert url in (row.error or "")
    for word in words:
        assert word in (row.error or "")
    assert FAKE_KEY not in (row.error or "") and FAKE_KEY[-8:] not in (row.error or "")


def test_retry_after_in_http_date_form():
    assert 25.0 <= (retry_after_seconds(formatdate(time.time() + 30, usegmt=True)) or 0) <= 31.0
    assert retry_after_seconds(formatdate(time.time() - 60, usegmt=True)) == 0.0
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_503_with_an_http_date_retry_after_is_retried_after_that_wait():
    server, control, prompts = serve()
    when = formatdate(time.time() + 1, usegmt=True)  # whole seconds: waits between 0 and 1 s
    server.set_fault("status", status=503, payload={"error": "Model is overloaded"},
                     headers={"Retry-After": when})
    with server:
        model = load_model("vllm/control", base_url=server.url)
        with pytest.raises(ModelCallError) as info:
            model.call(prompts[0], GenParams(), 5.0)
        got = runner_for(model, concurrency=1).generate(prompts[1:2], GenParams())
    assert info.value.retryable and info.value.retry_after_s is not None and info.value.retry_after_s <= 1.0
    assert [g.text for g in got] == expected(control, prompts[1:2])


@pytest.mark.parametrize("style", ["gzip", "chunked"])
def test_gzip_and_chunked_replies_are_read(style):
    server, control, prompts = serve()
    server.set_fault(style, times=9)
    with server:
        for endpoint in ("chat", "completions"):
            model = load_model("vllm/control", base_url=server.url, endpoint=endpoint)
            got = runner_for(model, retries=0).generate(prompts, GenParams())
            assert [g.text for g in got] == expected(control, prompts)


def test_keep_alive_closed_by_the_server_after_each_reply_reconnects_without_failing():
    server, control, prompts = serve()
    server.set_fault("close", times=9)
    with server:
        runner = runner_for(load_model("vllm/control", base_url=server.url), concurrency=1, retries=0)
        got = runner.generate(prompts, GenParams())
    assert [g.text for g in got] == expected(control, prompts)
    assert all(server.requests[p] == 1 for p in prompts) and runner.stats.n_failed == 0


def make_certificate(folder) -> tuple[str, str]:
    # .ci/run installs openssl where it is missing: this test must run, not skip.
    assert shutil.which("openssl"), "the openssl command makes the test certificate: apt-get install openssl"
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


def test_https_server_is_reached_and_verified(tmp_path, monkeypatch):
    cert, key = make_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server, control, prompts = serve(tls=context)
    with server:
        assert server.url.startswith("https://")
        untrusted = runner_for(load_model("vllm/control", base_url=server.url), retries=0)
        [refused] = untrusted.generate(prompts[:1], GenParams())
        monkeypatch.setenv("SSL_CERT_FILE", cert)  # how users name a private CA
        got = runner_for(load_model("vllm/control", base_url=server.url)).generate(prompts, GenParams())
    assert refused.text is None and "SSL" in (refused.error or "")
    assert [g.text for g in got] == expected(control, prompts)


def test_reasoning_models_that_refuse_max_tokens_and_temperature_are_asked_without_them(caplog):
    rejects = {"max_tokens": "unsupported_parameter", "temperature": "unsupported_value"}
    server, control, prompts = serve(rejects=rejects)
    with server:
        runner = runner_for(load_model("openai/o-model", base_url=server.url, api_key=""), concurrency=1,
                            retries=0)
        got = runner.generate(prompts, GenParams(max_tokens=64))
    assert [g.text for g in got] == expected(control, prompts) and runner.stats.n_failed == 0
    answered = [b for b in server.bodies if not set(rejects) & set(b)]
    assert len(answered) == len(prompts) and all(b["max_completion_tokens"] == 64 for b in answered)
    assert len(server.bodies) == len(prompts) + 2  # one refusal per parameter, then remembered
    assert "does not take 'temperature'" in caplog.text


def test_a_refused_parameter_we_cannot_leave_out_stays_an_error():
    server, _, prompts = serve(rejects={"messages": "unsupported_parameter"})
    with server:
        [row] = runner_for(load_model("vllm/control", base_url=server.url)).generate(prompts[:1], GenParams())
    assert row.text is None and "Unsupported parameter: 'messages'" in (row.error or "")
    assert len(server.bodies) == 1


def test_html_instead_of_json_names_the_base_url():
    server, _, prompts = serve()
    server.set_fault("status", status=200, payload={}, times=9)
    with server:
        model = load_model("vllm/control", base_url=server.url)
        original = model._pool.post

        def html(path, body, headers, timeout_s):
            reply = original(path, body, headers, timeout_s)
            return type(reply)(reply.status, None, b"<!doctype html><title>Open WebUI</title>", "text/html")

        model._pool.post = html
        with pytest.raises(ModelCallError, match=r"text/html: '<!doctype html>.*OpenAI-compatible API root"):
            model.call(prompts[0], GenParams(), 5.0)


def test_retry_after_ms_is_preferred_when_given():
    server, _, prompts = serve()
    server.set_fault("status", status=429, payload={"error": {"message": "Rate limit reached"}},
                     headers={"Retry-After": "20", "retry-after-ms": "250"})
    with server:
        with pytest.raises(ModelCallError) as info:
            load_model("openai/control", base_url=server.url, api_key="").call(prompts[0], GenParams(), 5.0)
    assert info.value.retryable and info.value.retry_after_s == pytest.approx(0.25)


def word_rows(text: str, shift: int = 0) -> list[tuple[str, int, float]]:
    """One token per word (with its leading space), logprob -len(word)/10, offsets moved by `shift`."""
    rows, pos = [], 0
    for word in text.split(" "):
        token = word if pos == 0 else " " + word
        rows.append((token, pos + shift, -len(word) / 10))
        pos += len(token)
    return rows


def test_prompt_logprobs_with_offsets_shifted_by_a_bos_token_are_realigned():
    bos = "<|begin_of_text|>"

    def vllm_style(text: str) -> list[tuple[str, int, float]]:
        return [(bos, 0, 0.0), *word_rows(text, shift=len(bos))]

    answer_key, _ = make_key(1)
    with LocalServer(ControlModel("control/clean", answer_key), prompt_logprobs=vllm_style) as server:
        model = load_model("vllm/toy", base_url=server.url)
        assert model.supports_logprobs() is True
        [lp] = runner_for(model).logprobs([("The cat sat", " on the mat")])
    assert lp.tokens == (" on", " the", " mat")
    assert lp.logprobs == pytest.approx((-0.2, -0.3, -0.3))


def test_tgi_refusing_top_p_one_is_met():
    server, control, prompts = serve(rejects={"top_p": "tgi"})
    with server:
        model = load_model("openai/tgi", base_url=server.url, api_key="")
        greedy = runner_for(model).generate(prompts[:2], GenParams())
        sampler = runner_for(model, concurrency=1, retries=0)
        sampled = sampler.generate(prompts[2:4], GenParams(temperature=0.7))
    assert [g.text for g in greedy] == expected(control, prompts[:2])  # greedy: top_p not sent at all
    assert all(g.text for g in sampled) and sampler.stats.n_failed == 0
    assert all("top_p" not in b for b in server.bodies[:2])
    assert sum("top_p" in b for b in server.bodies) == 1  # refused once, then left out


class TinyProxy:
    """A forwarding proxy on 127.0.0.1: CONNECT tunnels and absolute-form http requests."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.first_lines: list[str] = []
        self.auth: list[str] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        head = b""
        while b"\r\n\r\n" not in head:
            head += client.recv(65536)
        header_text = head.split(b"\r\n\r\n")[0].decode()
        first = header_text.split("\r\n")[0]
        self.first_lines.append(first)
        lines = header_text.split("\r\n")
        self.auth += [line for line in lines if line.lower().startswith("proxy-authorization")]
        method, target, _ = first.split(" ")
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            netloc = target.split("/")[2]
            host, port = netloc.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            upstream.sendall(head)
        sockets = [client, upstream]
        while True:
            ready, _, _ = select.select(sockets, [], [], 5)
            if not ready:
                break
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    client.close(), upstream.close()
                    return
                (upstream if sock is client else client).sendall(data)

    def close(self):
        self.listener.close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_requests_go_through_the_proxy_the_environment_names(tmp_path, monkeypatch, scheme):
    from detector.models import connection_pool

    monkeypatch.setattr(connection_pool, "LOOPBACK_HOSTS", frozenset())  # let the test proxy see 127.0.0.1
    proxy = TinyProxy()
    monkeypatch.setenv(f"{scheme}_proxy", f"http://user:s3cret@127.0.0.1:{proxy.port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    tls = None
    if scheme == "https":
        cert, key = make_certificate(tmp_path)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        monkeypatch.setenv("SSL_CERT_FILE", cert)
    server, control, prompts = serve(tls=tls)
    try:
        with server:
            runner = runner_for(load_model("vllm/control", base_url=server.url), retries=0)
            got = runner.generate(prompts, GenParams())
            port = server.url.split(":")[2].split("/")[0]
    finally:
        proxy.close()
    assert [g.text for g in got] == expected(control, prompts)
    if scheme == "https":
        want = f"CONNECT 127.0.0.1:{port} "
        assert proxy.first_lines and all(line.startswith(want) for line in proxy.first_lines)
    else:
        want = f"POST http://127.0.0.1:{port}/v1/chat/completions "
        assert proxy.first_lines and all(line.startswith(want) for line in proxy.first_lines)
    assert proxy.auth and all("dXNlcjpzM2NyZXQ=" in line for line in proxy.auth)  # user:s3cret


def test_loopback_and_no_proxy_hosts_skip_the_proxy(monkeypatch):
    from detector.models.connection_pool import proxy_for

    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.setenv("no_proxy", "internal.example")
    assert proxy_for("https", "api.example.com")[:2] == ("proxy.example", 3128)
    assert proxy_for("https", "127.0.0.1") is None and proxy_for("https", "localhost") is None
    assert proxy_for("https", "gpu.internal.example") is None
    assert proxy_for("http", "api.example.com") is None  # only https_proxy was named


def test_a_bare_host_whose_api_has_no_v1_is_found_at_its_root():
    server, control, prompts = serve(prefix="")  # routes at /chat/completions, as Perplexity's API
    with server:
        model = load_model("openai/control", base_url=server.url, api_key="")
        assert model.base_url == server.url + "/v1"
        got = runner_for(model, concurrency=1, retries=0).generate(prompts, GenParams())
        assert model.base_url == server.url
    assert [g.text for g in got] == expected(control, prompts)
    assert all(server.requests[p] == 1 for p in prompts)


def test_a_404_under_a_given_v1_is_not_second_guessed():
    server, _, prompts = serve(prefix="")
    with server:
        given = server.url + "/v1"
        model = load_model("openai/control", base_url=given, api_key="")
        [row] = runner_for(model).generate(prompts[:1], GenParams())
    assert row.text is None and "HTTP 404" in (row.error or "") and model.base_url == given


def test_null_logprobs_inside_the_continuation_are_an_error_not_a_partial_score():
    def cached_prefix(text: str) -> list[tuple[str, int, float | None]]:  # a hole where " mat" is
        return [(tok, off, None if tok == " mat" else lp) for tok, off, lp in word_rows(text)]

    answer_key, _ = make_key(1)
    with LocalServer(ControlModel("control/clean", answer_key), prompt_logprobs=cached_prefix) as server:
        model = load_model("vllm/toy", base_url=server.url)
        with pytest.raises(ModelCallError, match="null log-probabilities for 1 of 3 continuation tokens"):
            model.call_logprobs([("The cat sat", " on the mat")], 5.0)


def test_after_a_401_the_other_prompts_are_not_sent(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    server, _, prompts = serve()
    server.set_fault("auth", times=99)
    with server:
        runner = runner_for(load_model("openai/control", base_url=server.url), concurrency=1)
        got = runner.generate(prompts, GenParams())
    assert all(g.text is None and "HTTP 401" in (g.error or "") for g in got)
    assert sum(server.requests.values()) == 1
    assert all(FAKE_KEY[-8:] not in (g.error or "") for g in got)


def test_azure_hosts_also_get_the_api_key_header():
    url = "https://res.openai.azure.com/openai/deployments/gpt4o?api-version=2024-06-01"
    azure = load_model("openai/gpt4o", base_url=url, api_key=FAKE_KEY)
    assert azure._headers["api-key"] == FAKE_KEY and azure._pool.query == "?api-version=2024-06-01"
    assert FAKE_KEY not in repr(azure) and "api-version" not in str(azure.cache_identity)
    plain = load_model("openai/x", base_url="https://api.example.com/v1", api_key="k")
    assert "api-key" not in plain._headers
