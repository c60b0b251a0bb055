"""External variant sets (GSM-Plus, GSM-Symbolic, MMLU-CF-style pairs, the generic layout) paired
with their originals, probed with `detect probe --variants`, and variant sets written as Hugging
Face dataset folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_benchmark, load_sources
from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE
from detector.external_variants import load_external_variants, pair_rows
from detector.interop.hf_dataset import write_hf_dataset
from detector.variants import VariantSet, make_variants, read_variants
from tests.support.extras import require

LIMIT = 12

# A finished run: a verdict, or `inconclusive` (exit 4) for the few items these tests ask.
FINISHED = (0, EXIT_INCONCLUSIVE)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def made(benchmark: str, family: str) -> tuple[list, VariantSet]:
    items = list(load_sources([benchmark], LIMIT)[0].items)  # the sample `--limit` draws
    return items, make_variants(items, [family], 1, 0)


def probe(tmp_path: Path, name: str, *args: str) -> dict:
    result = CliRunner().invoke(app, [
        "probe", "--model", "control/contaminated:0.5", "--limit", str(LIMIT), "--no-cache",
        "--out", str(tmp_path / name), *args,
    ])  # fmt: skip
    assert result.exit_code in FINISHED, result.output
    return json.loads((tmp_path / name / "report.json").read_text())


def same_statistics(external: dict, builtin: dict) -> None:
    keys = ("n_items", "n_variants", "acc_original", "acc_variant", "drop", "ci_low", "ci_high", "p_value")
    assert [external["overall"][k] for k in keys] == [builtin["overall"][k] for k in keys]
    assert external["verdict"] == builtin["verdict"]
    stale_external = external["signals"]["stale_answer_rate"]
    stale_builtin = builtin["signals"]["stale_answer_rate"]
    assert {k: v for k, v in stale_external.items() if k != "families"} == {
        k: v for k, v in stale_builtin.items() if k != "families"
    }
    assert list(stale_external["families"].values()) == list(stale_builtin["families"].values())
    assert builtin["overall"]["n_variants"] > 0


def test_gsm_plus_file_probes_like_the_builtin_family_and_reports_unmatched_rows(tmp_path):
    items, numeric = made("gsm8k", "numeric")
    by_id = {item.item_id: item for item in items}
    rows = [
        {"seed_question": by_id[v.parent_id].question, "question": v.item.question, "answer": v.item.answer,
         "solution": v.item.solution, "perturbation_type": "numerical substitution"}
        for v in numeric.variants
    ]  # fmt: skip
    rows.append({"seed_question": "A question from no loaded benchmark?", "question": "Q?", "answer": "3",
                 "perturbation_type": "numerical substitution"})  # fmt: skip
    path = write_jsonl(tmp_path / "gsm_plus.jsonl", rows)
    external = probe(tmp_path, "ext", "--benchmark", "gsm8k", "--variants", str(path))
    builtin = probe(tmp_path, "builtin", "--benchmark", "gsm8k", "--family", "numeric", "--per-item", "1")
    same_statistics(external, builtin)
    assert [f["name"] for f in external["families"]] == ["gsm-plus-numerical-substitution"]
    config = json.loads((tmp_path / "ext" / "config.json").read_text())
    assert config["external_variants"]["layout"] == "gsm-plus"
    assert config["external_variants"]["n_unmatched"] == 1
    assert config["external_variants"]["unmatched"][0][0] == len(rows)  # the line of the stray row


def test_generic_multiple_choice_file_probes_like_the_builtin_family(tmp_path):
    _, shuffled = made("mmlu", "option-shuffle")
    rows = [
        {"parent_id": v.parent_id, "question": v.item.question, "choices": list(v.item.choices),
         "answer": v.item.answer, "family": "shuffled-elsewhere"}
        for v in shuffled.variants
    ]  # fmt: skip
    path = tmp_path / "generic.parquet"
    import polars as pl

    pl.DataFrame(rows).write_parquet(path)
    external = probe(tmp_path, "ext", "--benchmark", "mmlu", "--variants", str(path))
    builtin = probe(
        tmp_path, "builtin", "--benchmark", "mmlu", "--family", "option-shuffle", "--per-item", "1"
    )
    same_statistics(external, builtin)
    assert [f["name"] for f in external["families"]] == ["shuffled-elsewhere"]


def test_gsm_symbolic_instances_split_the_gold_from_the_solution():
    items = list(load_benchmark("gsm8k").items[:3])
    rows = [{"id": 0, "instance": 4, "original_id": 0, "original_question": items[0].question,
             "question": "Ana buys 5 pens at $3 each. How much does she spend?",
             "answer": "She spends 5 * 3 = <<5*3=15>>15 dollars.\n#### 15"}]  # fmt: skip
    result = pair_rows(rows, items, "symbolic.jsonl")
    (variant,) = result.variants
    assert result.layout == "paired" and variant.family == "gsm-symbolic"
    assert variant.parent_id == items[0].item_id and variant.item.answer == "15"
    assert variant.item.solution == "She spends 5 * 3 = <<5*3=15>>15 dollars."
    assert variant.gold_changed == (items[0].answer != "15")


def test_mmlu_cf_pairs_with_letter_columns_and_a_gold_that_is_no_option_is_rejected():
    items = list(load_benchmark("mmlu").items[:2])
    parent = items[0]
    row = {
        "original_question": parent.question,
        "question": "Reworded: " + parent.question,
        "A": parent.choices[1],
        "B": parent.choices[0],
        "C": parent.choices[2],
        "D": parent.choices[3],
    }
    good = {**row, "answer": "C"}
    bad = {**row, "answer": "E"}
    result = pair_rows([good, bad], items, "cf.jsonl")
    (variant,) = result.variants
    assert variant.family == "mmlu-cf" and variant.item.labels == ("A", "B", "C", "D")
    assert variant.item.answer == "C" and variant.parent_answer == parent.answer
    assert result.rejected == ((2, "gold_not_an_option"),)


def test_a_file_whose_rows_match_no_loaded_item_fails_with_one_line(tmp_path):
    path = write_jsonl(tmp_path / "v.jsonl", [{"parent_id": "nowhere/1", "question": "Q", "answer": "1"}])
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "control/clean",
            "--benchmark",
            "gsm8k",
            "--variants",
            str(path),
            "--no-cache",
            "--out",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 2
    assert "none of 1 rows paired" in result.output and "line 1: 'nowhere/1'" in result.output
    assert not (tmp_path / "r").exists()


def test_variants_with_family_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "v.jsonl", [{"parent_id": "gsm8k_test/0", "question": "Q", "answer": "1"}])
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "control/clean",
            "--benchmark",
            "gsm8k",
            "--no-cache",
            "--family",
            "numeric",
            "--variants",
            str(path),
            "--out",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 2 and "drop --family" in result.output


def test_an_unknown_layout_names_the_file_and_the_layouts(tmp_path):
    path = write_jsonl(tmp_path / "v.jsonl", [{"prompt": "Q", "target": "1"}])
    with pytest.raises(ValueError, match=r"v.jsonl:1: cannot tell the variant layout .*seed_question"):
        load_external_variants(path, load_benchmark("gsm8k").items)


def test_import_variants_writes_a_detect_variant_file(tmp_path):
    items, numeric = made("gsm8k", "numeric")
    rows = [{"parent_id": v.parent_id, "question": v.item.question, "answer": v.item.answer,
             "family": "mine"} for v in numeric.variants]  # fmt: skip
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["import", "variants", str(path), "--benchmark", "gsm8k", "--out", str(out)]
    )
    assert result.exit_code in FINISHED, result.output
    written = read_variants(out)
    assert len(written.variants) == len(rows)
    assert f"variant set sha256: {written.sha256}" in result.output
    assert [v.item.question for v in written.variants] == [r["question"] for r in rows]


def test_hf_folder_loads_back_with_datasets_and_as_variants(tmp_path):
    datasets = require("datasets", "lmeval")
    bench = load_benchmark("gsm8k")
    items = list(bench.items[:LIMIT])
    variant_set = make_variants(items, ["numeric", "entity"], 2, 3)
    out = tmp_path / "hf"
    written = write_hf_dataset(variant_set, out, loaded=[bench], settings={"seed": 3, "per_item": 2},
                               license_id="mit", shard_rows=10)  # fmt: skip
    assert len(written.shards) == -(-len(variant_set.variants) // 10) > 1
    card = (out / "README.md").read_text()
    assert variant_set.sha256 in card and 'license: "mit"' in card and "| numeric |" in card
    loaded = datasets.load_dataset("parquet", data_files=str(out / "data" / "*.parquet"),
                                   split="train", cache_dir=str(tmp_path / "cache"))  # fmt: skip
    assert loaded.to_list() == variant_set.rows()
    folder = datasets.load_dataset(str(out), split="test", cache_dir=str(tmp_path / "cache2"))
    assert folder.num_rows == len(variant_set.variants)
    again = load_external_variants(out, items)
    assert VariantSet(again.variants).sha256 == variant_set.sha256


def test_perturb_out_format_hf_from_the_command_line(tmp_path):
    result = CliRunner().invoke(app, ["perturb", "--benchmark", "mmlu", "--family", "option-relabel",
                                      "--out-format", "hf", "--out", str(tmp_path / "hf")])  # fmt: skip
    assert result.exit_code in FINISHED, result.output
    assert (tmp_path / "hf" / "README.md").exists() and list((tmp_path / "hf" / "data").glob("*.parquet"))
    bad = CliRunner().invoke(app, ["perturb", "--out-format", "csv", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "valid: file, hf" in bad.output
