"""Backend for OpenAI-compatible servers (OpenAI, vLLM, Ollama, llama.cpp, TGI ...).

It makes one HTTP call per prompt and sorts failures into retryable (429, 408, 5xx, timeouts,
dropped connections, malformed or incomplete replies) and final (other 4xx: a wrong key, an
unknown model, a prompt over the context length). The API key is sent in a header and kept out
of every message, log and cache key. Reply shapes are read in `openai_replies`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from detector.models.api import ModelCallError, SingleCallBackend, UnsupportedCapabilityError
from detector.models.cache import public_endpoint
from detector.models.connection_pool import ConnectionPool, Reply
from detector.models.openai_replies import (
    UnsupportedParameterError,
    aligned_offsets,
    chat_text,
    error_detail,
    first_choice,
    normalize_base_url,
    retry_after_seconds,
    unsupported_parameter,
)
from detector.safe_text import redact_secret
from detector.types import Generation, GenParams, TokenLogprobs

DEFAULT_BASE_URLS = {"vllm": "http://127.0.0.1:8000/v1", "ollama": "http://127.0.0.1:11434/v1"}
ENDPOINTS = ("chat", "completions")
LOGPROB_PROBE_TEXT = "The quick brown fox jumps over the lazy dog."
AZURE_HOSTS = (".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")
ADAPTABLE_PARAMS = frozenset({"max_tokens", "temperature", "top_p", "seed", "stop"})
# /models fields that tell two checkpoints served under one name apart (vLLM: root, parent;
# llama.cpp: meta; TGI/others: revision/sha). `created` counts only where it is a stable time
# in the past: vLLM and llama.cpp report the time of the request, Ollama the model's own time.
FINGERPRINT_FIELDS = ("root", "parent", "revision", "model_sha", "sha", "digest", "meta")
CREATED_MIN_AGE_S = 300
logger = logging.getLogger(__name__)


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
        system_prompt: str | None = None,
        revision: str | None = None,
    ):
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; valid: {', '.join(ENDPOINTS)}")
        self.name = f"{provider}/{model_id}"
        self.provider = provider
        self.model_id = model_id
        self.base_url = normalize_base_url(base_url)
        given = urlsplit(base_url.strip() if "://" in base_url else f"http://{base_url.strip()}")
        # a bare host got `/v1`; its root is tried once if `/v1` answers 404
        self._bare_root: str | None = (
            urlunsplit((given.scheme, given.netloc, "", given.query, ""))
            if not given.path.strip("/") else None
        )
        self.endpoint = endpoint
        self.system_prompt = system_prompt or None
        self.revision = revision or None
        self.served_models: list[str] | None = None  # ids from GET /models, once asked
        self.server_model: dict[str, Any] | None = None  # this model's /models entry, if listed
        self._api_key = api_key or None
        self._pool = ConnectionPool(self.base_url)
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            self._headers["Authorization"] = f"Bearer {self._api_key}"
            if (urlsplit(self.base_url).hostname or "").endswith(AZURE_HOSTS):
                self._headers["api-key"] = self._api_key  # Azure OpenAI reads its key from `api-key`
        self._probe_lock = threading.RLock()
        self._root_lock = threading.Lock()
        self._unsupported: set[str] = set()  # request parameters this model refused
        self._refused: str | None = None  # the 401 message once the server has refused the key
        self._logprobs_supported: bool | None = None

    def __repr__(self) -> str:
        return f"OpenAICompatModel({self.name!r}, base_url={public_endpoint(self.base_url)!r})"

    @property
    def cache_identity(self) -> tuple[str, str, str]:
        where = f"{public_endpoint(self.base_url)}#{self.endpoint}"
        extra = self.fingerprint()
        if self.system_prompt is not None:
            extra["system_prompt"] = self.system_prompt
        if extra:  # a new checkpoint (or a new system prompt) under the same name is asked afresh
            text = json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str)
            where += "#" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        return (self.provider, self.model_id, where)

    def fingerprint(self) -> dict[str, Any]:
        """What identifies the checkpoint behind the name: `revision` when given, and what the
        server's /models entry reports (its id, root/revision fields, a stable creation time)."""
        found: dict[str, Any] = {}
        if self.revision is not None:
            found["revision"] = self.revision
        entry = self.server_model
        if entry is None:
            return found
        found["server_model_id"] = entry.get("id")
        for name in FINGERPRINT_FIELDS:
            if entry.get(name) not in (None, "", {}):
                found[name] = entry[name]
        created = entry.get("created")
        if isinstance(created, int | float) and not isinstance(created, bool):
            if created < time.time() - CREATED_MIN_AGE_S:
                found["created"] = int(created)
        return found

    def list_models(self, timeout_s: float) -> list[dict[str, Any]] | None:
        """GET /models: the served models' entries, None when the server has no such route.

        Also records this model's entry (its fingerprint). Raises: ModelCallError (401/403 and
        unreachable servers included).
        """
        reply = self._pool.get("/models", self._headers, timeout_s)
        if reply.status in (404, 405):
            return None
        if reply.status >= 400:
            detail = error_detail(reply.body)
            raise ModelCallError(
                self._client_error(reply.status, detail),
                retryable=reply.status >= 500 or reply.status == 429,
                status=reply.status,
            )
        try:
            data = json.loads(reply.body)
        except ValueError:
            return None
        rows = data.get("data", data.get("models")) if isinstance(data, dict) else None
        if not isinstance(rows, list):
            return None
        entries = [row for row in rows if isinstance(row, dict) and isinstance(row.get("id"), str)]
        self.served_models = [str(row["id"]) for row in entries]
        self.server_model = matching_entry(entries, self.model_id)
        return entries

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        body: dict[str, Any] = {
            "model": self.model_id,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
        }
        if params.temperature > 0 or params.top_p != 1.0:  # greedy: top_p is moot, and TGI refuses 1.0
            body["top_p"] = params.top_p
        if params.stop:
            body["stop"] = list(params.stop)
        if params.seed is not None:
            body["seed"] = params.seed + (params.sample_index if params.temperature > 0 else 0)
        if self.endpoint == "chat":
            system = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
            body["messages"] = [*system, {"role": "user", "content": prompt}]
            path = "/chat/completions"
        else:
            body["prompt"] = f"{self.system_prompt}\n\n{prompt}" if self.system_prompt else prompt
            path = "/completions"
        start = time.perf_counter()
        data = self._post_adapting(path, body, timeout_s)
        choice = first_choice(data)
        finish = choice.get("finish_reason")
        text = chat_text(choice) if self.endpoint == "chat" else choice.get("text")
        if not isinstance(text, str):
            raise ModelCallError("reply is missing the generated text", retryable=True)
        return Generation(
            text=self._redact(text),  # a reply that echoes the key is never stored with it
            finish_reason=finish if isinstance(finish, str) else None,
            latency_s=round(time.perf_counter() - start, 6),
        )

    def supports_logprobs(self) -> bool:
        """Ask the completions endpoint once for echoed prompt log-probabilities (no retry; the
        runner's `supports_logprobs` retries and caches `probe_logprobs` instead)."""
        with self._probe_lock:
            if self._logprobs_supported is None:
                try:
                    self._logprobs_supported = self.probe_logprobs(30.0)
                except ModelCallError:
                    self._logprobs_supported = False
            return self._logprobs_supported

    def probe_logprobs(self, timeout_s: float) -> bool:
        """One capability request: does the server echo prompt log-probabilities?

        Raises: ModelCallError when the answer is not known (a retryable failure).
        """
        context, continuation = LOGPROB_PROBE_TEXT.split(" ", 1)
        try:
            probe = self._logprobs_of(context, " " + continuation, timeout_s)
        except ModelCallError as err:
            if err.retryable:
                raise
            supported = False
        else:
            supported = bool(probe.tokens)
        with self._probe_lock:
            self._logprobs_supported = supported
        return supported

    def remember_logprobs(self, supported: bool) -> None:
        """Take a cached capability answer instead of asking the server again."""
        with self._probe_lock:
            self._logprobs_supported = supported

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
        choice = first_choice(data)
        info = choice.get("logprobs")
        if not isinstance(info, dict):
            raise ModelCallError("reply has no logprobs", retryable=False)
        tokens, values, offsets = info.get("tokens"), info.get("token_logprobs"), info.get("text_offset")
        if not (isinstance(tokens, list) and isinstance(values, list) and isinstance(offsets, list)):
            raise ModelCallError("reply logprobs lack tokens, token_logprobs or text_offset", retryable=False)
        echoed = choice.get("text")
        offsets = aligned_offsets(
            [str(t) for t in tokens], offsets, echoed if isinstance(echoed, str) else context + continuation
        )
        start, end = len(context), len(context) + len(continuation)
        inside = [
            (str(tok), val)
            for tok, val, off in zip(tokens, values, offsets, strict=False)
            if isinstance(off, int) and start <= off < end
        ]
        # only the text's very first token has no log-probability (it has no context)
        missing = sum(val is None for i, (_, val) in enumerate(inside) if start > 0 or i > 0)
        if missing:  # e.g. vLLM with prefix caching: never score a continuation on part of its tokens
            raise ModelCallError(
                f"reply has null log-probabilities for {missing} of {len(inside)} continuation tokens "
                "(a server with prefix caching may drop prompt logprobs)",
                retryable=False,
            )
        picked = [(tok, float(val)) for tok, val in inside if val is not None]
        if not picked:
            raise ModelCallError("reply carries no log-probabilities for the continuation", retryable=False)
        return TokenLogprobs(tokens=tuple(t for t, _ in picked), logprobs=tuple(v for _, v in picked))

    def _post_adapting(self, path: str, body: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """POST, leaving out (or renaming) the parameters the model said it does not take.

        Reasoning models on hosted APIs reject `max_tokens` (they want `max_completion_tokens`)
        and any non-default `temperature`/`top_p`; TGI rejects `top_p` 1.0. The model remembers
        what it was told.
        """
        while True:
            sent = dict(body)
            for name in self._unsupported:
                value = sent.pop(name, None)
                if name == "max_tokens" and value is not None:
                    sent["max_completion_tokens"] = value
            try:
                return self._post(path, sent, timeout_s)
            except UnsupportedParameterError as err:
                if err.param not in ADAPTABLE_PARAMS or err.param not in sent:
                    raise
                if err.param != "max_tokens":
                    logger.warning("%s does not take %r; sending requests without it", self.name, err.param)
                self._unsupported.add(err.param)

    def _post(self, path: str, body: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        if self._refused is not None:  # a wrong key stays wrong: do not send every prompt to learn it
            raise ModelCallError(self._refused, retryable=False)
        payload = json.dumps(body).encode("utf-8")
        reply = self._pool.post(path, payload, self._headers, timeout_s)
        if reply.status == 404 and self._bare_root is not None:
            reply = self._try_bare_root(path, payload, timeout_s, reply)
        status = reply.status
        if status == 429 or status == 408 or status >= 500:
            wait = retry_after_seconds(reply.retry_after)
            raise ModelCallError(
                f"server answered HTTP {status}: {self._redact(error_detail(reply.body))[:200]}",
                retryable=True, retry_after_s=wait, status=status,
            )
        if status >= 400:
            message = self._client_error(status, error_detail(reply.body))
            if status == 401:
                self._refused = message
            param = unsupported_parameter(reply.body) if status in (400, 422) else None
            if param is not None:
                raise UnsupportedParameterError(message, param)
            raise ModelCallError(message, retryable=False, status=status)
        try:
            data = json.loads(reply.body)
        except ValueError:
            kind = reply.content_type or "no content type"
            start = self._redact(reply.body[:60].decode("utf-8", "replace"))
            raise ModelCallError(
                f"reply is not valid JSON ({kind}: {start!r}); is {public_endpoint(self.base_url)} "
                "an OpenAI-compatible API root?",
                retryable=True,
            ) from None
        if not isinstance(data, dict):
            raise ModelCallError("reply is not a JSON object", retryable=True)
        if data.get("error") and not data.get("choices"):  # some servers and proxies answer 200 with an error
            detail = self._redact(error_detail(reply.body))
            raise ModelCallError(f"server answered with an error: {detail}", retryable=True)
        return data

    def _try_bare_root(self, path: str, payload: bytes, timeout_s: float, reply: Reply) -> Reply:
        """A 404 under the `/v1` we added to a bare host: ask the host root once (APIs such as
        Perplexity's have no `/v1`); when it answers, it becomes the base URL for good."""
        with self._root_lock:
            bare, self._bare_root = self._bare_root, None
        if bare is None:
            return reply
        pool = ConnectionPool(bare)
        retry = pool.post(path, payload, self._headers, timeout_s)
        if retry.status == 404:
            pool.close()
            return reply
        old_pool, self._pool, self.base_url = self._pool, pool, bare
        old_pool.close()
        return retry

    def _client_error(self, status: int, detail: str) -> str:
        """A final 4xx error, naming the model and the public base URL (never the key)."""
        where = f"model {self.model_id!r} at {public_endpoint(self.base_url)}"
        detail = self._redact(detail)
        if status in (401, 403):
            hint = "check the API key (OPENAI_API_KEY)"
            return f"server answered HTTP {status} (not authorized) for {where}: {detail}; {hint}"
        if status == 404:
            hint = "check the model name (GET /models lists them) and the base URL"
            return f"server answered HTTP 404 (not found) for {where}: {detail}; {hint}"
        return f"server answered HTTP {status} for {where}: {detail}"

    def _redact(self, text: str) -> str:
        """`text` without the API key, whole, in part or masked (servers echo heads and tails)."""
        return redact_secret(text, self._api_key)


def matching_entry(entries: Sequence[dict[str, Any]], model_id: str) -> dict[str, Any] | None:
    """The /models entry serving `model_id` (Ollama's `name` also matches `name:latest`)."""
    for entry in entries:
        if entry.get("id") == model_id:
            return entry
    for entry in entries:
        if ":" not in model_id and entry.get("id") == f"{model_id}:latest":
            return entry
    return None
