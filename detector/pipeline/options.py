"""What a probe run takes (`ProbeOptions`) and where it writes by default (`default_run_dir`)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from detector.stats import DEFAULT_BOOTSTRAP
from detector.types import GenParams

DEFAULT_PER_ITEM = 2
DEFAULT_MAX_FAILED_FRACTION = 0.1


@dataclass(frozen=True)
class ProbeOptions:
    """Everything `detect probe` takes; see `detect probe --help`."""

    model: str
    benchmarks: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    per_item: int = DEFAULT_PER_ITEM
    limit: int | None = None
    seed: int = 0
    shots: int = 0
    out: Path | None = None
    references: tuple[Path, ...] = ()
    concurrency: int = 8
    base_url: str | None = None
    use_cache: bool = True
    max_failed_fraction: float = DEFAULT_MAX_FAILED_FRACTION
    progress: bool = False
    n_bootstrap: int = DEFAULT_BOOTSTRAP
    fresh: tuple[str, ...] = ()  # --fresh: sets the model cannot have seen (issue 14)
    order_tests: bool = True  # the order exchangeability tests, for models with prompt log-probabilities
    gen_params: GenParams = field(default_factory=lambda: GenParams(max_tokens=512, temperature=0.0))
    variants: Path | None = None  # an external variant set (detector.external_variants), not families
    endpoint: str | None = None  # "chat" or "completions" for servers (default chat)
    system_prompt: str | None = None
    model_args: tuple[str, ...] = ()  # KEY=VALUE backend settings (device, dtype, batch_size, revision)
    chat_template: bool = True  # hf: prompts through the tokenizer's chat template where it has one
    format: str | None = None  # force the benchmark format
    fields: tuple[str, ...] = ()  # generic field mapping NAME=COLUMN
    command: tuple[str, ...] = ()  # the command line, for provenance
    preflight: bool = True


def model_slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", spec).strip("-") or "model"


def default_run_dir(options: ProbeOptions) -> Path:
    """runs/<model-slug>-<hash of what decides the answers>: the same command resumes the same run."""
    key = json.dumps(
        [
            options.model,
            list(options.benchmarks),
            list(options.families),
            options.per_item,
            options.limit,
            options.seed,
            options.shots,
            dataclasses.asdict(options.gen_params),
            *_answer_settings(options),
            *([list(options.fresh)] if options.fresh else []),
        ]
        + ([str(options.variants)] if options.variants is not None else []),
        sort_keys=True,
    )
    return Path("runs") / f"{model_slug(options.model)}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def _answer_settings(options: ProbeOptions) -> list[object]:
    """Settings that change the answers, named only when set (earlier run directories keep their name)."""
    settings = {
        "endpoint": options.endpoint, "system_prompt": options.system_prompt,
        "model_args": sorted(options.model_args) or None,
        "chat_template": None if options.chat_template else False,
        "format": options.format, "fields": sorted(options.fields) or None,
    }  # fmt: skip
    chosen = {k: v for k, v in settings.items() if v is not None}
    return [chosen] if chosen else []


def say(options: ProbeOptions, text: str) -> None:
    """A line for the person at the terminal (commands run with progress on)."""
    if options.progress:
        print(text, file=sys.stderr, flush=True)
