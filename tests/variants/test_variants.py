"""make_variants: verification, ids, summaries, byte-identical files across processes, CLI."""

from __future__ import annotations

import gc
import hashlib
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_default_benchmarks
from detector.cli import app
from detector.types import BenchmarkFormatError, BenchmarkItem
from detector.variants import make_variants, read_variants, write_variants
from probes import FAMILIES

REQUIRED_COLUMNS = {
    "parent_id",
    "variant_id",
    "family",
    "question",
    "choices",
    "answer",
    "parent_answer",
    "gold_changed",
    "jaccard_to_parent",
    "seed",
    "family_version",
    "labels",
    "params",
    "scoring",
    "solution",
}


@pytest.fixture(scope="module")
def items() -> list[BenchmarkItem]:
    return [item for bench in load_default_benchmarks() for item in bench.items]


# The default fixtures hold no code items: code families are tested in tests/probes/test_probe_code.py.
TEXT_FAMILIES = [name for name, spec in FAMILIES.items() if not spec.for_code]


@pytest.fixture(scope="module")
def variant_set(items):
    return make_variants(items, TEXT_FAMILIES, 2, 7)


def test_every_family_makes_verified_variants_with_ids_and_summary(variant_set, items):
    by_family = {s.family: s for s in variant_set.summaries}
    assert set(by_family) == set(TEXT_FAMILIES)
    for summary in variant_set.summaries:
        assert summary.variants > 0, summary
        assert summary.variants == sum(v.family == summary.family for v in variant_set.variants)
        assert summary.items_with_variants + sum(summary.skipped.values()) == summary.items
    ids = [v.variant_id for v in variant_set.variants]
    assert len(ids) == len(set(ids))
    parents = {item.item_id: item for item in items}
    for variant in variant_set.variants:
        parent_id, family, k = variant.variant_id.split("~")
        assert parent_id == variant.parent_id in parents and family == variant.family and int(k) < 2
        assert variant.parent_answer == parents[parent_id].answer and variant.seed == 7
        assert variant.jaccard_to_parent is not None and 0.0 <= variant.jaccard_to_parent < 0.98


def test_kept_variants_of_one_item_are_distinct(variant_set):
    seen: dict[tuple[str, str], set[tuple]] = {}
    for v in variant_set.variants:
        key = (v.parent_id, v.family)
        rendering = (v.item.question, v.item.choices, v.item.labels, v.item.answer)
        assert rendering not in seen.setdefault(key, set())
        seen[key].add(rendering)


def test_numeric_variants_change_gold_and_keep_a_consistent_chain(variant_set):
    from probes.numeric.solution.chain import parse_steps

    numeric = [v for v in variant_set.variants if v.family == "numeric"]
    assert len(numeric) >= 40
    for v in numeric:
        assert v.gold_changed and v.item.answer != v.parent_answer
        assert parse_steps(v.item.solution or "")[-1].result == Fraction(v.item.answer)


def test_roundtrip_through_parquet_and_jsonl(variant_set, tmp_path):
    for name in ("v.parquet", "v.jsonl"):
        path = write_variants(variant_set, tmp_path / name)
        again = read_variants(path)
        assert again.variants == variant_set.variants
        assert again.sha256 == variant_set.sha256
    frame = pl.read_parquet(tmp_path / "v.parquet")
    assert REQUIRED_COLUMNS <= set(frame.columns)
    assert frame.height == len(variant_set.variants)
    assert frame.schema["choices"] == pl.List(pl.String) and frame.schema["gold_changed"] == pl.Boolean
    assert variant_set.to_frame().columns == frame.columns


def test_same_seed_same_bytes_in_fresh_processes(tmp_path):
    script = (
        "import sys; from detector.benchmarks import load_default_benchmarks;"
        "from detector.variants import make_variants, write_variants;"
        "items=[i for b in load_default_benchmarks() for i in b.items];"
        "families=['numeric','option-shuffle','entity','truncate'];"
        "write_variants(make_variants(items, families, 2, 11), sys.argv[1])"
    )
    digests = []
    for k in range(2):
        out = tmp_path / f"run{k}.parquet"
        subprocess.run(
            [sys.executable, "-c", script, str(out)],
            check=True,
            env={"PYTHONHASHSEED": str(k + 1), "PATH": "/usr/bin:/bin"},
        )
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_different_seed_gives_different_variants(items):
    a = make_variants(items[:20], ["numeric"], 2, 1)
    b = make_variants(items[:20], ["numeric"], 2, 2)
    assert a.sha256 != b.sha256


