"""Backend for OpenAI-compatible servers (OpenAI, vLLM, Ollama, llama.cpp, TGI ...).

It makes one HTTP call per prompt and sorts failures into retryable (429, 408, 5xx, timeouts,
dropped connections, malformed or incomplete replies) and final (other 4xx). The API key is
sent in a header and kept out of every message, log and cache key.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

from detector.models.api import ModelCallError, SingleCallBackend, UnsupportedCapabilityError
from detector.models.cache import public_endpoint
from detector.models.connection_pool import ConnectionPool
from detector.types import Generation, GenParams, TokenLogprobs

DEFAULT_BASE_URLS = {"vllm": "http://127.0.0.1:8000/v1", "ollama": "http://127.0.0.1:11434/v1"}
ENDPOINTS = ("chat", "completions")
LOGPROB_PROBE_TEXT = "The quick brown fox jumps over the lazy dog."


class OpenAICompatModel(SingleCallBackend):
    """`provider/model_id` served at `base_url` (…/v1) through `endpoint` "chat" or "completions"."""

    def __init__(
        self,
        provider: str,
        model_id: str,
        base_url: str,
        *,
        api_key: str | None = None,
        endpoint: str = "chat",
    ):
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; valid: {', '.join(ENDPOINTS)}")
        self.name = f"{provider}/{model_id}"
        self.provider = provider
        self.model_id = model_id
        self.base_url = base_url.rstrip("/")
        self.endpoint = endpoint
        self._api_key = api_key or None
        self._pool = ConnectionPool(self.base_url)
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            self._headers["Authorization"] = f"Bearer {self._api_key}"
        self._probe_lock = threading.Lock()
        self._logprobs_supported: bool | None = None

    def __repr__(self) -> str:
        return f"OpenAICompatModel({self.name!r}, base_url={public_endpoint(self.base_url)!r})"

    @property
    def cache_identity(self) -> tuple[str, str, str]:
        return (self.provider, self.model_id, f"{public_endpoint(self.base_url)}#{self.endpoint}")

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        body: dict[str, Any] = {
            "model": self.model_id,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        if params.seed is not None:
            body["seed"] = params.seed + (params.sample_index if params.temperature > 0 else 0)
        if self.endpoint == "chat":
            body["messages"] = [{"role": "user", "content": prompt}]
            path = "/chat/completions"
        else:
            body["prompt"] = prompt
            path = "/completions"
        start = time.perf_counter()
        data = self._post(path, body, timeout_s)
        choice = _first_choice(data)
        if self.endpoint == "chat":
            message = choice.get("message")
            text = message.get("content") if isinstance(message, dict) else None
        else:
            text = choice.get("text")
        if not isinstance(text, str):
            raise ModelCallError("reply is missing the generated text", retryable=True)
        finish = choice.get("finish_reason")
        return Generation(
            text=text,
            finish_reason=finish if isinstance(finish, str) else None,
            latency_s=round(time.perf_counter() - start, 6),
        )

    def supports_logprobs(self) -> bool:
        """Ask the completions endpoint once for echoed prompt log-probabilities."""
        with self._probe_lock:
            if self._logprobs_supported is None:
                try:
                    context, continuation = LOGPROB_PROBE_TEXT.split(" ", 1)
                    probe = self._logprobs_of(context, " " + continuation, 30.0)
                    self._logprobs_supported = bool(probe.tokens)
                except ModelCallError:
                    self._logprobs_supported = False
            return self._logprobs_supported

    def call_logprobs(self, pairs: Sequence[tuple[str, str]], timeout_s: float) -> list[TokenLogprobs]:
        if not self.supports_logprobs():
            raise UnsupportedCapabilityError(f"{self.name} does not return prompt log-probabilities")
        return [self._logprobs_of(context, continuation, timeout_s) for context, continuation in pairs]

    def close(self) -> None:
        self._pool.close()

    # -- HTTP -------------------------------------------------------------------------------

    def _logprobs_of(self, context: str, continuation: str, timeout_s: float) -> TokenLogprobs:
        """Echo `context + continuation` with logprobs; keep tokens that start in the continuation."""
        body = {
            "model": self.model_id,
            "prompt": context + continuation,
            "max_tokens": 1,
            "temperature": 0.0,
            "echo": True,
            "logprobs": 1,
        }
        data = self._post("/completions", body, timeout_s)
        info = _first_choice(data).get("logprobs")
        if not isinstance(info, dict):
            raise ModelCallError("reply has no logprobs", retryable=False)
        tokens, values, offsets = info.get("tokens"), info.get("token_logprobs"), info.get("text_offset")
        if not (isinstance(tokens, list) and isinstance(values, list) and isinstance(offsets, list)):
            raise ModelCallError("reply logprobs lack tokens, token_logprobs or text_offset", retryable=False)
        start, end = len(context), len(context) + len(continuation)
        picked = [
            (str(tok), float(val))
            for tok, val, off in zip(tokens, values, offsets, strict=False)
            if isinstance(off, int) and start <= off < end and val is not None
        ]
        if not picked:
            raise ModelCallError("reply carries no log-probabilities for the continuation", retryable=False)
        return TokenLogprobs(tokens=tuple(t for t, _ in picked), logprobs=tuple(v for _, v in picked))

    def _post(self, path: str, body: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        payload = json.dumps(body).encode("utf-8")
        reply = self._pool.post(path, payload, self._headers, timeout_s)
        status = reply.status
        if status == 429 or status == 408 or status >= 500:
            wait = _retry_after(reply.retry_after)
            raise ModelCallError(f"server answered HTTP {status}", retryable=True, retry_after_s=wait)
        if status >= 400:
            detail = self._redact(reply.body[:300].decode("utf-8", "replace"))
            raise ModelCallError(f"server answered HTTP {status}: {detail}", retryable=False)
        try:
            data = json.loads(reply.body)
        except ValueError:
            raise ModelCallError("reply is not valid JSON", retryable=True) from None
        if not isinstance(data, dict):
            raise ModelCallError("reply is not a JSON object", retryable=True)
        return data

    def _redact(self, text: str) -> str:
        key = self._api_key
        if key:
            text = text.replace(key, "[redacted]")
            if len(key) > 8:  # servers often echo a key's tail or head
                text = text.replace(key[-8:], "[redacted]").replace(key[:8], "[redacted]")
        return text


def _first_choice(data: dict[str, Any]) -> dict[str, Any]:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ModelCallError("reply is missing 'choices'", retryable=True)
    return choices[0]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (numeric form); None when absent or a date."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, seconds)
