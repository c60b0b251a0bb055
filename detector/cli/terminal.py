"""Fitting plain-text tables to the terminal: long last cells wrap under themselves."""

from __future__ import annotations

import shutil
import textwrap

FALLBACK_COLUMNS = 80


def terminal_width() -> int:
    """The terminal's width ($COLUMNS first), 80 when it cannot be told."""
    return shutil.get_terminal_size((FALLBACK_COLUMNS, 24)).columns


def fit_line(line: str, indent: int, width: int | None = None) -> str:
    """`line` wrapped to `width`, continuation lines indented `indent` spaces (under the last cell)."""
    width = width or terminal_width()
    if len(line) <= width or indent >= width - 10:
        return line
    return textwrap.fill(line, width=width, subsequent_indent=" " * indent, break_on_hyphens=False)
