"""Model backends and the runner that wraps them.

A model is named `provider/NAME`: `openai/NAME`, `vllm/NAME`, `ollama/NAME` (OpenAI-compatible
servers), `hf/PATH_OR_ID` (local transformers model), `control/clean`, `control/contaminated`
and `control/contaminated:F` (simulated control models, not language models).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from detector.models.api import ModelAPI, ModelCallError, UnsupportedCapabilityError, prepare_for_plan
from detector.models.cache import ResponseCache, default_cache_path
from detector.models.control import AnswerKey, ControlCase, ControlModel, case_for_item, case_for_variant
from detector.models.runner import Runner, RunStats, TooManyFailuresError
from detector.suggestions import did_you_mean

PROVIDERS: Final[Mapping[str, str]] = {
    "openai": "any OpenAI-compatible server (--base-url or OPENAI_BASE_URL; key from OPENAI_API_KEY)",
    "vllm": "a vLLM server (default http://127.0.0.1:8000/v1)",
    "ollama": "an Ollama server (default http://127.0.0.1:11434/v1)",
    "hf": "a local Hugging Face transformers causal LM (pip install 'detect-overfit[hf]')",
    "control": "simulated control models: control/clean, control/contaminated[:FRACTION], "
    "control/brittle[:DROP]",
}
CONTROL_NAMES: Final = ("clean", "contaminated", "brittle")
BRITTLE_DROP: Final = 0.2
OPENAI_DEFAULT_URL: Final = "https://api.openai.com/v1"

__all__ = [
    "PROVIDERS", "AnswerKey", "ControlCase", "ControlModel", "ModelAPI", "ModelCallError", "ResponseCache",
    "RunStats", "Runner", "TooManyFailuresError", "UnsupportedCapabilityError", "case_for_item",
    "case_for_variant", "default_cache_path", "load_model", "prepare_for_plan",
]


def load_model(spec: str, *, base_url: str | None = None, **options: Any) -> ModelAPI:
    """Build the backend named by `spec` ("provider/NAME").

    Options: OpenAI-compatible: `api_key` (default $OPENAI_API_KEY), `endpoint` ("chat" or
    "completions"); hf: `device`, `dtype`, `batch_size`, `chat`; control: `answer_key`, `seed`,
    `p_right`, `p_memorized`, `p_stale`, `p_continuation`.

    Raises: ValueError for an unknown provider, a malformed spec or a bad option.
    """
    provider, sep, name = spec.partition("/")
    if not sep or not name:
        valid = ", ".join(PROVIDERS)
        raise ValueError(f"model spec {spec!r} must look like provider/NAME; providers: {valid}")
    if provider not in PROVIDERS:
        hint = did_you_mean(provider, PROVIDERS)
        valid = ", ".join(PROVIDERS)
        raise ValueError(f"unknown model provider {provider!r} in {spec!r}{hint} (valid: {valid})")
    if provider in ("openai", "vllm", "ollama"):
        from detector.models.openai_compat import DEFAULT_BASE_URLS, OpenAICompatModel

        url = base_url or (
            os.environ.get("OPENAI_BASE_URL") or OPENAI_DEFAULT_URL
            if provider == "openai"
            else DEFAULT_BASE_URLS[provider]
        )
        api_key = options.pop("api_key", None) or os.environ.get("OPENAI_API_KEY")
        return OpenAICompatModel(provider, name, url, api_key=api_key, **options)
    if provider == "hf":
        from detector.models.hf import HFModel, looks_like_local_path

        if looks_like_local_path(name) and not Path(name).expanduser().is_dir():
            raise ValueError(f"hf/{name}: no such model directory")
        return HFModel(name, **options)
    return _load_control(spec, name, options)


def _load_control(spec: str, name: str, options: dict[str, Any]) -> ControlModel:
    base, _, fraction_text = name.partition(":")
    if base not in CONTROL_NAMES:
        hint = did_you_mean(base, CONTROL_NAMES)
        valid = "control/clean, control/contaminated[:F], control/brittle[:DROP]"
        raise ValueError(f"unknown control model {spec!r}{hint} (valid: {valid})")
    if base == "brittle":  # honest, with a natural drop on variants: nothing memorized
        try:
            drop = float(fraction_text) if fraction_text else BRITTLE_DROP
        except ValueError:
            raise ValueError(f"variant drop in {spec!r} is not a number") from None
        if not 0.0 < drop <= 0.6:
            raise ValueError(f"variant drop in {spec!r} must be in (0, 0.6]")
        return ControlModel(spec, options.pop("answer_key", None), variant_drop=drop, **options)
    if base == "clean":
        if fraction_text:
            raise ValueError(f"control/clean takes no fraction: {spec!r}")
        fraction = 0.0
    else:
        try:
            fraction = float(fraction_text) if fraction_text else 1.0
        except ValueError:
            raise ValueError(f"contaminated fraction in {spec!r} is not a number") from None
        if not 0.0 < fraction <= 1.0:
            raise ValueError(f"contaminated fraction in {spec!r} must be in (0, 1]")
    return ControlModel(spec, options.pop("answer_key", None), memorized_fraction=fraction, **options)
