"""`detect lab sweep` at the smallest lab settings: one cell, both twins probed with every test,
the table, the chart, and the CLI tabulating finished cells without building."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import torch
from typer.testing import CliRunner

from detector.cli import app
from detector.sweep import TESTS, SweepSpec, run_sweep, sweep_table


def test_one_cell_sweep_writes_rows_table_and_chart(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    spec = SweepSpec(forms=("ordered",), exposures=(1,), seeds=(0,), size="tiny", steps=12,
                     families=("numeric",), max_tokens=4, n_bootstrap=50,
                     background_documents=300)  # fmt: skip
    rows = run_sweep(spec, tmp_path)
    assert [(r["form"], r["twin"]) for r in rows] == [("ordered", "contaminated"), ("ordered", "clean")]
    for row in rows:
        assert set(TESTS) <= row.keys()
        assert row["dataset_order"] is not None and len(row["dataset_order_p"]) == 1  # hf gives logprobs
        assert row["option_order"] is None  # no multiple-choice items
        assert row["did"] is not None  # the unseen items were the fresh set
    manifest = json.loads((tmp_path / "builds" / "ordered-x1-s0" / "lab.json").read_text())
    assert manifest["form"] == "ordered"
    table = sweep_table(rows)
    assert table["detection"][0]["n"] == 1 and table["n_clean"] == 1
    markdown = (tmp_path / "sweep.md").read_text()
    assert "| ordered | 1 |" in markdown and "clean twins (false flags)" in markdown
    assert "L/S/N/I" in markdown and sum(table["clean_verdicts"].values()) == 1
    per_form = markdown.split("## Per form")[1]
    assert "| ordered | " in per_form and "| **clean twins flagged** | 0/1 |" in per_form
    assert table["clean_order_level"]["dataset_order"]["n"] == 1
    ET.fromstring((tmp_path / "sweep.svg").read_text())  # well-formed SVG
    assert "<svg" in (tmp_path / "sweep.html").read_text()
    # The CLI tabulates what is there without building anything new.
    args = ["lab", "sweep", "--out", str(tmp_path), "--forms", "ordered,items", "--exposures", "1",
            "--seeds", "0", "--size", "tiny", "--only-finished"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "builds" / "items-x1-s0").exists()
    data = json.loads((tmp_path / "sweep.json").read_text())
    assert len(data["rows"]) == 2


def test_sweep_cli_refuses_bad_grids(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_form = runner.invoke(app, ["lab", "sweep", "--out", str(tmp_path), "--forms", "items,bogus"])
    assert bad_form.exit_code == 2 and "bogus" in bad_form.output
    bad_exp = runner.invoke(app, ["lab", "sweep", "--out", str(tmp_path), "--exposures", "1,x"])
    assert bad_exp.exit_code == 2 and "--exposures" in bad_exp.output
    assert not any(tmp_path.iterdir())


def test_limit_gives_each_seed_its_own_random_published_order(tmp_path: Path) -> None:
    from detector.benchmarks import load_benchmark
    from detector.sweep import cell_benchmark

    spec = SweepSpec(limit=20)
    assert cell_benchmark(SweepSpec(), tmp_path, "gsm8k", 0) == "gsm8k"  # no limit: the file itself
    first = cell_benchmark(spec, tmp_path, "gsm8k", 0)
    again = cell_benchmark(spec, tmp_path / "b", "gsm8k", 0)
    other = cell_benchmark(spec, tmp_path, "gsm8k", 1)
    assert Path(first).read_bytes() == Path(again).read_bytes()  # seeded: same bytes
    full = {item.question: item for item in load_benchmark("gsm8k").items}
    sample, sample_other = load_benchmark(first).items, load_benchmark(other).items
    assert len(sample) == 20 and [i.question for i in sample] != [i.question for i in sample_other]
    for item in sample:  # the same items, read back whole
        assert item.answer == full[item.question].answer and item.solution == full[item.question].solution
    positions = [list(full).index(item.question) for item in sample]
    assert positions != sorted(positions)  # not in the published order
    mc = load_benchmark(cell_benchmark(spec, tmp_path, "mmlu", 0)).items
    assert len(mc) == 20 and all(item.is_multiple_choice for item in mc)


def test_null_level_tells_uniform_p_values_from_small_ones() -> None:
    from detector.sweep import null_level

    uniform = null_level([(k + 0.5) / 100 for k in range(100)])
    assert uniform["at_most_0.05"] == 0.05 and abs(uniform["mean"] - 0.5) < 1e-9 and uniform["ks_p"] > 0.9
    small = null_level([(k + 0.5) / 1000 for k in range(100)] + [None])
    assert small["n"] == 100 and small["at_most_0.05"] == 0.5 and small["ks_p"] < 1e-6
    assert null_level([None]) is None
