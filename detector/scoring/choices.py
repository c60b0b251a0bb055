"""Extract the chosen option label from a free-text multiple-choice answer.

The label is read in the scheme the prompt used (`labels`, e.g. A-D, 1-4 or a relabelled
scheme). Robust to "The answer is (B).", "**B**", "Answer: b", "B) some text", "Option B", "\\boxed{B}",
"So C.", a bare label, and to an echo of exactly one option's text. A model that first
repeats the options ("A) red\nB) green\n...") is read from what it says besides that
listing; an answer naming two labels ("A or C", "both A and C") is ambiguous: None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_DECOR = r"[\s\*\(\[\{\"'`_]*"


def _label_alternation(labels: Sequence[str]) -> str:
    ordered = sorted(set(labels), key=len, reverse=True)
    return "|".join(re.escape(label) for label in ordered)


def _canonical(found: str, labels: Sequence[str]) -> str | None:
    for label in labels:
        if found == label:
            return label
    lowered = [label for label in labels if label.lower() == found.lower()]
    return lowered[0] if len(lowered) == 1 else None


def _normalise_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _match_option_text(text: str, labels: Sequence[str], choices: Sequence[str]) -> str | None:
    """The label of the one option whose text the answer contains (or equals), else None."""
    body = _normalise_text(text)
    if not body:
        return None
    normalised = [_normalise_text(choice) for choice in choices]
    exact = [label for label, choice in zip(labels, normalised, strict=True) if choice and choice == body]
    if len(exact) == 1:
        return exact[0]
    contained = [
        (label, choice)
        for label, choice in zip(labels, normalised, strict=True)
        if choice and re.search(r"(?<!\w)" + re.escape(choice) + r"(?!\w)", body)
    ]
    # Drop options that are contained only as part of a longer contained option ("2" in "2 cats").
    contained = [
        (label, choice)
        for label, choice in contained
        if not any(choice != other and choice in other for _, other in contained)
    ]
    return contained[0][0] if len(contained) == 1 else None


@lru_cache(maxsize=256)
def _patterns(labels: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The compiled label patterns for one label scheme (explicit, bare, opening, closing, marked)."""
    alt = _label_alternation(labels)
    flags = re.IGNORECASE
    bound_l, bound_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
    explicit = re.compile(
        r"(?:answer|option|choice|\bchoose|\bselect|\bpick|\bgo with)\s*(?:is|would be|:|=|-)?\s*"
        r"(?:option|choice)?" + _DECOR + bound_l
        + "(" + alt + ")" + bound_r,
        flags,
    )  # fmt: skip
    bare = re.compile(_DECOR + "(" + alt + r")" + r"[\s\*\)\]\}\"'`_\.:]*", flags)
    opening = re.compile(r"(?:^|\n)" + r"[\s\*\(\[]*" + "(" + alt + r")" + r"\s*[\*\]]*\s*[\)\.:\]]", flags)
    closing = re.compile(
        r"(?:\bis|:|\bso|\bthus|\btherefore|\bhence)[,\s]*" + _DECOR + bound_l + "(" + alt + ")"
        + r"[\s\*\)\]\}\"'`_\.!]*$",
        flags,
    )
    marked = re.compile(r"(?:\(|\*\*)(" + alt + r")(?:\)|\*\*)", flags)
    # A second label right after the chosen one: "A or C", "A/C", "A and C" (not "A and C is ...").
    another = re.compile(
        r"[\s\*\)\]]*(?:(?:\bor\b|/)|(?:,|&|\band\b)(?!" + _DECOR + r"(?:" + alt + r")\s+(?:is|was)\b))"
        + r"\s*(?:option|choice)?" + _DECOR + "(" + alt + ")" + bound_r,
        flags,
    )  # fmt: skip
    # "C is the correct answer", "C is correct" (not "C is incorrect").
    asserted = re.compile(
        bound_l + "(" + alt + r")" + r"[\s\*\)\]]*\bis\s+(?:the\s+)?(?:correct|right|best)\b", flags
    )
    boxed = re.compile(
        r"\\boxed\s*\{\s*(?:\\text(?:bf)?\s*\{)?\s*\(?(" + alt + r")\)?[\s\.]*\}", flags
    )  # \boxed{B}, \boxed{\text{B}}, \boxed{(B)}
    return explicit, bare, opening, closing, marked, another, asserted, boxed


