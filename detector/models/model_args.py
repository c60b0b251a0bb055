"""`--model-arg KEY=VALUE`: backend settings by name, checked and typed per provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from detector.suggestions import did_you_mean

SERVER_PROVIDERS: Final = ("openai", "vllm", "ollama")
# provider -> key -> what it takes (the help text shown on a bad key)
MODEL_ARGS: Final[Mapping[str, Mapping[str, str]]] = {
    "hf": {
        "device": "cpu, cuda, cuda:1, mps ...",
        "dtype": "a torch dtype: bfloat16, float16, float32",
        "batch_size": "prompts per generate() call (an integer >= 1)",
        "revision": "a hub branch, tag or commit (part of the cache key)",
    },
    **{
        provider: {"revision": "the checkpoint behind the served name (part of the cache key)"}
        for provider in SERVER_PROVIDERS
    },
    "control": {},
}


def parse_model_args(pairs: Sequence[str], provider: str) -> dict[str, str | int]:
    """`["device=cuda", "batch_size=16"]` -> `{"device": "cuda", "batch_size": 16}` for `provider`.

    Raises: ValueError naming the bad pair and the keys the provider takes.
    """
    valid = MODEL_ARGS.get(provider, {})
    parsed: dict[str, str | int] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip().replace("-", "_"), value.strip()
        if not sep or not key or not value:
            raise ValueError(f"--model-arg {pair!r}: expected KEY=VALUE, e.g. device=cuda")
        if key not in valid:
            takes = ", ".join(valid) if valid else "none"
            raise ValueError(
                f"--model-arg {pair!r}: {provider}/ models take no {key!r} (valid: {takes})"
                f"{did_you_mean(key, valid)}"
            )
        if key in parsed:
            raise ValueError(f"--model-arg {key} given twice")
        if key == "batch_size":
            if not value.isdigit() or int(value) < 1:
                raise ValueError(f"--model-arg {pair!r}: batch_size must be an integer >= 1")
            parsed[key] = int(value)
        else:
            parsed[key] = value
    return parsed
