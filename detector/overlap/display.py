"""Corpus text made safe to print, and matches formatted for people: snippets with the
matched words marked, top matches as lines, matches as CSV or JSONL."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import polars as pl

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def sanitize_text(text: object, limit: int | None = None) -> str:
    """Text with control, bidi-override and zero-width characters replaced (ESC sequences cannot
    reach the terminal), whitespace runs collapsed, cut to `limit` characters."""
    cleaned = _CONTROL.sub("\ufffd", "" if text is None else str(text))
    cleaned = "".join(ch if unicodedata.category(ch) != "Cs" else "\ufffd" for ch in cleaned)
    cleaned = " ".join(cleaned.split())
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned


def safe_location(location: object) -> str:
    """A corpus path or URL without user:password or query values (signed URLs carry credentials
    there): what is written to matches and printed."""
    text = "" if location is None else str(location)
    if "://" not in text:
        return text
    parts = urlsplit(text)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = _redacted_query(parts.query) if parts.query else ""
    return sanitize_text(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def _redacted_query(query: str) -> str:
    return "&".join(f"{pair.split('=', 1)[0]}=REDACTED" if "=" in pair else pair for pair in query.split("&"))


_WORD = re.compile(r"[^\W_]+")


def marked_segments(snippet: str, item_text: str) -> list[tuple[str, bool]]:
    """The snippet cut into (text, matched) runs: matched runs are words that align, in order,
    with the item's words (rapidfuzz Indel opcodes over scan words); the rest are edits."""
    from rapidfuzz.distance import Indel

    from detector.text import split_words

    text = sanitize_text(snippet)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    words = split_words(text)
    if len(words) != len(spans):  # NFKC changed the word count: mark nothing rather than misalign
        return [(text, False)] if text else []
    matched = [False] * len(spans)
    for opcode in Indel.opcodes(split_words(item_text), words):
        tag, dest_start, dest_end = opcode.tag, opcode.dest_start, opcode.dest_end
        if tag == "equal":
            matched[dest_start:dest_end] = [True] * (dest_end - dest_start)
    segments: list[tuple[str, bool]] = []
    position = 0
    for index, (start, end) in enumerate(spans):
        joins_previous = index > 0 and matched[index] and matched[index - 1]
        cut = spans[index - 1][1] if joins_previous else start
        if cut > position:
            segments.append((text[position:cut], False))
            position = cut
        piece = text[position:end]
        if segments and segments[-1][1] == matched[index]:
            segments[-1] = (segments[-1][0] + piece, matched[index])
        else:
            segments.append((piece, matched[index]))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    merged: list[tuple[str, bool]] = []
    for piece, flag in segments:
        if merged and merged[-1][1] == flag:
            merged[-1] = (merged[-1][0] + piece, flag)
        elif piece:
            merged.append((piece, flag))
    return merged


def marked_text(segments: list[tuple[str, bool]], left: str = "[", right: str = "]") -> str:
    """Segments as plain text, matched runs between `left` and `right`."""
    return "".join(f"{left}{piece}{right}" if flag else piece for piece, flag in segments)


MATCH_FORMATS = ("parquet", "csv", "jsonl")


def top_matches(matches: pl.DataFrame, n: int) -> list[dict[str, Any]]:
    """The `n` best rows of a matches frame: verbatim first, then the highest verified similarity."""
    if n <= 0 or matches.height == 0:
        return []
    ranked = matches.with_columns((pl.col("match_class") != "verbatim").alias("_near"))
    ranked = ranked.sort(["_near", "verified_similarity", "benchmark", "item_id", "doc_id"],
                         descending=[False, True, False, False, False])
    return ranked.drop("_near").head(n).to_dicts()


def format_match_lines(rows: list[dict[str, Any]], item_texts: dict[tuple[str, str], str]) -> list[str]:
    """Two lines per match: item, document, class and similarity; the snippet with matched words in [ ]."""
    lines = []
    for rank, row in enumerate(rows, start=1):
        key = (str(row["benchmark"]), str(row["item_id"]))
        segments = marked_segments(str(row.get("snippet") or ""), item_texts.get(key, ""))
        lines.append(
            f"{rank}. {sanitize_text(row['item_id'])} in {sanitize_text(row['doc_id'])} "
            f"({safe_location(row['corpus_file'])}, offset {row['char_offset']}): {row['match_class']}, "
            f"similarity {row['verified_similarity']}"
        )
        lines.append(f"   {marked_text(segments)}")
    return lines


def write_matches(matches: pl.DataFrame, out_dir: str | Path, formats: list[str]) -> list[str]:
    """Also write the matches as OUT/matches.csv and/or OUT/matches.jsonl (atomically); returns the paths.

    Raises: ValueError on an unknown format.
    """
    from detector.atomic_files import write_atomic, write_text_atomic

    written = []
    for name in formats:
        if name not in MATCH_FORMATS:
            raise ValueError(f"--matches-format {name!r}: valid: {', '.join(MATCH_FORMATS)}")
        path = Path(out_dir) / f"matches.{name}"
        if name == "parquet":
            continue  # always written
        if name == "csv":
            write_atomic(path, matches.write_csv)
        elif name == "jsonl":
            text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in matches.to_dicts())
            write_text_atomic(path, text)
        written.append(str(path))
    return written
