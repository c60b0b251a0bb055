"""A local OpenAI-compatible server for tests and benchmarks, with switchable faults (not shipped).

It serves any backend object (usually a control model) on 127.0.0.1 at an ephemeral port:
`/v1/chat/completions`, `/v1/completions`, `/v1/models`. Faults (429 with Retry-After, 500,
slow replies, dropped connections, malformed JSON, missing fields, "auth": a 401 that echoes
the key it was sent, as some APIs do, and "status": any status with a given JSON body and
headers) hit each prompt's first `times` requests. Transport styles ("gzip": gzip-encoded body,
"chunked": chunked transfer encoding, "close": the server closes the keep-alive connection
after answering, without saying so) answer normally in that style. `reshape` rewrites each
successful reply (to mimic vLLM, llama.cpp, Ollama or TGI reply shapes). It
counts requests and successful answers per prompt, so tests can check that nothing is lost
and nothing is asked twice.
"""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from detector.models.api import ModelAPI, ModelCallError
from detector.types import GenParams

FAULTS = ("429", "500", "slow", "drop", "malformed", "missing", "auth", "status", "gzip", "chunked", "close")
STYLES = ("gzip", "chunked", "close")  # faults that still answer, in a transport style
# (text) -> [(token, character offset, logprob)]; the server then offers echoed prompt logprobs.
PromptLogprobs = Callable[[str], list[tuple[str, int, float]]]
# (route, reply) -> reply to send instead
Reshape = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Fault:
    """Each prompt's first `times` requests get `mode` instead of an answer."""

    mode: str
    times: int = 1
    retry_after_s: float = 0.05
    slow_s: float = 1.0
    status: int = 500  # "status": the status, JSON body and headers to answer with
    payload: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.mode not in FAULTS:
            raise ValueError(f"unknown fault {self.mode!r}; valid: {', '.join(FAULTS)}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    owner: LocalServer


class LocalServer:
    """Serve `model` over HTTP; use as a context manager. `url` is the `/v1` base URL."""

    def __init__(
        self,
        model: ModelAPI,
        *,
        delay_s: float = 0.0,
        prompt_logprobs: PromptLogprobs | None = None,
        served_name: str = "control",
        reshape: Reshape | None = None,
        tls: ssl.SSLContext | None = None,
        rejects: Mapping[str, str] | None = None,
        prefix: str = "/v1",
        strict_model: bool = False,
        model_card: Mapping[str, Any] | None = None,
    ):
        self.model = model
        self.delay_s = delay_s
        self.prompt_logprobs = prompt_logprobs
        self.served_name = served_name
        self.reshape = reshape
        self.tls = tls  # a server-side context: serve https
        # request parameters answered with an OpenAI-style 400 (value: "unsupported_parameter" or
        # "unsupported_value"), as hosted reasoning models answer `max_tokens` or `temperature`,
        # or with TGI's 422 validation error (value: "tgi")
        self.rejects = dict(rejects or {})
        self.bodies: list[dict[str, Any]] = []  # every JSON request body, in arrival order
        self.prefix = prefix  # the API root's path ("" for APIs without /v1)
        self.strict_model = strict_model  # answer other model names with vLLM's 404, as real servers do
        self.model_card = dict(model_card or {})  # more fields of the /models entry (created, root ...)
        self.gets: Counter[str] = Counter()  # GET requests per path
        self.fault: Fault | None = None
        self.requests: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()
        self.authorization_headers: set[str] = set()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def set_fault(self, mode: str | None, **options: Any) -> None:
        """Switch faults: `set_fault("429", times=2)`; `set_fault(None)` turns them off."""
        self.fault = None if mode is None else Fault(mode, **options)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.answered.clear()

    def start(self) -> LocalServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _admit(self, prompt: str) -> Fault | None:
        """Count a request; return the fault it gets, if any."""
        with self._lock:
            seen = self.requests[prompt]
            self.requests[prompt] += 1
        fault = self.fault
        return fault if fault is not None and seen < fault.times else None

    def _answered(self, prompt: str, n: int = 1) -> None:
        with self._lock:
            self.answered[prompt] += n


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        owner = self.server.owner
        with owner._lock:
            owner.gets[urlsplit(self.path).path] += 1
        if urlsplit(self.path).path.rstrip("/") != self.server.owner.prefix + "/models":
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        entry = {"id": owner.served_name, "object": "model", **owner.model_card}
        self._send_json(200, {"object": "list", "data": [entry]})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._send_json(400, {"error": {"message": "request body is not JSON"}})
            return
        auth = self.headers.get("Authorization")
        if auth:
            owner.authorization_headers.add(auth)
        with owner._lock:
            owner.bodies.append(body)
        for name, code in owner.rejects.items():
            if name in body and code == "tgi":  # TGI's validation error, e.g. for top_p 1.0
                text = f"Input validation error: `{name}` must be > 0.0 and < 1.0"
                self._send_json(422, {"error": text, "error_type": "validation"})
                return
            if name in body:
                what = "parameter" if code == "unsupported_parameter" else "value"
                text = f"Unsupported {what}: '{name}' is not supported with this model."
                error = {"message": text, "type": "invalid_request_error", "param": name, "code": code}
                self._send_json(400, {"error": error})
                return
        route = urlsplit(self.path).path.rstrip("/")  # absolute-form through an http proxy too
        route = "/v1" + route.removeprefix(owner.prefix) if route.startswith(owner.prefix + "/") else route
        if route == "/v1/chat/completions":
            messages = body.get("messages") or [{}]
            prompt = str(messages[-1].get("content", ""))
        elif route == "/v1/completions":
            prompt = str(body.get("prompt", ""))
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        if owner.strict_model and body.get("model") != owner.served_name:
            text = f"The model `{body.get('model')}` does not exist."
            self._send_json(404, {"object": "error", "message": text, "type": "NotFoundError", "code": 404})
            return
        fault = owner._admit(prompt)
        if owner.delay_s:
            time.sleep(owner.delay_s)
        style = fault.mode if fault is not None and fault.mode in STYLES else None
        if style is not None:
            fault = None
        if fault is not None and self._fail(fault):
            return
        if route == "/v1/completions" and body.get("echo") and body.get("logprobs") is not None:
            self._send_echo(prompt, owner)
            return
        params = GenParams(
            max_tokens=int(body.get("max_tokens") or body.get("max_completion_tokens") or 512),
            temperature=float(body.get("temperature") or 0.0),
            top_p=float(body.get("top_p") or 1.0),
            sample_index=int(body.get("seed") or 0),
        )
        try:
            generation = owner.model.call(prompt, params, 60.0)
        except ModelCallError as err:
            self._send_json(500 if err.retryable else 400, {"error": {"message": str(err)}})
            return
        if generation.text is None:
            self._send_json(400, {"error": {"message": generation.error or "no answer"}})
            return
        if route == "/v1/chat/completions":
            message = {"role": "assistant", "content": generation.text}
            choice: dict[str, Any] = {"index": 0, "message": message}
        else:
            choice = {"index": 0, "text": generation.text, "logprobs": None}
        choice["finish_reason"] = generation.finish_reason or "stop"
        reply = {"id": "local", "object": "completion", "model": owner.served_name, "choices": [choice]}
        if owner.reshape is not None:
            reply = owner.reshape(route, reply)
        if fault is None:  # count before sending, so a client that has the answer sees it counted
            owner._answered(prompt)
        if not self._send_styled(reply, style) and fault is None:
            owner._answered(prompt, -1)

    def _send_echo(self, prompt: str, owner: LocalServer) -> None:
        if owner.prompt_logprobs is None:  # like servers without prompt logprobs: ignore the request
            self._send_json(200, {"id": "local", "choices": [{"index": 0, "text": prompt, "logprobs": None}]})
            return
        rows = owner.prompt_logprobs(prompt)
        logprobs = {
            "tokens": [t for t, _, _ in rows],
            "text_offset": [o for _, o, _ in rows],
            "token_logprobs": [None] + [v for _, _, v in rows[1:]],
        }
        owner._answered(prompt)
        self._send_json(200, {"id": "local", "choices": [{"index": 0, "text": prompt, "logprobs": logprobs}]})

    def _fail(self, fault: Fault) -> bool:
        """Act out `fault`; True when the request is finished (no normal answer follows)."""
        if fault.mode == "429":
            self._send_json(429, {"error": {"message": "rate limited"}},
                            headers={"Retry-After": f"{fault.retry_after_s:g}"})
        elif fault.mode == "500":
            self._send_json(500, {"error": {"message": "internal error"}})
        elif fault.mode == "slow":
            time.sleep(fault.slow_s)
            return False  # answer late; the client has given up by then
        elif fault.mode == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif fault.mode == "malformed":
            self._send_raw(200, b'{"choices": [{"message": {"content": "trunc')
        elif fault.mode == "auth":
            sent = self.headers.get("Authorization", "")
            self._send_json(401, {"error": {"message": f"Incorrect API key provided: {sent}"}})
        elif fault.mode == "status":
            self._send_json(fault.status, dict(fault.payload or {}), headers=dict(fault.headers or {}))
        elif fault.mode == "missing":
            self._send_json(200, {"id": "local", "object": "chat.completion", "choices": [{"index": 0}]})
        return True

    def _send_styled(self, payload: dict[str, Any], style: str | None) -> bool:
        """Answer 200 with `payload` gzip-encoded, chunked, or followed by a silent close."""
        data = json.dumps(payload).encode("utf-8")
        if style == "gzip":
            return self._send_raw(200, gzip.compress(data), {"Content-Encoding": "gzip"})
        if style == "close":
            sent = self._send_raw(200, data)
            self.close_connection = True  # no "Connection: close" header: the client is not told
            return sent
        if style != "chunked":
            return self._send_raw(200, data)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(data), 7):
                piece = data[start:start + 7]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return True
        except OSError:
            self.close_connection = True
            return False

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> bool:
        return self._send_raw(status, json.dumps(payload).encode("utf-8"), headers)

    def _send_raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> bool:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except OSError:
            self.close_connection = True
            return False
