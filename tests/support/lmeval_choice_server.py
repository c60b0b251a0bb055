"""A test server that lets lm-eval's `local-completions` model score loglikelihoods of a control model.

lm-eval needs a tokenizer for loglikelihood requests; this server offers vLLM's remote-tokenizer
routes (`/tokenizer_info`, `/tokenize`, `/detokenize`) with one token per character, and answers
`/v1/completions` with echoed prompt log-probabilities. For a context the control model knows (a
registered prompt), the continuation naming the option the control model answers gets log-prob 0
per token and every other continuation -5 per token, so the option with the highest loglikelihood is
the control model's own answer. Generation requests get the control model's reply text.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from detector.models.control import ControlModel
from detector.scoring.choices import extract_choice
from detector.scoring.correctness import answer_part
from detector.types import GenParams

OTHER_LOGPROB = -5.0


class ChoiceServer:
    """Serve `model` on 127.0.0.1; `url` is the `/v1/completions` URL lm-eval takes as base_url."""

    def __init__(self, model: ControlModel, labels_of: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]):
        self.model = model
        self.labels_of = labels_of  # prompt -> (labels, choices) of the multiple-choice item
        self.requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1/completions"

    def __enter__(self) -> ChoiceServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply(self, prompt: str) -> str:
        generation = self.model.call(prompt, GenParams(), 60.0)
        if generation.text is None:
            raise ValueError(generation.error or "no answer")
        return generation.text

    def echo(self, text: str) -> dict[str, Any]:
        """Echoed per-character log-probs of `text` (a known prompt + an option) and one more token."""
        context = max((p for p in self.labels_of if text.startswith(p)), key=len, default=None)
        if context is None:
            raise ValueError("unknown context")
        labels, choices = self.labels_of[context]
        chosen = extract_choice(answer_part(self.reply(context)), labels, choices)
        continuation = text[len(context) :]
        value = 0.0 if chosen is not None and continuation.strip() == chosen else OTHER_LOGPROB
        values: list[float | None] = [None] + [0.0] * (len(context) - 1) + [value] * len(continuation)
        values.append(0.0)  # the one generated token lm-eval asks for (max_tokens 1)
        tokens = list(text) + ["."]
        top = [None] + [{tok: v} for tok, v in zip(tokens[1:], values[1:], strict=True)]
        return {"tokens": tokens, "token_logprobs": values, "top_logprobs": top}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path.rstrip("/") == "/tokenizer_info":
            self._send(200, {"eos_token": None, "bos_token": None, "pad_token": None})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        owner: ChoiceServer = self.server.owner  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        route = self.path.rstrip("/")
        if route == "/tokenize":
            self._send(200, {"tokens": [ord(c) for c in str(body.get("prompt", ""))]})
            return
        if route == "/detokenize":
            self._send(200, {"prompt": "".join(chr(t) for t in body.get("tokens", []))})
            return
        if route != "/v1/completions":
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        owner.requests += 1
        prompts = body.get("prompt")
        if isinstance(prompts, str) or (
            isinstance(prompts, list) and prompts and isinstance(prompts[0], int)
        ):
            prompts = [prompts]
        texts = [p if isinstance(p, str) else "".join(chr(t) for t in p) for p in prompts or []]
        try:
            if body.get("echo"):
                choices = [{"index": i, "text": "", "logprobs": owner.echo(t)} for i, t in enumerate(texts)]
            else:
                choices = [
                    {"index": i, "text": owner.reply(t), "finish_reason": "stop"} for i, t in enumerate(texts)
                ]
        except ValueError as error:
            self._send(400, {"error": {"message": str(error)}})
            return
        self._send(200, {"id": "choice-server", "object": "text_completion", "choices": choices})
