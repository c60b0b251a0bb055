"""Variant sets made elsewhere, paired with their original benchmark items.

Layouts (told apart by their columns; JSON lines, JSON or Parquet):
- detect: a file from `detect perturb` or `detect export lm-eval` (variant_id, parent_id, family, ...).
- gsm-plus: `seed_question` (the GSM8K question), `question`, `answer`, `perturbation_type`, `solution`.
- paired: `original_question` + `question` + `answer` (GSM-Symbolic instances, whose answer ends in
  `#### N`; MMLU-CF-style pairs with `choices` or A/B/C/D columns).
- generic: `parent_id`, `question`, `answer`, optional `choices`, `labels`, `family`, `variant_id`,
  `solution`.
Golds come from the file. Rows whose parent is not among the loaded items, and rows whose gold does
not fit (an answer that is not one of the options), are reported with their line, never dropped
in silence.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detector.types import BenchmarkFormatError, BenchmarkItem, Variant

if TYPE_CHECKING:
    from detector.variants import VariantSet

LAYOUTS = ("detect", "gsm-plus", "paired", "generic")
LETTERS = tuple("ABCDEFGHIJ")
EXTERNAL_VERSION = "external-1"
N_SHOWN = 10  # unmatched rows named in messages


@dataclass(frozen=True, slots=True)
class ExternalVariants:
    """Variants paired with loaded items, and what could not be used (line, reason, key)."""

    variants: tuple[Variant, ...]
    layout: str
    n_rows: int
    unmatched: tuple[tuple[int, str], ...]  # (line, the parent key that matched no item)
    rejected: tuple[tuple[int, str], ...]  # (line, why)

    def summary(self) -> dict[str, Any]:
        """For config.json and the command's output."""
        return {
            "layout": self.layout, "n_rows": self.n_rows, "n_variants": len(self.variants),
            "n_unmatched": len(self.unmatched), "unmatched": [list(u) for u in self.unmatched[:N_SHOWN]],
            "rejected": dict(Counter(why for _, why in self.rejected)),
            "rejected_lines": [list(r) for r in self.rejected[:N_SHOWN]],
            "families": dict(Counter(v.family for v in self.variants)),
        }  # fmt: skip


def read_table_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON lines, JSON (a list of objects) or Parquet file.

    Raises: BenchmarkFormatError naming the file and line.
    """
    if not path.exists():
        raise BenchmarkFormatError(str(path), None, None, "no such file")
    if path.is_dir():  # a Hugging Face dataset folder (detect perturb --out-format hf): data/*.parquet
        shards = sorted(path.glob("data/*.parquet")) or sorted(path.glob("*.parquet"))
        if not shards:
            raise BenchmarkFormatError(str(path), None, None, "a folder without data/*.parquet shards")
        return [row for shard in shards for row in read_table_rows(shard)]
    if path.suffix in (".parquet", ".pq"):
        import polars as pl

        try:
            return pl.read_parquet(path).to_dicts()
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise BenchmarkFormatError(str(path), None, None, f"not a readable Parquet file ({exc})") from exc
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json" and text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BenchmarkFormatError(str(path), exc.lineno, None, f"invalid JSON: {exc.msg}") from exc
        rows = list(data)
    else:
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BenchmarkFormatError(str(path), number, None, f"invalid JSON: {exc.msg}") from exc
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise BenchmarkFormatError(str(path), number, None, "expected a JSON object")
    return rows


def detect_layout(columns: set[str], path: str) -> str:
    """The layout of a file with these columns. Raises: BenchmarkFormatError listing the layouts."""
    if {"variant_id", "parent_id", "family", "family_version"} <= columns:
        return "detect"
    if {"seed_question", "question", "answer"} <= columns:
        return "gsm-plus"
    if {"original_question", "question", "answer"} <= columns:
        return "paired"
    if {"parent_id", "question", "answer"} <= columns:
        return "generic"
    raise BenchmarkFormatError(
        path, 1, None,
        f"cannot tell the variant layout from the fields ({', '.join(sorted(columns)[:12])}); expected "
        "parent_id+question+answer (generic), seed_question+perturbation_type (GSM-Plus), "
        "original_question+question+answer (GSM-Symbolic, MMLU-CF pairs) or a detect variant file",
    )  # fmt: skip


def normalise_text(text: str) -> str:
    """Question text for matching: case-folded, whitespace collapsed."""
    return " ".join(str(text).casefold().split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "external"


def _choices(row: Mapping[str, Any]) -> tuple[str, ...]:
    if isinstance(row.get("choices"), list | tuple):
        return tuple(str(c) for c in row["choices"])
    letters = [k for k in LETTERS if k in row and row[k] is not None]
    return tuple(str(row[k]) for k in letters) if len(letters) >= 2 else ()


def _split_gold(answer: Any, solution: Any) -> tuple[str, str | None]:
    """(gold, worked solution): a GSM8K-style "... #### 42" answer is split at ####."""
    text = "" if answer is None else str(answer).strip()
    if "####" in text:
        body, _, gold = text.rpartition("####")
        return gold.strip().replace(",", ""), (str(solution) if solution else body.strip() or None)
    return text, (str(solution) if solution else None)


