"""The text a likelihood score is taken of: an item's gold response given the probe's own prompt.

The prompt is `detector.prompts.render_prompt` (what `detect probe` asks), the response is the
worked solution (without GSM8K's `<<expr=result>>` annotations, as in the prompts' worked
examples) and a final "The answer is X." line. `prompt + " " + response` is exactly the
document the contamination lab trains on, so the lab's twins answer the probe's prompts the
way they were taught, and every model is scored on the same rendering.
"""

from __future__ import annotations

import re

from detector.prompts import render_prompt
from detector.types import BenchmarkItem

_ANNOTATION = re.compile(r"<<[^>]*>>")


def gold_response(item: BenchmarkItem, *, with_solution: bool = True) -> str:
    """The worked solution (where there is one) and "The answer is X." with the gold answer."""
    answer = item.answer if item.is_multiple_choice or item.metadata.get("kind") == "math" else item.gold_text
    final = f"The answer is {answer}."
    if with_solution and item.solution:
        return f"{_ANNOTATION.sub('', item.solution).strip()}\n{final}"
    return final


def render_document(item: BenchmarkItem) -> str:
    """The whole item as one text: what the contamination lab trains on."""
    return f"{render_prompt(item)} {gold_response(item)}"


def scoring_pair(item: BenchmarkItem, *, with_solution: bool = True) -> tuple[str, str]:
    """(context, continuation) for a backend's `logprobs`.

    With a worked solution (and `with_solution`): the gold response given the prompt. Otherwise
    the whole item after the prompt's instruction paragraph (question, options and answer), so
    that originals and variants without solutions are still compared on the same kind of text.
    """
    prompt = render_prompt(item)
    if with_solution and item.solution:
        return prompt, f" {gold_response(item)}"
    document = f"{prompt} {gold_response(item, with_solution=False)}"
    cut = document.find("\n\n")
    cut = 0 if cut < 0 else cut + 2
    return document[:cut], document[cut:]