@lru_cache(maxsize=256)
def _line_label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """A line that starts with a label and a separator: "A) text", "(B) text", "**C.** text"."""
    return re.compile(
        r"^[\s\*\(\[]*(" + _label_alternation(labels) + r")\s*[\*\]]*\s*[\)\.:\]]\s*\**\s*(.*)$",
        re.IGNORECASE,
    )


def _strip_option_listing(text: str, labels: Sequence[str], choices: Sequence[str]) -> str:
    """`text` without the lines that repeat the options, when it repeats two or more of them."""
    if not choices or len(choices) != len(labels):
        return text
    line_re = _line_label_pattern(tuple(labels))
    option_text = {label: _normalise_text(choice) for label, choice in zip(labels, choices, strict=True)}
    kept, echoed = [], set()
    for line in text.splitlines():
        match = line_re.match(line)
        label = _canonical(match.group(1), labels) if match else None
        if match and label is not None and option_text[label]:
            rest = _normalise_text(match.group(2))
            if rest == option_text[label] or rest.startswith(option_text[label] + " "):
                echoed.add(label)
                continue
        kept.append(line)
    return "\n".join(kept) if len(echoed) >= 2 else text


def extract_choice(text: str, labels: Sequence[str], choices: Sequence[str] = ()) -> str | None:
    """Return the label the answer chose (as written in `labels`), or None if none is clear."""
    if not labels or not text.strip():
        return None
    explicit, bare_re, opening, closing_re, marked_re, another, asserted, boxed = _patterns(tuple(labels))
    text = _strip_option_listing(text, labels, choices)
    in_box = [found for found in boxed.findall(text) if _canonical(found, labels) is not None]
    if in_box:
        return _canonical(in_box[-1], labels)
    for match in reversed(list(explicit.finditer(text))):
        found_label = match.group(1)
        after = text[match.end() :]
        # "the answer is a triangle": a lower-case letter followed by a word is an article.
        if found_label not in labels and re.match(r"\s+[A-Za-z]", after):
            continue
        label = _canonical(found_label, labels)
        if label is not None:
            second = another.match(after)
            if second and _canonical(second.group(1), labels) not in (None, label):
                return None  # "the answer is A or C"
            return label
    stripped = text.strip()
    said = [found for found in asserted.findall(stripped) if found in labels]  # exact case: "a" is an article
    if said:
        return said[-1]
    # A bare or decorated label: "B", "**B**", "(B)", "B.", "b)".
    bare = bare_re.fullmatch(stripped)
    if bare:
        return _canonical(bare.group(1), labels)
    # A label that opens the answer or a line: "B) text", "B. text", "(B) text", "**B:** text".
    found = opening.findall(stripped)
    listing = len({label.lower() for label in found}) >= 3  # "A) ...\nB) ...\nC) ...": a listing, no answer
    if found and not listing:
        label = _canonical(found[-1], labels)
        if label is not None:
            return label
    if choices:
        label = _match_option_text(stripped, labels, choices)
        if label is not None:
            return label
    # A label closing the answer after "is" or a colon: "... the correct one is B."
    closing = closing_re.search(stripped)
    if closing:
        label = _canonical(closing.group(1), labels)
        if label is not None:
            return label
    # Last resort: a parenthesised or bold label anywhere, the last one wins.
    marked = marked_re.findall(stripped)
    if marked:
        return _canonical(marked[-1], labels)
    return None
