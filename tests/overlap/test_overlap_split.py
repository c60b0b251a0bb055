"""Accuracy split by corpus overlap: the statistics, the lab's training text, and the probe/report join."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_benchmark
from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE
from detector.lab.background import generate_background
from detector.lab.build import choose_contaminated
from detector.membership.texts import render_document
from detector.models import load_model
from detector.overlap.scan import run_overlap
from detector.stats.overlap_split import gap_block, group_block, overlap_split, wilson_interval

runner = CliRunner()


def test_wilson_and_newcombe_match_published_values() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, table II: 56/70 vs 48/80, method 10.
    gap = gap_block(group_block(56, 70), group_block(48, 80))
    assert gap["estimate"] == pytest.approx(0.2)
    assert gap["ci_low"] == pytest.approx(0.0524, abs=1e-4)
    assert gap["ci_high"] == pytest.approx(0.3339, abs=1e-4)
    low, high = wilson_interval(8, 10)  # Wilson (1927); e.g. Agresti & Coull (1998)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert gap_block(group_block(0, 0), group_block(3, 4))["p_value"] is None
    assert group_block(0, 0)["accuracy"] is None


def test_fisher_p_value_of_the_gap() -> None:
    from scipy.stats import fisher_exact

    gap = gap_block(group_block(9, 10), group_block(2, 10))
    assert gap["p_value"] == pytest.approx(fisher_exact([[9, 1], [2, 8]]).pvalue)
    assert gap["p_value"] < 0.01


def test_split_counts_by_class_and_skips_failed_answers() -> None:
    scores = pl.DataFrame({
        "prompt_id": ["a", "b", "c", "d", "e", "v"], "role": ["original"] * 5 + ["variant"],
        "benchmark": ["x"] * 6, "correct": [True, True, False, None, False, True],
    })
    found = pl.DataFrame({"item_id": ["a", "b", "z"], "match_class": ["verbatim", "near", "near"]})
    split = overlap_split(scores, found, {"overlap_dir": "o"})
    assert split["found"]["n_items"] == 2 and split["found"]["accuracy"] == 1.0
    assert split["not_found"]["n_items"] == 2 and split["not_found"]["accuracy"] == 0.0  # d failed
    assert split["by_class"]["verbatim"]["found"]["n_items"] == 1
    assert split["by_class"]["near"]["not_found"]["n_items"] == 2
    assert split["n_found_not_in_run"] == 1


def test_scan_of_the_lab_training_text_finds_exactly_the_contaminated_items(tmp_path: Path) -> None:
    """The lab's training documents (background plus contaminated items, rendered as the lab trains
    on them) scanned for the benchmark: found = the lab's contaminated ids, nothing unseen."""
    items = load_benchmark("gsm8k").items
    contaminated = choose_contaminated(items, 12, seed=5)
    documents = [render_document(doc) for doc in generate_background(400, seed=5)]
    documents += [render_document(item) for item in contaminated]
    random.Random(0).shuffle(documents)
    corpus = tmp_path / "lab_text.jsonl"
    rows = [json.dumps({"id": f"doc{i}", "text": text}) for i, text in enumerate(documents)]
    corpus.write_text("\n".join(rows) + "\n")
    result = run_overlap(items, [str(corpus)], tmp_path / "overlap")
    assert set(result.matches["item_id"].to_list()) == {item.item_id for item in contaminated}
    assert set(result.matches["match_class"].to_list()) == {"verbatim"}


def test_probe_and_report_join_the_overlap_split(tmp_path: Path) -> None:
    """control/contaminated memorized some items; a corpus holding exactly those: the found items'
    accuracy is far above the rest, and `detect report RUN_DIR` alone rebuilds the same report."""
    items = load_benchmark("gsm8k").items
    model = load_model("control/contaminated:0.4")
    memorized = [item for item in items if model.is_memorized(item.item_id)]  # type: ignore[attr-defined]
    assert 5 <= len(memorized) <= len(items) - 5
    corpus = tmp_path / "c.jsonl"
    lines = [{"id": f"m{i}", "text": f"Forum post. {it.question} Thanks!"} for i, it in enumerate(memorized)]
    lines.append({"id": "clean", "text": "a clean document about gardens " * 30})
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines))
    scan = runner.invoke(app, ["overlap", "--benchmark", "gsm8k", "--corpus", str(corpus),
                               "--out", str(tmp_path / "ov"), "--no-progress"])
    assert scan.exit_code == 0, scan.output
    run_dir = tmp_path / "run"
    probe = runner.invoke(app, ["probe", "--model", "control/contaminated:0.4", "--benchmark", "gsm8k",
                                "--family", "numeric", "--per-item", "1", "--out", str(run_dir), "--no-cache",
                                "--overlap", str(tmp_path / "ov")])
    assert probe.exit_code in (0, EXIT_INCONCLUSIVE), probe.output  # 48 items: under the verdict's minimum
    report = json.loads((run_dir / "report.json").read_text())
    split = report["overlap_split"]
    assert split["found"]["n_items"] == len(memorized)
    assert split["not_found"]["n_items"] == len(items) - len(memorized)
    for group in ("found", "not_found"):
        block = split[group]
        assert set(block) >= {"n_items", "accuracy", "ci_low", "ci_high"}
        assert block["ci_low"] <= block["accuracy"] <= block["ci_high"]
    assert split["gap"]["estimate"] > 0.2 and split["gap"]["ci_low"] > 0 and split["gap"]["p_value"] < 0.05
    assert split["by_class"]["verbatim"]["found"]["n_items"] == len(memorized)
    assert split["top_matches"] and any(flag for _, flag in split["top_matches"][0]["snippet"])
    assert "Items found in the training corpus" in (run_dir / "report.md").read_text()
    before = (run_dir / "report.json").read_bytes()
    html = tmp_path / "r.html"
    again = runner.invoke(app, ["report", str(run_dir), "--html", str(html)])
    assert again.exit_code == 0, again.output
    assert (run_dir / "report.json").read_bytes() == before  # rebuilt from the run directory alone
    page = html.read_text()
    assert '<section class="overlap">' in page and "<mark>" in page


def test_report_overlap_bad_dir_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path), "--overlap", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "summary.json" in result.output and not (tmp_path / "overlap.json").exists()
