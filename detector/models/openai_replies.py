"""Reply shapes of OpenAI-compatible servers: answer text, error messages, Retry-After,
refused parameters, echoed-logprob offsets, and the API root of a base URL.

Shapes read: chat `message.content` as a string, a list of parts (their text parts are
joined) or null (an empty answer; when the server split the output into
`reasoning_content`/`reasoning` and the model stopped normally, that text is the answer);
errors as `{"error": {"message": ...}}`, `{"error": "..."}` (TGI) or `{"message": ...}` (vLLM).
"""

from __future__ import annotations

import json
import re
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from detector.models.api import ModelCallError

ROUTE_SUFFIXES = ("/chat/completions", "/completions")
REASONING_FIELDS = ("reasoning_content", "reasoning")
TEXT_PART_TYPES = ("text", "output_text")
UNSUPPORTED_RE = re.compile(r"Unsupported (?:parameter|value): '(\w+)'")
TGI_INVALID_RE = re.compile(r"validation error: `(top_p|temperature|seed)` must be")


def normalize_base_url(url: str) -> str:
    """The API root: no trailing slash, `/v1` added to a bare host, a pasted route removed.

    "http://h:8000", "http://h:8000/", "http://h:8000/v1/" and
    "http://h:8000/v1/chat/completions" (and "h:8000", without a scheme) all give
    "http://h:8000/v1"; other paths
    ("https://host/openai/v1", "…/v1beta/openai") are kept as given.
    """
    url = url.strip()
    if "://" not in url:  # "localhost:8000" or "127.0.0.1:8000/v1": http, as curl reads it
        url = f"http://{url}"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for suffix in ROUTE_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    if not path:
        path = "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def first_choice(data: dict[str, Any]) -> dict[str, Any]:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ModelCallError("reply is missing 'choices'", retryable=True)
    return choices[0]


class UnsupportedParameterError(ModelCallError):
    """HTTP 400 because the model does not take one request parameter."""

    def __init__(self, message: str, param: str):
        super().__init__(message, retryable=False)
        self.param = param


def unsupported_parameter(body: bytes) -> str | None:
    """The parameter an OpenAI-style 400 says the model does not support, if that is what it says."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return None
    if isinstance(error, str):  # TGI: "Input validation error: `top_p` must be > 0.0 and < 1.0"
        found = TGI_INVALID_RE.search(error)
        return found.group(1) if found else None
    if not isinstance(error, dict):
        return None
    param = error.get("param")
    if error.get("code") in ("unsupported_parameter", "unsupported_value") and isinstance(param, str):
        return param
    found = UNSUPPORTED_RE.search(str(error.get("message", "")))
    return found.group(1) if found else None


def aligned_offsets(tokens: list[str], offsets: list[Any], echoed: str) -> list[Any]:
    """Character offsets of `tokens` in the echoed text.

    The server's `text_offset` when it agrees with the text (OpenAI); otherwise offsets counted
    from the tokens themselves, placed so that they end with the echoed text. Some servers
    (older vLLM) count offsets over decoded tokens including a BOS token such as
    "<|begin_of_text|>", which shifts every offset by that token's length.
    """
    def agrees(places: list[Any]) -> bool:
        return all(
            isinstance(place, int) and echoed[place : place + len(token)] == token
            for token, place in zip(tokens, places, strict=False)
            if isinstance(place, int) and 0 <= place < len(echoed)
        ) and any(isinstance(place, int) and 0 <= place < len(echoed) for place in places)

    if agrees(offsets):
        return offsets
    joined = "".join(tokens)
    if not joined.endswith(echoed):
        return offsets
    position, counted = len(echoed) - len(joined), []
    for token in tokens:
        counted.append(position)
        position += len(token)
    return counted


def chat_text(choice: dict[str, Any]) -> str | None:
    """The answer text of a chat choice; None when the reply has no message at all."""
    message = choice.get("message")
    if not isinstance(message, dict):
        return None
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # parts: [{"type": "text", "text": ...}, {"type": "thinking", ...}]
        texts = [
            part.get("text") if isinstance(part, dict) and part.get("type", "text") in TEXT_PART_TYPES
            else part
            for part in content
        ]
        return "".join(t for t in texts if isinstance(t, str))
    if content is None and choice.get("finish_reason") == "stop":
        for name in REASONING_FIELDS:  # the server put the whole output in the reasoning field
            reasoning = message.get(name)
            if isinstance(reasoning, str) and reasoning.strip():
                return reasoning
    return "" if content is None else None


def error_detail(body: bytes) -> str:
    """The server's error message from any common error shape, else the body's start."""
    text = body[:2000].decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict):
            error = error.get("message", error.get("detail", error))
        if isinstance(error, str):
            return error[:300]
    return text[:300]


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header, in seconds or HTTP-date form; None when absent or bad."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if seconds == seconds else None
