"""Backend for a local Hugging Face transformers causal LM (the `hf` extra).

Batched generation with left padding, and exact per-token log-probabilities of a continuation
given a context, with the mean and variance of log p under the model's next-token distribution
at each position (what Min-K%++ needs). torch and transformers are imported on first use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from detector.models.api import ModelCallError, PreflightError
from detector.types import Generation, GenParams, TokenLogprobs, stable_seed


class HFModel:
    """`hf/PATH_OR_ID`: a causal LM loaded with `AutoModelForCausalLM` on `device`.

    With `chat` (default) prompts go through the tokenizer's chat template when it has one;
    log-probabilities are always of the raw text.
    """

    cacheable = True

    def __init__(
        self,
        path: str,
        *,
        device: str = "cpu",
        dtype: str | None = None,
        batch_size: int = 8,
        chat: bool = True,
        revision: str | None = None,
        system_prompt: str | None = None,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.name = f"hf/{path}"
        self.path = path
        self.device = device
        self.dtype = dtype
        self.batch_size = batch_size
        self.chat = chat
        self.revision = revision or None
        self.system_prompt = system_prompt or None
        self._tokenizer: Any = None
        self._model: Any = None
        self._load_error: ModelCallError | None = None
        self._lock = threading.Lock()

    @property
    def cache_identity(self) -> tuple[str, str, str]:
        local = Path(self.path)
        where = str(local.resolve()) if local.exists() else self.path
        how = f"local#{self.dtype or 'default'}#{'chat' if self.chat else 'plain'}"
        if self.revision is not None:
            how += f"#revision={self.revision}"
        if self.system_prompt is not None:
            how += "#system=" + hashlib.sha256(self.system_prompt.encode("utf-8")).hexdigest()[:16]
        return ("hf", where, how)

    def check_ready(self) -> None:
        """Preflight without loading weights: the extra is installed and a local path exists.

        Raises: PreflightError with the `pip install` line or the missing path.
        """
        missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
        if missing:
            raise PreflightError(
                f"the hf backend needs {' and '.join(missing)}: pip install 'detect-overfit[hf]'"
            )
        if looks_like_local_path(self.path) and not Path(self.path).expanduser().is_dir():
            raise PreflightError(f"hf/{self.path}: no such model directory")
        if self.dtype is not None:
            import torch

            if not isinstance(getattr(torch, self.dtype, None), torch.dtype):
                raise PreflightError(f"dtype={self.dtype}: not a torch dtype (bfloat16, float16, float32)")

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                try:
                    import torch
                    from transformers import AutoModelForCausalLM, AutoTokenizer
                except ImportError as err:
                    raise ModelCallError(
                        "the hf backend needs torch and transformers: pip install 'detect-overfit[hf]'",
                        retryable=False,
                    ) from err
                if self._load_error is not None:  # fail every later batch at once, not after new retries
                    raise self._load_error
                if looks_like_local_path(self.path) and not Path(self.path).expanduser().exists():
                    message = f"cannot load {self.path}: no such directory"
                    self._load_error = ModelCallError(message, retryable=False)
                    raise self._load_error
                try:
                    tokenizer, model = self._from_pretrained(AutoTokenizer, AutoModelForCausalLM, torch)
                except (OSError, ValueError) as err:
                    self._load_error = ModelCallError(f"cannot load {self.path}: {err}", retryable=False)
                    raise self._load_error from err
                model.eval()
                if tokenizer.pad_token_id is None:
                    tokenizer.pad_token = tokenizer.eos_token
                self._tokenizer, self._model = tokenizer, model
            return self._tokenizer, self._model

    def _from_pretrained(self, tokenizer_class: Any, model_class: Any, torch: Any) -> tuple[Any, Any]:
        """Load from a local folder or the hub cache first; go to the hub only when that fails."""
        kwargs: dict[str, Any] = {"dtype": getattr(torch, self.dtype)} if self.dtype else {}
        if self.revision is not None:
            kwargs["revision"] = self.revision
        local = Path(self.path).expanduser()
        source = str(local) if local.exists() else self.path
        try:
            tokenizer = tokenizer_class.from_pretrained(source, local_files_only=True, revision=self.revision)
            model = model_class.from_pretrained(source, local_files_only=True, **kwargs)
        except OSError:
            if local.exists():
                raise
            tokenizer = tokenizer_class.from_pretrained(source, revision=self.revision)
            model = model_class.from_pretrained(source, **kwargs)
        return tokenizer, model.to(self.device)

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        return self.call_batch([prompt], params, timeout_s)[0]

    def call_batch(self, prompts: Sequence[str], params: GenParams, timeout_s: float) -> list[Generation]:
        """Generate for `prompts` in one left-padded batch."""
        import time

        import torch

        tokenizer, model = self._load()
        start = time.perf_counter()
        tokenizer.padding_side = "left"
        templated = self.chat and bool(getattr(tokenizer, "chat_template", None))
        system = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        if templated:  # an instruction-tuned model: ask as a user turn, as the chat endpoint does
            texts = [
                tokenizer.apply_chat_template(
                    [*system, {"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
                )
                for p in prompts
            ]
        elif self.system_prompt:
            texts = [f"{self.system_prompt}\n\n{p}" for p in prompts]
        else:
            texts = list(prompts)
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=not templated)
        enc = enc.to(self.device)
        room = context_length(model) - int(enc["input_ids"].shape[1])
        if room < 1:
            error = f"prompt of {enc['input_ids'].shape[1]} tokens fills the model's {context_length(model)}"
            return [Generation(text=None, error=error) for _ in prompts]
        max_new = min(params.max_tokens, room)  # past the context, position embeddings run out
        kwargs: dict[str, Any] = {"max_new_tokens": max_new, "pad_token_id": tokenizer.pad_token_id}
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
            torch.manual_seed(stable_seed(params.seed, params.sample_index, *prompts) % 2**63)
        else:
            kwargs["do_sample"] = False
        with torch.no_grad():
            out = model.generate(**enc, **kwargs)
        new_tokens = out[:, enc["input_ids"].shape[1] :]
        latency = round((time.perf_counter() - start) / len(prompts), 6)
        results = []
        for row in new_tokens.tolist():
            ended = tokenizer.eos_token_id in row
            if ended:
                row = row[: row.index(tokenizer.eos_token_id)]
            text = tokenizer.decode(row, skip_special_tokens=True)
            text, stopped = _apply_stop(text, params.stop)
            finish = "stop" if ended or stopped else "length"
            results.append(Generation(text=text, finish_reason=finish, latency_s=latency))
        return results

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[Generation]:
        out: list[Generation] = []
        for i in range(0, len(prompts), self.batch_size):
            out.extend(self.call_batch(prompts[i : i + self.batch_size], params, 0.0))
        return out

    def supports_logprobs(self) -> bool:
        return True

    def call_logprobs(self, pairs: Sequence[tuple[str, str]], timeout_s: float) -> list[TokenLogprobs]:
        """log p(token | context, earlier continuation tokens) for each continuation token.

        Context and continuation are tokenized separately and joined, so the continuation's
        tokens are exactly those scored. The context gets the tokenizer's special tokens (a BOS
        where the model was trained with one, as generation does); an empty context becomes the
        BOS (or EOS) token. A pair longer than the model's positions keeps its continuation whole
        and loses context from the left; a continuation that alone does not fit is an error row.
        """
        import torch

        tokenizer, model = self._load()
        config = model.config
        limit = getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None)
        rows: list[tuple[list[int], list[int]]] = []
        too_long: set[int] = set()
        for index, (context, continuation) in enumerate(pairs):
            ctx = tokenizer(context)["input_ids"] if context else []
            cont = tokenizer(continuation, add_special_tokens=False)["input_ids"]
            if not ctx:
                bos = tokenizer.bos_token_id
                ctx = [bos if bos is not None else tokenizer.eos_token_id]
            if limit and len(ctx) + len(cont) - 1 > limit:
                if len(cont) >= limit:
                    too_long.add(index)
                    ctx, cont = ctx[-1:], []
                else:
                    ctx = ctx[len(ctx) + len(cont) - 1 - limit :]
            rows.append((ctx, cont))
        width = max(len(ctx) + len(cont) - 1 for ctx, cont in rows)
        width = max(width, 1)
        pad = tokenizer.pad_token_id
        ids = torch.full((len(rows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, (ctx, cont) in enumerate(rows):
            seq = (ctx + cont)[:-1] if cont else ctx
            ids[i, : len(seq)] = torch.tensor(seq)
            mask[i, : len(seq)] = 1
        with torch.no_grad():
            logits = model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
            logp = torch.log_softmax(logits.float(), dim=-1)
            probs = logp.exp()
            mean = (probs * logp).sum(-1)
            var = (probs * (logp - mean.unsqueeze(-1)) ** 2).sum(-1)
        results = []
        for i, (ctx, cont) in enumerate(rows):
            if i in too_long:
                error = f"continuation longer than the model's {limit} positions"
                results.append(TokenLogprobs(tokens=(), logprobs=(), error=error))
                continue
            if not cont:
                results.append(TokenLogprobs(tokens=(), logprobs=(), error="empty continuation"))
                continue
            positions = range(len(ctx) - 1, len(ctx) + len(cont) - 1)
            values = [float(logp[i, p, t]) for p, t in zip(positions, cont, strict=True)]
            results.append(
                TokenLogprobs(
                    tokens=tuple(tokenizer.convert_ids_to_tokens(cont)),
                    logprobs=tuple(values),
                    mean_logprobs=tuple(float(mean[i, p]) for p in positions),
                    var_logprobs=tuple(float(var[i, p]) for p in positions),
                )
            )
        return results

    def close(self) -> None:
        return None


def _apply_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Cut `text` at the first stop string; say whether one was found."""
    cuts = [text.find(s) for s in stop if s and s in text]
    if not cuts:
        return text, False
    return text[: min(cuts)], True


def looks_like_local_path(path: str) -> bool:
    """True for paths no hub id can be: absolute, relative with ./ or ../, ~, or with 2+ slashes."""
    return path.startswith(("/", "./", "../", "~")) or path.count("/") >= 2


def context_length(model: Any) -> int:
    """The most positions `model` can attend to (a large number when its config does not say)."""
    config = model.config
    for name in ("max_position_embeddings", "n_positions", "n_ctx", "seq_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 1 << 30