def test_make_variants_restores_the_collector_threshold(items):
    before = gc.get_threshold()
    make_variants(items[:5], ["numeric"], 2, 0)
    assert gc.get_threshold() == before
    with pytest.raises(ValueError):
        make_variants(items[:5], ["no-such-family"], 2, 0)
    assert gc.get_threshold() == before


def test_make_variants_rejects_bad_arguments(items):
    with pytest.raises(ValueError, match="valid:"):
        make_variants(items, ["nope"], 1, 0)
    with pytest.raises(ValueError, match="per_item"):
        make_variants(items, ["numeric"], 0, 0)


def test_read_variants_names_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"parent_id": "a", "variant_id": "a~x~0", "family": "x", "question": "q", "answer": "1"}\n'
        '{"parent_id": "a", "family": "x", "question": "q", "answer": "1"}\n'
    )
    with pytest.raises(BenchmarkFormatError, match=r"bad.jsonl:2: field 'variant_id'"):
        read_variants(bad)
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet")
    with pytest.raises(BenchmarkFormatError, match="broken.parquet"):
        read_variants(broken)


def test_cli_perturb_writes_file_summary_and_sha(tmp_path):
    out = tmp_path / "variants.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "perturb",
            "--benchmark",
            "gsm8k",
            "--family",
            "numeric",
            "--family",
            "truncate",
            "--per-item",
            "2",
            "--seed",
            "5",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "numeric" in result.output and "truncate" in result.output
    digest = read_variants(out).sha256
    assert f"variant set sha256: {digest}" in result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest  # JSONL is the canonical form


def test_cli_perturb_bad_family_exits_2_without_writing(tmp_path):
    out = tmp_path / "v.parquet"
    result = CliRunner().invoke(app, ["perturb", "--family", "nope", "--out", str(out)])
    assert result.exit_code == 2 and "unknown probe family 'nope'" in result.output
    assert not out.exists() and not list(Path(tmp_path).iterdir())


@pytest.mark.parametrize("tail, reason", [
    ("", None),  # the last annotation gives the gold
    ("\nIn all 12 - 2 = 10 left.", "solution_does_not_reach_gold"),  # a prose step after it does not
    ("\nIn all 12 + 3 = 15 left.", None),
])
def test_numeric_gold_check_reads_the_chain_to_its_end(tail, reason):
    import dataclasses

    from detector.types import Variant
    from detector.variants import check_gold

    parent = BenchmarkItem("t", "t/0", "Sam has 8 pens and buys 4. How many now?", "12",
                           solution="8 + 4 = <<8+4=12>>12", metadata={"kind": "math"})
    item = dataclasses.replace(parent, item_id="t/0~numeric~0", answer="15",
                               question="Sam has 11 pens and buys 4. How many?",
                               solution="11 + 4 = <<11+4=15>>15" + tail)
    variant = Variant(item=item, parent_id="t/0", family="numeric", family_version="1", seed=0, params={},
                      parent_answer="12", gold_changed=True)
    assert check_gold(variant, parent) == reason
    wrong = dataclasses.replace(variant, item=dataclasses.replace(item, solution="11 + 4 = <<11+4=16>>16"))
    assert check_gold(wrong, parent) == "solution_does_not_re_execute"  # 11 + 4 is not 16


def test_progress_in_a_log_is_a_plain_line_and_stdout_stays_clean(items, capsys):
    variant_set = make_variants(items, ["entity", "cloze"], per_item=1, seed=0, progress=True)
    captured = capsys.readouterr()
    total = 2 * len(items)
    assert f"perturbing {total}/{total} items, " in captured.err and captured.out == ""
    assert variant_set.variants  # the same variants as without progress (seeded per item)
    assert variant_set.sha256 == make_variants(items, ["entity", "cloze"], per_item=1, seed=0).sha256
