"""Build twin language models with known contamination and save them as HF checkpoints + lab.json."""

from __future__ import annotations

import os
import platform
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from detector.atomic_files import make_staging_dir
from detector.lab.corpus import decontaminate, plan_twin_streams
from detector.lab.forms import check_form, choose_ordered, form_documents
from detector.lab.item_files import write_item_files
from detector.lab.manifest import TWINS, LabManifest, write_manifest
from detector.lab.tokenizer import train_tokenizer
from detector.lab.training import ModelShape, StepCallback, TrainSettings, make_model, train_model
from detector.membership.texts import render_document
from detector.types import BenchmarkItem, stable_seed

# progress(twin, step, steps, tokens_per_s)
LabProgress = Callable[[str, int, int, float], None]

SIZES: dict[str, tuple[ModelShape, TrainSettings]] = {
    # The size the issue measured (3.8M parameters, ~11k tokens/s in bf16 on 2 CPU threads),
    # with 1,024 positions instead of 512 (4.1M parameters).
    "small": (ModelShape(), TrainSettings()),
    # For tests and smoke runs: seconds, not minutes.
    "tiny": (
        ModelShape(n_layer=2, n_embd=64, n_head=2, vocab_size=512),
        TrainSettings(steps=240, batch_size=8, block_size=128, learning_rate=3e-3, warmup_steps=10),
    ),
}


@dataclass(frozen=True, slots=True)
class LabSpec:
    """What to build: which benchmark, how much contamination, which model and schedule."""

    contaminate: int
    exposures: int = 40
    seed: int = 0
    shape: ModelShape = ModelShape()
    settings: TrainSettings = TrainSettings()
    form: str = "items"  # what text the contaminated twin sees (detector.lab.forms)

    def __post_init__(self) -> None:
        """Raises: ValueError naming the option when a count is below 1 (the twin would see nothing)."""
        for option, value in (("--exposures", self.exposures), ("--contaminate", self.contaminate),
                              ("--steps", self.settings.steps)):
            if value < 1:
                raise ValueError(f"{option} {value}: must be at least 1")


