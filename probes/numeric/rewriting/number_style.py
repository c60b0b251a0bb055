"""A new value written in the style of the text it replaces: as many decimal places, thousands commas."""

from __future__ import annotations

from fractions import Fraction

from probes.numeric.solution.arithmetic import decimal_places, format_number


def format_like(value: Fraction, like: str) -> str:
    text = None
    if "." in like:  # as many places as `like` shows, when the value needs no more
        decimals = len(like.split(".")[1])
        places = decimal_places(value)
        if places is not None and places <= decimals:
            text = format_number(value, decimals)
    if text is None:
        text = format_number(value)
    if "," in like:
        whole, _, frac = text.partition(".")
        text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return text
