"""A byte-level BPE tokenizer trained on the lab's background text only (never on benchmark items)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

END_OF_TEXT = "<|endoftext|>"


def train_tokenizer(texts: Sequence[str], vocab_size: int) -> Any:
    """Train a byte-level BPE on `texts`; return a transformers `PreTrainedTokenizerFast`.

    `<|endoftext|>` is the BOS, EOS and padding token, as in GPT-2, and is prepended when a
    text is encoded with special tokens. Training is deterministic for the same texts and
    vocabulary size.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[END_OF_TEXT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(texts), trainer=trainer)
    # Encoding with special tokens starts a text with <|endoftext|>, as every training document
    # starts after one: a prompt then looks to the model like the start of a document.
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{END_OF_TEXT} $A", special_tokens=[(END_OF_TEXT, tokenizer.token_to_id(END_OF_TEXT))]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=END_OF_TEXT,
        eos_token=END_OF_TEXT,
        pad_token=END_OF_TEXT,
        unk_token=END_OF_TEXT,
        model_max_length=1024,
    )
