"""The hf backend on a tiny randomly initialised GPT-2 built by the test (no download)."""

from __future__ import annotations

import math

import pytest
import tokenizers  # noqa: F401, E402  (the `hf` extra; .ci/run installs it)
import torch  # noqa: E402
import transformers  # noqa: F401, E402

from detector.models import ResponseCache, Runner, load_model  # noqa: E402
from detector.types import GenParams  # noqa: E402

TEXTS = [
    "the cat sat on the mat", "a dog ran in the park", "numbers 1 2 3 4 5 and 42",
    "What is 3 + 4? The answer is 7.", "the quick brown fox jumps over the lazy dog",
]
PAIRS = [
    ("the cat sat", " on the mat"),
    ("What is 3 + 4?", " The answer is 7."),
    ("a", " dog ran in the park and the cat sat"),
    ("", "numbers 1 2 3"),
]


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    torch.set_num_threads(1)
    path = tmp_path_factory.mktemp("tiny-gpt2")
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(TEXTS * 3, vocab_size=300, min_frequency=1, special_tokens=["<|endoftext|>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<|endoftext|>",
                                        eos_token="<|endoftext|>")
    tokenizer.save_pretrained(path)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=128, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    GPT2LMHeadModel(config).save_pretrained(path)
    return path


def direct_logprob(path, context: str, continuation: str) -> tuple[float, list[float], list[float]]:
    """log p(continuation | context), and per-token p-weighted mean/variance, by one plain forward pass."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path).eval()
    ctx = tok(context, add_special_tokens=False)["input_ids"] or [tok.bos_token_id]
    cont = tok(continuation, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([ctx + cont])
    with torch.no_grad():
        logp = torch.log_softmax(model(ids).logits[0].double(), -1)
    total, means, variances = 0.0, [], []
    for j, token in enumerate(cont):
        row = logp[len(ctx) - 1 + j]
        total += float(row[token])
        mean = float((row.exp() * row).sum())
        means.append(mean)
        variances.append(float((row.exp() * (row - mean) ** 2).sum()))
    return total, means, variances


def test_logprobs_sum_to_the_direct_forward_pass(tiny_model_dir):
    model = load_model(f"hf/{tiny_model_dir}", batch_size=4)
    results = Runner(model).logprobs(PAIRS)
    for (context, continuation), lp in zip(PAIRS, results, strict=True):
        total, means, variances = direct_logprob(tiny_model_dir, context, continuation)
        assert lp.error is None and len(lp.tokens) == len(lp.logprobs) > 0
        assert "".join(lp.tokens).replace("Ġ", " ") == continuation
        assert math.fsum(lp.logprobs) == pytest.approx(total, abs=1e-4)
        assert lp.mean_logprobs == pytest.approx(means, abs=1e-4)
        assert lp.var_logprobs == pytest.approx(variances, abs=1e-4)
        assert all(v >= 0 for v in lp.var_logprobs) and all(x <= 0 for x in lp.logprobs)


def test_batched_equals_unbatched(tiny_model_dir):
    batched = load_model(f"hf/{tiny_model_dir}", batch_size=4)
    single = load_model(f"hf/{tiny_model_dir}", batch_size=1)
    for a, b in zip(Runner(batched).logprobs(PAIRS), Runner(single).logprobs(PAIRS), strict=True):
        assert a.tokens == b.tokens
        assert a.logprobs == pytest.approx(b.logprobs, abs=1e-5)
    prompts = ["the cat", "What is 3 + 4? The answer", "numbers 1 2", "a dog ran in the park and"]
    params = GenParams(max_tokens=6)
    got_batched = Runner(batched).generate(prompts, params)
    got_single = Runner(single).generate(prompts, params)
    assert [g.text for g in got_batched] == [g.text for g in got_single]
    assert all(g.text is not None and g.finish_reason in ("stop", "length") for g in got_batched)


def test_generation_is_cached_and_stop_strings_cut(tiny_model_dir, tmp_path):
    model = load_model(f"hf/{tiny_model_dir}", batch_size=2)
    cache = ResponseCache(tmp_path / "c.sqlite")
    first = Runner(model, cache).generate(["the cat", "a dog"], GenParams(max_tokens=8))
    runner = Runner(model, cache)
    again = runner.generate(["the cat", "a dog"], GenParams(max_tokens=8))
    assert [g.text for g in first] == [g.text for g in again] and all(g.cached for g in again)
    text = first[0].text or ""
    assert len(text) > 2
    stop = text[1:3]
    [cut] = Runner(model).generate(["the cat"], GenParams(max_tokens=8, stop=(stop,)))
    assert cut.text == text[: text.find(stop)] and cut.finish_reason == "stop"


def test_chat_template_is_applied_when_the_tokenizer_has_one(tiny_model_dir, tmp_path):
    import shutil

    from transformers import AutoTokenizer

    chat_dir = tmp_path / "chat"
    shutil.copytree(tiny_model_dir, chat_dir)
    tokenizer = AutoTokenizer.from_pretrained(chat_dir)
    tokenizer.chat_template = "{% for m in messages %}Q: {{ m['content'] }}\n{% endfor %}A:"
    tokenizer.save_pretrained(chat_dir)
    params = GenParams(max_tokens=6)
    [templated] = Runner(load_model(f"hf/{chat_dir}")).generate(["the cat"], params)
    [by_hand] = Runner(load_model(f"hf/{tiny_model_dir}")).generate(["Q: the cat\nA:"], params)
    [plain] = Runner(load_model(f"hf/{chat_dir}", chat=False)).generate(["the cat"], params)
    [plain_ref] = Runner(load_model(f"hf/{tiny_model_dir}")).generate(["the cat"], params)
    assert templated.text == by_hand.text and plain.text == plain_ref.text


def test_missing_model_is_a_clear_error_once_per_model(tmp_path):
    from detector.models.hf import HFModel

    model = HFModel(str(tmp_path / "nope"))
    first, second = (Runner(model).generate([prompt], GenParams())[0] for prompt in ("x", "y"))
    assert first.text is None and "cannot load" in (first.error or "")
    assert second.error == first.error and model._load_error is not None


def test_missing_local_model_directory_fails_before_any_work(tmp_path):
    from detector.models import load_model

    with pytest.raises(ValueError, match="no such model directory"):
        load_model(f"hf/{tmp_path}/absent")


def test_generation_stops_at_the_context_length(tiny_model_dir):
    """n_positions is 128: asking for 512 new tokens must not run past the position embeddings."""
    model = load_model(f"hf/{tiny_model_dir}")
    [gen] = Runner(model).generate(["Question: how many eggs?"], GenParams(max_tokens=512))
    assert gen.error is None and gen.text is not None
    [too_long] = Runner(model).generate(["eggs " * 400], GenParams(max_tokens=8))
    assert too_long.text is None and "fills the model's 128" in (too_long.error or "")


def test_logprobs_of_a_pair_longer_than_the_positions_drop_context_from_the_left(tiny_model_dir):
    """n_positions is 128: a long context loses its start and the continuation is scored whole
    (the order tests join neighbouring items); a continuation that alone overflows is an error row."""
    model = load_model(f"hf/{tiny_model_dir}")
    continuation = " the hens lay eggs"
    [long, overflow] = Runner(model).logprobs([("eggs " * 300, continuation), ("eggs", " hens" * 300)])
    assert long.error is None and "".join(long.tokens).replace("Ġ", " ") == continuation
    assert all(math.isfinite(x) and x <= 0 for x in long.logprobs)
    assert overflow.tokens == () and "128 positions" in (overflow.error or "")