def default_contaminate(n_items: int) -> int:
    """Half the benchmark, at most 200 items (the rest stay unseen, as the AUROC's negatives)."""
    return max(1, min(200, n_items // 2))


def choose_contaminated(items: Sequence[BenchmarkItem], n: int, seed: int) -> list[BenchmarkItem]:
    """A seeded sample of `n` items (stable order: by a hash of seed and item id).

    Raises:
        ValueError: unless 1 <= n < len(items) (at least one item must stay unseen).
    """
    if not 1 <= n < len(items):
        raise ValueError(
            f"--contaminate {n}: must be between 1 and {len(items) - 1} for a benchmark of "
            f"{len(items)} items (at least one item must stay unseen)"
        )
    ranked = sorted(items, key=lambda item: stable_seed(seed, "lab-contaminate", item.item_id))
    return ranked[:n]


def steps_for_minutes(minutes: float, shape: ModelShape, settings: TrainSettings) -> int:
    """Steps per twin that make a two-twin build take about `minutes` on this machine now.

    Times three optimiser steps of a throwaway model; the result depends on the machine's load,
    so lab.json records the steps to rebuild with.
    """
    import numpy as np

    probe = replace(settings, steps=4, warmup_steps=1)
    model = make_model(shape, eos_id=0, seed=0)
    stream = np.random.default_rng(0).integers(0, shape.vocab_size, probe.total_tokens)
    times: list[float] = []
    start = time.perf_counter()

    def on_step(step: int, steps: int, rate: float) -> None:
        times.append(time.perf_counter() - start)

    train_model(model, stream, probe, on_step)
    per_step = (times[-1] - times[0]) / 3
    budget_s = minutes * 60 * 0.9 / 2  # 10% for the tokenizer and saving; two twins
    return max(1, int(budget_s / per_step))


def _twin_progress(progress: LabProgress | None, twin: str) -> StepCallback | None:
    if progress is None:
        return None

    def on_step(step: int, steps: int, tokens_per_s: float) -> None:
        progress(twin, step, steps, tokens_per_s)

    return on_step


def build_lab(
    items: Sequence[BenchmarkItem],
    background: Sequence[BenchmarkItem],
    out: str | Path,
    spec: LabSpec,
    *,
    benchmark_name: str,
    benchmark_path: str,
    background_source: str,
    progress: LabProgress | None = None,
) -> LabManifest:
    """Train both twins and write `out/contaminated`, `out/clean` and `out/lab.json` atomically.

    Raises:
        FileExistsError: when `out` exists and is not empty.
        ValueError: bad sizes (see `choose_contaminated`, `plan_twin_streams`).
    """
    import numpy as np
    import tokenizers
    import torch
    import transformers

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out}: exists and is not empty; choose a new --out")
    started = time.perf_counter()
    cpu_started = time.process_time()
    check_form(spec.form, items)
    if spec.form == "ordered":
        contaminated = choose_ordered(items, spec.contaminate, spec.seed)
    else:
        contaminated = choose_contaminated(items, spec.contaminate, spec.seed)
    chosen = {item.item_id for item in contaminated}
    unseen = [item for item in items if item.item_id not in chosen]
    kept, dropped = decontaminate(background, items)
    background_texts = [render_document(doc) for doc in kept]

    tokenizer = train_tokenizer(background_texts, spec.shape.vocab_size)
    tokenizer.model_max_length = spec.shape.n_positions
    eos_id = int(tokenizer.eos_token_id)
    backend = tokenizer.backend_tokenizer
    background_ids = [enc.ids for enc in backend.encode_batch(background_texts, add_special_tokens=False)]
    documents, doc_exposures = form_documents(spec.form, contaminated, spec.exposures, spec.seed)
    item_ids = [enc.ids for enc in backend.encode_batch(documents, add_special_tokens=False)]
    streams = plan_twin_streams(
        background_ids, item_ids, exposures=doc_exposures, total_tokens=spec.settings.total_tokens,
        eos_id=eos_id, seed=spec.seed,
    )
    tokenizer_s = time.perf_counter() - started

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = make_staging_dir(out)
    try:
        twin_stats: dict[str, dict[str, float]] = {}
        for twin, stream in (("contaminated", streams.contaminated), ("clean", streams.clean)):
            twin_start = time.perf_counter()
            model = make_model(spec.shape, eos_id=eos_id, seed=spec.seed)  # same initial weights
            loss = train_model(model, stream, spec.settings, _twin_progress(progress, twin))
            train_s = time.perf_counter() - twin_start
            model.save_pretrained(staging / twin)
            tokenizer.save_pretrained(staging / twin)
            twin_stats[twin] = {
                "final_loss": round(loss, 4),
                "train_s": round(train_s, 1),
                "tokens_per_s": round(spec.settings.total_tokens / train_s),
            }
        n_params = sum(p.numel() for p in model.parameters())
        manifest = LabManifest(
            benchmark=benchmark_name,
            benchmark_path=benchmark_path,
            contaminated_ids=tuple(item.item_id for item in contaminated),
            unseen_ids=tuple(item.item_id for item in unseen),
            exposures=spec.exposures,
            seed=spec.seed,
            steps=spec.settings.steps,
            tokens_per_twin=spec.settings.total_tokens,
            details={
                "twins": {twin: f"{twin}/" for twin in TWINS},
                "form": spec.form,
                "text_format": (
                    "detect probe's prompt, a space, the worked solution, 'The answer is N.'"
                    if spec.form in ("items", "multiple_choice") else f"form {spec.form} (detector.lab.forms)"
                ),
                "background": {
                    "source": background_source,
                    "documents": len(kept),
                    "dropped_as_benchmark_duplicates": dropped,
                    "tokens": int(sum(len(ids) + 1 for ids in background_ids)),
                },
                "contamination_tokens": int(doc_exposures * sum(len(ids) + 1 for ids in item_ids)),
                "model": {
                    **asdict(spec.shape), "parameters": int(n_params), "architecture": "GPT2LMHeadModel"
                },
                "training": asdict(spec.settings),
                "threads": torch.get_num_threads(),
                "wall_time_s": {
                    "tokenizer_and_data": round(tokenizer_s, 1),
                    **{twin: stats["train_s"] for twin, stats in twin_stats.items()},
                    "total": round(time.perf_counter() - started, 1),
                    # CPU seconds of this process (all threads): the build's cost whatever the load.
                    "cpu": round(time.process_time() - cpu_started, 1),
                },
                "results": twin_stats,
                "versions": {
                    "torch": torch.__version__,
                    "transformers": transformers.__version__,
                    "tokenizers": tokenizers.__version__,
                    "numpy": np.__version__,
                    "python": platform.python_version(),
                },
            },
        )
        item_files = write_item_files(contaminated, unseen, staging)
        manifest = replace(manifest, details={**manifest.details, "item_files": item_files})
        write_manifest(manifest, staging / "lab.json")
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest
