"""The English article before a number (`a 9`, `an 8`, `an 18`): found in the question, refitted to a
new number."""

from __future__ import annotations

import re

_ARTICLE_RE = re.compile(r"\b(a|an|A|An)(\s+\$?)$")


def article_before(question: str, start: int) -> re.Match[str] | None:
    """The article right before the number at `start` (`a 18`, `an $8`), else None."""
    before = question[:start]
    # the regex tries every position of the text: run it only where an article may end the text
    if not before.rstrip().rstrip("$").rstrip().endswith(("a", "A", "an", "An")):
        return None
    return _ARTICLE_RE.search(before)


def article_for(new_text: str, written: str) -> str:
    """The article that fits the new number's sound (`an 18`, `a 9`), capitalised like `written`."""
    digits = new_text.replace(",", "").split(".")[0]
    eleven_or_eighteen = digits in ("11", "18") or (len(digits) in (5, 8) and digits[:2] in ("11", "18"))
    if new_text[:1].isalpha():
        vowel = new_text[:1].lower() in "aeiou"
    else:
        vowel = digits.startswith("8") or eleven_or_eighteen
    article = ("an" if vowel else "a")
    return article.capitalize() if written[0].isupper() else article
