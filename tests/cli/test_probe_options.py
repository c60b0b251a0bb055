"""`detect probe` options for a real release: MMLU folders with --limit/--shots, --format/--field,
--model-arg, --version, near-miss names, missing extras, 80-column tables, lab benchmark files."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.benchmarks import load_benchmark
from detector.benchmarks.sources import sample_items
from detector.cli import app
from detector.cli.probe import EXIT_INCONCLUSIVE
from detector.models import load_model
from detector.models.api import PreflightError
from detector.models.model_args import parse_model_args
from detector.pipeline import ProbeOptions, model_options

SUBJECTS = ("anatomy", "astronomy", "virology", "world_religions")

# A finished run: a verdict, or `inconclusive` (exit 4) for the few items these tests ask.
FINISHED = (0, EXIT_INCONCLUSIVE)


def write_mmlu_folder(folder: Path, n_test: int = 40, dev: bool = True) -> Path:
    folder.mkdir(parents=True)
    for subject in SUBJECTS:
        splits = {"test": n_test, **({"dev": 5} if dev else {})}
        for split, n in splits.items():
            with (folder / f"{subject}_{split}.csv").open("w", newline="") as handle:
                writer = csv.writer(handle)
                for i in range(n):
                    writer.writerow(
                        [
                            f"{subject} {split} question {i}: which is {i}?",
                            str(i),
                            str(i + 1),
                            str(i + 2),
                            str(i + 3),
                            "ABCD"[i % 4],
                        ]
                    )
    return folder


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DETECT_CACHE_DIR", str(tmp_path / "cache"))


def test_mmlu_folder_limit_samples_every_subject_and_shots_come_from_dev(tmp_path):
    folder = write_mmlu_folder(tmp_path / "mmlu")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "control/clean",
            "--benchmark",
            str(folder),
            "--limit",
            "100",
            "--shots",
            "5",
            "--family",
            "option-shuffle",
            "--per-item",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code in FINISHED, result.output
    config = json.loads((out / "config.json").read_text())
    assert config["shots_from"]["mmlu"] == [str(folder / f"{s}_dev.csv") for s in SUBJECTS]
    import polars as pl

    items = pl.read_parquet(out / "items.parquet")
    assert items.height == 100
    ids = items["item_id"].to_list()
    per_subject = {
        s: sum(
            1 for i in ids if 40 * SUBJECTS.index(s) <= int(i.split("/")[1]) < 40 * (SUBJECTS.index(s) + 1)
        )
        for s in SUBJECTS
    }
    assert per_subject == dict.fromkeys(SUBJECTS, 25)  # stratified: every subject its share
    assert ids != [f"mmlu/{i}" for i in range(100)]  # a sample, not the first 100 rows
    prompts = pl.read_parquet(out / "responses.parquet")["prompt"].to_list()
    first = prompts[0]
    assert first.count("Question:") == 6 and "dev question 0" in first  # 5 dev shots, then the item
    subject = first.split("Question: ")[-1].split(" test ")[0]
    assert all(f"{subject} dev question {i}" in first for i in range(5))  # shots of the item's subject


def test_shots_without_a_dev_split_say_so(tmp_path):
    folder = write_mmlu_folder(tmp_path / "mmlu", n_test=4, dev=False)
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "control/clean",
            "--benchmark",
            str(folder),
            "--shots",
            "5",
            "--family",
            "option-shuffle",
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code in FINISHED, result.output
    assert "no dev/train split" in result.output and "0-shot" in result.output


def test_limit_sample_is_seeded_stratified_and_keeps_file_order():
    items = load_benchmark("mmlu").items
    a, b = sample_items(items, 12, seed=1), sample_items(items, 12, seed=1)
    assert a == b and len(a) == 12
    assert sample_items(items, 12, seed=2) != a
    assert {i.metadata["subject"] for i in a} == {i.metadata["subject"] for i in items}
    assert [items.index(i) for i in a] == sorted(items.index(i) for i in a)
    few = sample_items(items, 2, seed=0)  # fewer than subjects: two subjects, one item each
    assert len({i.metadata["subject"] for i in few}) == 2
    gsm = load_benchmark("gsm8k").items  # one subject: the first N, as before
    assert sample_items(gsm, 5, seed=3) == gsm[:5]


def test_format_and_field_on_probe_perturb_and_overlap(tmp_path):
    data = tmp_path / "custom.jsonl"
    rows = [
        {"prompt": f"Tom has {i + 2} apples and buys {i + 3} more. How many now?", "target": str(2 * i + 5)}
        for i in range(6)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    fields = ["--field", "question=prompt", "--field", "answer=target"]
    runner = CliRunner()
    probe = runner.invoke(
        app, ["probe", "--model", "control/clean", "--benchmark", str(data), *fields, "--dry-run"]
    )
    assert probe.exit_code in FINISHED, probe.output
    assert re.search(r"^custom\s+original\s+6\s+0\s+6", probe.output, re.M)
    perturb = runner.invoke(
        app, ["perturb", "--benchmark", str(data), *fields, "--out", str(tmp_path / "v.jsonl")]
    )
    assert perturb.exit_code == 0, perturb.output
    overlap = runner.invoke(
        app,
        [
            "overlap",
            "--between",
            str(data),
            str(data),
            *fields,
            "--out",
            str(tmp_path / "ov"),
            "--no-progress",
        ],
    )
    assert overlap.exit_code == 0, overlap.output
    bad = runner.invoke(
        app, ["probe", "--model", "control/clean", "--benchmark", str(data), "--format", "gsm9k", "--dry-run"]
    )
    assert bad.exit_code == 2 and "gsm9k" in bad.output


def test_model_args_reach_the_backend_and_bad_ones_exit_2():
    options = ProbeOptions(
        model="hf/org/model",
        model_args=("device=cuda", "dtype=bfloat16", "batch_size=16", "revision=abc123"),
        chat_template=False,
    )
    model = load_model(options.model, **model_options(options))
    assert (model.device, model.dtype, model.batch_size, model.revision, model.chat) == (
        "cuda",
        "bfloat16",
        16,
        "abc123",
        False,
    )
    assert "revision=abc123" in model.cache_identity[2]
    with pytest.raises(ValueError, match="did you mean 'device'"):
        parse_model_args(["devcie=cuda"], "hf")
    with pytest.raises(ValueError, match="batch_size must be an integer"):
        parse_model_args(["batch_size=many"], "hf")
    result = CliRunner().invoke(
        app, ["probe", "--model", "vllm/x", "--model-arg", "device=cuda", "--dry-run"]
    )
    assert result.exit_code == 2 and "valid: revision" in result.output
    result = CliRunner().invoke(app, ["probe", "--model", "control/clean", "--endpoint", "chat", "--dry-run"])
    assert result.exit_code == 2 and "--endpoint applies to servers" in result.output


def test_missing_hf_extra_is_exit_2_with_the_pip_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)  # as if the extra were not installed
    result = CliRunner().invoke(
        app,
        [
            "probe",
            "--model",
            "hf/gpt2",
            "--benchmark",
            "gsm8k",
            "--limit",
            "2",
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "pip install 'detect-overfit[hf]'" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 3


def test_bad_dtype_is_caught_before_loading_weights():
    model = load_model("hf/org/model", dtype="bfloat17")
    with pytest.raises(PreflightError, match="not a torch dtype"):
        model.check_ready()


def test_version_and_near_miss_names():
    runner = CliRunner()
    from detector import __version__

    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"detect {__version__}"
    command = runner.invoke(app, ["prob"])
    assert command.exit_code == 2 and "Did you mean 'probe'" in command.output
    family = runner.invoke(app, ["probe", "--model", "control/clean", "--family", "numerc", "--dry-run"])
    assert family.exit_code == 2 and "did you mean 'numeric'" in family.output
    fixture = runner.invoke(app, ["probe", "--model", "control/clean", "--benchmark", "gsm8", "--dry-run"])
    assert fixture.exit_code == 2 and "did you mean 'gsm8k'" in fixture.output
    provider = runner.invoke(app, ["probe", "--model", "olama/llama3", "--dry-run"])
    assert provider.exit_code == 2 and "did you mean 'ollama'" in provider.output


def test_terminal_tables_fit_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    outputs = [
        runner.invoke(
            app,
            [
                "probe",
                "--model",
                "control/contaminated",
                "--limit",
                "6",
                "--no-cache",
                "--out",
                str(tmp_path / "run"),
            ],
        ),
        runner.invoke(app, ["probe", "--model", "control/clean", "--limit", "6", "--dry-run"]),
        runner.invoke(app, ["perturb", "--out", str(tmp_path / "v.jsonl"), "--per-item", "1"]),
        runner.invoke(app, ["benchmarks"]),
    ]
    for result in outputs:
        assert result.exit_code in FINISHED, result.output
        table_lines = [
            line
            for line in result.output.splitlines()
            if not line.startswith(
                ("variant set sha256", "run directory", "perturbing", "querying", "wrote",
                 "error: inconclusive")
            )
        ]
        too_wide = [line for line in table_lines if len(line) > 80]
        assert not too_wide, too_wide
    probe_table = outputs[0].output
    assert "none-of-the-above" in probe_table and "…" not in probe_table  # no cell cut short


def test_lab_item_files_load_as_benchmarks_with_membership_labels(tmp_path):
    from detector.lab.item_files import probe_commands, write_item_files
    from detector.lab.manifest import LabManifest

    items = load_benchmark("gsm8k").items[:6] + load_benchmark("mmlu").items[:4]
    seen, unseen = items[::2], items[1::2]
    described = write_item_files(seen, unseen, tmp_path)
    for name, group in (("contaminated", seen), ("unseen", unseen)):
        path = tmp_path / described[name]["file"]
        loaded = [json.loads(line) for line in path.read_text().splitlines()]
        assert len(loaded) == len(group) and described[name]["item_ids"] == [i.item_id for i in group]
    (tmp_path / "g").mkdir()
    gsm_only = write_item_files(items[:3], items[3:6], tmp_path / "g")
    back = load_benchmark(tmp_path / "g" / gsm_only["contaminated"]["file"])
    assert back.format == "gsm8k" and [i.answer for i in back.items] == [i.answer for i in items[:3]]
    assert [i.solution for i in back.items] == [i.solution for i in items[:3]]
    manifest = LabManifest("gsm8k_test", "x", ("a",), ("b",), 1, 0, 1, 1, details={"item_files": described})
    labels = manifest.labels()
    assert labels["contaminated/0"] == 1 and labels["unseen/0"] == 0 and labels["a"] == 1
    commands = probe_commands("labs/one")
    assert commands[0].startswith("detect probe --model hf/labs/one/contaminated ")
    assert "--benchmark labs/one/contaminated.jsonl --benchmark labs/one/unseen.jsonl" in commands[0]
    assert "--benchmark labs/one/unseen.jsonl" in commands[1]


def test_settings_that_change_answers_change_the_default_run_directory():
    from detector.pipeline import default_run_dir

    base = ProbeOptions(model="hf/x")
    changed = [
        ProbeOptions(model="hf/x", chat_template=False),
        ProbeOptions(model="hf/x", system_prompt="Be brief."),
        ProbeOptions(model="hf/x", model_args=("revision=v2",)),
        ProbeOptions(model="vllm/x", endpoint="completions"),
    ]
    dirs = {default_run_dir(base), *(default_run_dir(o) for o in changed)}
    assert len(dirs) == 5
    assert default_run_dir(ProbeOptions(model="hf/x", chat_template=True)) == default_run_dir(base)
