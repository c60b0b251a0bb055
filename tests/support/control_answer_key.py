"""An answer key of simple sums for control models served by the tests' local OpenAI server."""

from __future__ import annotations

from detector.models import AnswerKey, ControlCase

# A fake API key: the tests check that it never reaches logs, caches or error messages.
FAKE_KEY = "sk-FAKEKEY-0123456789abcdefDETECT"


def make_key(n: int) -> tuple[AnswerKey, list[str]]:
    """`n` prompts "what is i + i?" and the key that answers each with 2i."""
    key = AnswerKey()
    prompts = [f"Question {i}: what is {i} + {i}?" for i in range(n)]
    for i, prompt in enumerate(prompts):
        key.register(prompt, ControlCase(gold=str(2 * i), kind="math", parent_id=f"t/{i}"))
    return key, prompts
