"""Model shape and the training loop of one twin (plain GPT-2-style causal LM, CPU)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# on_step(step, steps, tokens_per_s): called after every optimiser step.
StepCallback = Callable[[int, int, float], None]


@dataclass(frozen=True, slots=True)
class ModelShape:
    """A GPT-2 configuration small enough to train on a laptop CPU in minutes."""

    n_layer: int = 4
    n_embd: int = 256
    n_head: int = 4
    # Training blocks are 512 tokens; 1,024 positions let `detect probe` ask for 512 new tokens
    # after a long prompt without running off the position table.
    n_positions: int = 1024
    vocab_size: int = 2048


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """Optimisation settings shared by both twins."""

    # Small batches: at equal tokens, 2 x 512 tokens a step at 3e-3 recalled 3 of 20 items'
    # answers after 40 exposures where 8 x 512 at 2e-3 recalled none. 1,800 steps (1.84M tokens)
    # hold 200 GSM8K items x 40 exposures (1.53M) and some background: the default build took
    # 478 s for both twins here (~7.8k tokens/s) and its contaminated twin recalled 25 of 40
    # answers it saw.
    steps: int = 1800
    batch_size: int = 2
    block_size: int = 512
    learning_rate: float = 3e-3
    warmup_steps: int = 30
    weight_decay: float = 0.0
    bf16: bool = True
    # Positions restart at every document (see `document_positions`); False only to measure why.
    restart_positions: bool = True

    @property
    def tokens_per_step(self) -> int:
        return self.batch_size * self.block_size

    @property
    def total_tokens(self) -> int:
        return self.steps * self.tokens_per_step


def make_model(shape: ModelShape, *, eos_id: int, seed: int) -> Any:
    """A freshly initialised `GPT2LMHeadModel`; the same weights for the same seed."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=shape.vocab_size,
        n_positions=shape.n_positions,
        n_embd=shape.n_embd,
        n_layer=shape.n_layer,
        n_head=shape.n_head,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=eos_id,
        eos_token_id=eos_id,
        pad_token_id=eos_id,
    )
    torch.manual_seed(seed)
    return GPT2LMHeadModel(config)


def _learning_rate(step: int, settings: TrainSettings) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < settings.warmup_steps:
        return settings.learning_rate * (step + 1) / settings.warmup_steps
    span = max(1, settings.steps - settings.warmup_steps)
    progress = (step - settings.warmup_steps) / span
    return settings.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def document_positions(stream: np.ndarray, eos_id: int, n_positions: int) -> np.ndarray:
    """Each token's position counted from its document's start (the `eos_id` before it is 0).

    A document then sits at the positions it has when a backend scores or continues it (after
    the BOS the lab tokenizer prepends), wherever it falls in a packed training block. With one
    position count running through the block instead, each exposure lands at other positions
    and a small model with learned positions memorises far less (50 GSM8K items seen 40 times:
    27 of 40 answers recalled against 7 of 40, same steps; benchmarks/bench_lab_positions.py).
    Positions past the model's table
    (documents over `n_positions` tokens) stay at the last one.
    """
    index = np.arange(len(stream))
    starts = np.where(stream == eos_id, index, 0)
    np.maximum.accumulate(starts, out=starts)
    return np.minimum(index - starts, n_positions - 1)


def train_model(
    model: Any, stream: np.ndarray, settings: TrainSettings, on_step: StepCallback | None = None
) -> float:
    """Train `model` in place on consecutive blocks of `stream`; return the last step's loss.

    Documents are separated by the model's EOS token; positions restart at each (see
    `document_positions`).

    Raises:
        ValueError: when `stream` is shorter than `settings.total_tokens`.
    """
    import torch

    if len(stream) < settings.total_tokens:
        raise ValueError(f"token stream has {len(stream):,} tokens; training needs {settings.total_tokens:,}")
    shape = (settings.steps, settings.batch_size, settings.block_size)
    tokens = np.ascontiguousarray(stream[: settings.total_tokens])
    blocks = torch.from_numpy(tokens.reshape(shape))
    if settings.restart_positions:
        flat = document_positions(tokens, model.config.eos_token_id, model.config.n_positions)
    else:
        flat = np.tile(np.arange(settings.block_size), settings.steps * settings.batch_size)
    positions = torch.from_numpy(flat.reshape(shape))
    named = list(model.named_parameters())
    decays = [p.dim() >= 2 and "wpe" not in n and "wte" not in n for n, p in named]
    decay = [p for (_, p), d in zip(named, decays, strict=True) if d]
    other = [p for (_, p), d in zip(named, decays, strict=True) if not d]
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay}, {"params": other, "weight_decay": 0.0}],
        lr=settings.learning_rate,
        betas=(0.9, 0.95),
    )
    model.train()
    loss_value = float("nan")
    start = time.perf_counter()
    for step in range(settings.steps):
        for group in optimiser.param_groups:
            group["lr"] = _learning_rate(step, settings)
        batch = blocks[step]
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=settings.bf16):
            loss = model(
                input_ids=batch,
                position_ids=positions[step],
                attention_mask=torch.ones_like(batch),
                labels=batch,
            ).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
        loss_value = float(loss.detach())
        if on_step is not None:
            elapsed = time.perf_counter() - start
            on_step(step + 1, settings.steps, (step + 1) * settings.tokens_per_step / max(elapsed, 1e-9))
    model.eval()
    return loss_value
