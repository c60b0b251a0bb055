"""Preflight: before any perturbing, check that the server answers, serves the model and takes
the key, with one listing (GET /models) and one real request.

A refused connection, a 401/403, an unknown model (404, naming the served models) or a missing
key or extra stops the run at once with the server's own words (`PreflightError`). The one
request is the run's first prompt: its answer goes into the cache, and when it is there already
(a rerun) nothing is sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from detector.models.api import ModelAPI, ModelCallError, PreflightError
from detector.models.cache import ResponseCache, generation_key, public_endpoint
from detector.suggestions import did_you_mean
from detector.types import GenParams

PREFLIGHT_TIMEOUT_S = 8.0  # for GET /models
REQUEST_TIMEOUT_S = 60.0  # the one real request generates a whole answer, as the run's requests do
PREFLIGHT_ATTEMPTS = 3  # for 429/5xx only; an unreachable server or a 4xx stops at once
PREFLIGHT_BACKOFF_S = 1.0
KEYED_HOSTS = ("api.openai.com",)  # hosts that always need a key


@dataclass(frozen=True)
class ServerCheck:
    """What the preflight learnt: the served models, this model's id and fingerprint there."""

    served_models: list[str] | None = None
    server_model_id: str | None = None
    fingerprint: dict[str, Any] = field(default_factory=dict)
    request_sent: bool = False
    note: str | None = None  # something the person should know, e.g. the model is not listed


def preflight(
    model: ModelAPI,
    cache: ResponseCache | None,
    prompt: str,
    params: GenParams,
    *,
    timeout_s: float = PREFLIGHT_TIMEOUT_S,
    request_timeout_s: float = REQUEST_TIMEOUT_S,
    attempts: int = PREFLIGHT_ATTEMPTS,
    backoff_s: float = PREFLIGHT_BACKOFF_S,
) -> ServerCheck:
    """Check `model` can answer before any work. Raises: PreflightError with the reason."""
    check_ready = getattr(model, "check_ready", None)
    if check_ready is not None:  # local backends: the extra is installed and the weights exist
        check_ready()
    list_models = getattr(model, "list_models", None)
    if list_models is None:
        return ServerCheck()
    _check_key(model)
    served: list[str] | None = None
    try:
        entries = _retrying(lambda: list_models(timeout_s), attempts, backoff_s)
    except ModelCallError as err:
        raise PreflightError(_unreachable(model, err) if err.unreachable else str(err)) from None
    if entries is not None:
        served = [str(e["id"]) for e in entries]
    entry = getattr(model, "server_model", None)
    fingerprint = dict(model.fingerprint()) if hasattr(model, "fingerprint") else {}
    sent = False
    key = generation_key(model.cache_identity, prompt, params)
    if cache is None or not cache.get_generations([key]):
        try:
            generation = _retrying(lambda: model.call(prompt, params, request_timeout_s), attempts, backoff_s)
        except ModelCallError as err:
            raise PreflightError(_request_failed(model, err, served)) from None
        sent = True
        if cache is not None and model.cacheable:
            cache.put_generation(key, generation)
    server_id = str(entry["id"]) if isinstance(entry, dict) else None
    note = None
    if served and server_id is None:  # an alias, or a server that answers any name with its one model
        name = getattr(model, "model_id", model.name)
        note = (
            f"{name!r} is not among the served models ({', '.join(served[:10])}), but the server "
            "answered it; check that this is the model you mean"
        )
    return ServerCheck(served, server_id, fingerprint, sent, note)


def _retrying(call: Any, attempts: int, backoff_s: float) -> Any:
    """`call()`, again after a pause on a retryable answer from a live server (429, 5xx)."""
    for n in range(attempts):
        try:
            return call()
        except ModelCallError as err:
            if not err.retryable or err.unreachable or n == attempts - 1:
                raise
            time.sleep(backoff_s * 2**n)
    raise AssertionError("unreachable")


def _check_key(model: Any) -> None:
    host = urlsplit(str(model.base_url)).hostname or ""
    if host in KEYED_HOSTS and not getattr(model, "_api_key", None):
        raise PreflightError(f"no API key for {public_endpoint(model.base_url)}: set OPENAI_API_KEY")


def _unreachable(model: Any, err: ModelCallError) -> str:
    return (
        f"cannot reach {public_endpoint(model.base_url)}: {err}; is the server running there? "
        "(--base-url names it)"
    )


def _request_failed(model: Any, err: ModelCallError, served: list[str] | None) -> str:
    if err.unreachable:
        return _unreachable(model, err)
    message = str(err)
    if err.status == 404 and served:
        shown = ", ".join(served[:20]) + (f" and {len(served) - 20} more" if len(served) > 20 else "")
        message += f"; served models: {shown}{did_you_mean(model.model_id, served)}"
    return f"preflight request failed: {message}"