def _label_of(answer: str, choices: Sequence[str], labels: Sequence[str]) -> str | None:
    """The option label the gold names: a label, a 0-based index, or the option's text."""
    if answer in labels:
        return answer
    if answer.upper() in labels:
        return answer.upper()
    if answer.isdigit() and int(answer) < len(labels):
        return labels[int(answer)]
    return labels[list(choices).index(answer)] if answer in choices else None


class _Pairer:
    """Finds a row's parent among the items by id or by question text, and numbers variants."""

    def __init__(self, items: Sequence[BenchmarkItem]):
        self.by_id = {item.item_id: item for item in items}
        self.by_text: dict[str, BenchmarkItem] = {}
        for item in items:
            self.by_text.setdefault(normalise_text(item.question), item)
        self.count: Counter[tuple[str, str]] = Counter()

    def by_key(self, key: str) -> BenchmarkItem | None:
        found = self.by_id.get(key)
        if found is None:
            matches = [item for item_id, item in self.by_id.items() if item_id.endswith("/" + key)]
            found = matches[0] if len(matches) == 1 else None
        return found

    def next_id(self, parent: BenchmarkItem, family: str) -> str:
        k = self.count[(parent.item_id, family)]
        self.count[(parent.item_id, family)] += 1
        return f"{parent.item_id}~{family}~{k}"


def _make_variant(
    parent: BenchmarkItem, row: Mapping[str, Any], family: str, variant_id: str, layout: str
) -> Variant | str:
    """A Variant of `parent` from one row, or why the row cannot be one."""
    from detector.scoring.numbers import normalize_number, numbers_equal
    from detector.text import exact_jaccard, token_shingle_set
    from detector.variants import SHINGLE_WORDS, render_for_similarity

    question = str(row.get("question") or "").strip()
    if not question:
        return "empty_question"
    gold, solution = _split_gold(row.get("answer"), row.get("solution"))
    if not gold:
        return "no_gold"
    choices = _choices(row)
    if choices:
        labels = tuple(str(x) for x in row.get("labels") or ()) or LETTERS[: len(choices)]
        if len(labels) != len(choices):
            return "labels_do_not_match_choices"
        label = _label_of(gold, choices, labels)
        if label is None:
            return "gold_not_an_option"
        gold, kind = label, "multiple_choice"
        changed = gold != parent.answer
    else:
        labels = ()
        kind = "math" if normalize_number(gold) is not None else "cloze"
        changed = not numbers_equal(gold, parent.answer) if kind == "math" else gold != parent.answer
    params = {k: str(row[k]) for k in ("perturbation_type", "instance", "id", "original_id") if k in row}
    item = BenchmarkItem(
        benchmark=parent.benchmark,
        item_id=variant_id,
        question=question,
        answer=gold,
        choices=choices,
        labels=labels,
        solution=solution,
        metadata={"kind": kind, "source_layout": layout},
    )
    similarity = exact_jaccard(
        token_shingle_set(render_for_similarity(item), SHINGLE_WORDS),
        token_shingle_set(render_for_similarity(parent), SHINGLE_WORDS),
    )
    return Variant(
        item=item, parent_id=parent.item_id, family=family, family_version=EXTERNAL_VERSION, seed=0,
        params=params, parent_answer=parent.answer, gold_changed=changed,
        jaccard_to_parent=round(similarity, 6),
    )  # fmt: skip


