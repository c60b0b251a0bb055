"""The `provenance` block of a run: where the answers came from and how they were asked.

It goes into config.json (and from there into report.json and the HTML): the server's public
base URL (never a key or user info), the endpoint, the model id the server reported and its
fingerprint, the command line, start and end times, cache hits, every generation setting sent
and library versions.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from detector.types import Generation, GenParams

BACKEND_LIBRARIES = ("torch", "transformers", "httpx")
_URL_USERINFO = re.compile(r"(\w+://)[^/@\s]+@")
_SECRET_OPTION = re.compile(r"^(--?[\w-]*(?:key|token|secret|password)[\w-]*)(=.*)?$", re.IGNORECASE)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def public_command(argv: Sequence[str]) -> list[str]:
    """The command line with user info stripped from URLs and values of key-like options hidden."""
    shown: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            shown.append("[redacted]")
            hide_next = False
            continue
        match = _SECRET_OPTION.match(arg)
        if match:
            shown.append(f"{match.group(1)}=[redacted]" if match.group(2) else arg)
            hide_next = match.group(2) is None
            continue
        shown.append(_URL_USERINFO.sub(r"\1", arg))
    return shown


def generation_settings(model: Any, params: GenParams) -> dict[str, Any]:
    """Every setting that shapes the answers, as sent: sampling, endpoint, system prompt, template."""
    settings: dict[str, Any] = dataclasses.asdict(params)
    settings["stop"] = list(params.stop)
    settings["endpoint"] = getattr(model, "endpoint", None)
    settings["system_prompt"] = getattr(model, "system_prompt", None)
    if hasattr(model, "chat") and not hasattr(model, "endpoint"):
        settings["chat_template"] = bool(model.chat)
    return settings


def library_versions() -> dict[str, str | None]:
    """Versions of detect, its numeric libraries and the backend libraries installed."""
    from detector.report.build import versions

    found = dict(versions())
    for name in BACKEND_LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def start_provenance(
    model: Any, params: GenParams, command: Sequence[str], model_args: dict[str, Any]
) -> dict[str, Any]:
    """The provenance known before the first request."""
    from detector.models.cache import public_endpoint

    base_url = getattr(model, "base_url", None)
    return {
        "started_at": utc_now(),
        "command": public_command(command),
        "backend": type(model).__name__,
        "base_url": public_endpoint(base_url) if isinstance(base_url, str) else None,
        "endpoint": getattr(model, "endpoint", None),
        "model_args": dict(model_args),
        "generation": generation_settings(model, params),
        "library_versions": library_versions(),
    }


def finish_provenance(
    provenance: dict[str, Any],
    *,
    server_model_id: str | None,
    served_models: list[str] | None,
    fingerprint: dict[str, Any],
    generations: Sequence[Generation],
    stopped: str | None,
) -> dict[str, Any]:
    """The whole block once the answers are in (a new dict; `provenance` is left as it was)."""
    hits = sum(1 for g in generations if g.cached)
    return {
        **provenance,
        "server_model_id": server_model_id,
        "served_models": served_models,
        "model_fingerprint": fingerprint,
        "finished_at": utc_now(),
        "n_prompts": len(generations),
        "cache_hits": hits,
        "stopped_early": stopped,
    }
