"""Temporary: per-token log-probs straight from a lab checkpoint (until the `hf` backend lands)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from detector.types import TokenLogprobs

LogprobsFn = Callable[[Sequence[tuple[str, str]]], list[TokenLogprobs]]


def checkpoint_logprobs(path: str | Path, batch_size: int = 16) -> LogprobsFn:
    """A `logprobs(pairs)` function for the causal LM saved at `path` (continuation given context)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    model.eval()
    limit = int(model.config.n_positions)

    def logprobs(pairs: Sequence[tuple[str, str]]) -> list[TokenLogprobs]:
        results: list[TokenLogprobs] = []
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start : start + batch_size]
            encoded = []
            for context, continuation in chunk:
                ctx = [tokenizer.bos_token_id, *tokenizer(context)["input_ids"]]
                full = [tokenizer.bos_token_id, *tokenizer(context + continuation)["input_ids"]][:limit]
                encoded.append((len(ctx), full))
            width = max(len(full) for _, full in encoded)
            ids = torch.full((len(encoded), width), tokenizer.pad_token_id)
            mask = torch.zeros((len(encoded), width), dtype=torch.long)
            for row, (_, full) in enumerate(encoded):
                ids[row, : len(full)] = torch.tensor(full)
                mask[row, : len(full)] = 1
            with torch.no_grad():
                logits = model(input_ids=ids, attention_mask=mask).logits.float()
            log_probs = torch.log_softmax(logits, dim=-1)
            probs = log_probs.exp()
            means = (probs * log_probs).sum(-1)
            variances = (probs * log_probs.square()).sum(-1) - means.square()
            for row, (n_ctx, full) in enumerate(encoded):
                positions = range(n_ctx, len(full))
                results.append(
                    TokenLogprobs(
                        tokens=tuple(tokenizer.convert_ids_to_tokens(full[n_ctx:])),
                        logprobs=tuple(float(log_probs[row, t - 1, full[t]]) for t in positions),
                        mean_logprobs=tuple(float(means[row, t - 1]) for t in positions),
                        var_logprobs=tuple(float(variances[row, t - 1]) for t in positions),
                    )
                )
        return results

    return logprobs