def pair_rows(
    rows: Sequence[Mapping[str, Any]], items: Sequence[BenchmarkItem], path: str, family: str | None = None
) -> ExternalVariants:
    """Pair external rows with `items`; `family` overrides the family a layout gives.

    Raises: BenchmarkFormatError when the layout cannot be told or a detect row is broken.
    """
    if not rows:
        raise BenchmarkFormatError(path, None, None, "no rows")
    layout = detect_layout(set().union(*(set(r) for r in rows)), path)
    pairer = _Pairer(items)
    variants: list[Variant] = []
    unmatched: list[tuple[int, str]] = []
    rejected: list[tuple[int, str]] = []
    for line, row in enumerate(rows, start=1):
        if layout == "detect":
            from detector.variant_table import variant_from_row

            variant = variant_from_row(row, path, line)
            if variant.parent_id not in pairer.by_id:
                unmatched.append((line, variant.parent_id))
            else:
                variants.append(variant)
            continue
        if layout == "gsm-plus":
            parent = pairer.by_text.get(normalise_text(row.get("seed_question", "")))
            key = str(row.get("seed_question", ""))[:60]
            name = family or f"gsm-plus-{_slug(row.get('perturbation_type') or 'external')}"
        elif layout == "paired":
            parent = pairer.by_text.get(normalise_text(row.get("original_question", "")))
            key = str(row.get("original_question", ""))[:60]
            name = family or _slug(row.get("family") or ("mmlu-cf" if _choices(row) else "gsm-symbolic"))
        else:
            key = str(row.get("parent_id", ""))
            parent = pairer.by_key(key)
            name = family or _slug(row.get("family") or "external")
        if parent is None:
            unmatched.append((line, key))
            continue
        variant_id = str(row.get("variant_id") or "") or pairer.next_id(parent, name)
        made = _make_variant(parent, row, name, variant_id, layout)
        if isinstance(made, str):
            rejected.append((line, made))
        else:
            variants.append(made)
    return ExternalVariants(tuple(variants), layout, len(rows), tuple(unmatched), tuple(rejected))


def load_external_variants(
    path: Path, items: Sequence[BenchmarkItem], family: str | None = None
) -> ExternalVariants:
    """Read `path` and pair its rows with `items`.

    Raises: BenchmarkFormatError for an unreadable file; ValueError when no row found its parent.
    """
    result = pair_rows(read_table_rows(path), items, str(path), family)
    if not result.variants:
        shown = "; ".join(f"line {line}: {key!r}" for line, key in result.unmatched[:3])
        raise ValueError(
            f"{path}: none of {result.n_rows} rows paired with a loaded item "
            f"({len(result.unmatched)} without a parent{': ' + shown if shown else ''}; "
            f"{len(result.rejected)} rejected). Pass the benchmark the variants were made from (--benchmark)"
        )
    return result


def external_variant_set(
    path: Path, items: Sequence[BenchmarkItem], families: Sequence[str] = ()
) -> tuple[VariantSet, dict[str, Any]]:
    """The VariantSet of `path` paired with `items`, and what goes into config.json about it.

    Raises: ValueError when `families` are given too (the file's rows are the variants).
    """
    from detector.variants import VariantSet

    if families:
        raise ValueError(f"--variants {path} replaces the built-in families: drop --family")
    result = load_external_variants(path, items)
    return VariantSet(result.variants), {"variants_file": str(path), "external_variants": result.summary()}


def describe_pairing(run_dir: Path) -> str:
    """One line on how the rows of a --variants file paired, read from the run's config.json."""
    from detector.tables import read_config

    info = read_config(run_dir).get("external_variants") or {}
    line = (
        f"variants: {info.get('n_variants')} of {info.get('n_rows')} rows used "
        f"({info.get('layout')} layout); "
        f"{info.get('n_unmatched')} without a parent among the loaded items"
    )
    if info.get("unmatched"):
        line += " (first lines: " + ", ".join(str(u[0]) for u in info["unmatched"][:5]) + ")"
    if info.get("rejected"):
        line += "; rejected: " + ", ".join(f"{why} {n}" for why, n in info["rejected"].items())
    return line
