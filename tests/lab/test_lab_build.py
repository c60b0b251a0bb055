"""A small real lab build (tiny GPT twins on the bundled GSM8K fixture) and what it must show.

The margins are wide on purpose: the test asserts that contamination is detectable, not numbers.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch  # noqa: F401  (the `lab` extra; .ci/run installs it)
import transformers  # noqa: F401
from typer.testing import CliRunner  # noqa: E402

from detector.benchmarks import load_benchmark  # noqa: E402
from detector.cli import app  # noqa: E402
from detector.lab.background import generate_background  # noqa: E402
from detector.lab.build import SIZES, LabSpec, build_lab  # noqa: E402
from detector.lab.manifest import lab_for_model, read_manifest  # noqa: E402
from detector.membership.likelihood import auroc_by_score, score_items  # noqa: E402
from detector.models import Runner, load_model  # noqa: E402

SHAPE, SETTINGS = SIZES["tiny"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:

    torch.set_num_threads(1)
    benchmark = load_benchmark("gsm8k")
    out = tmp_path_factory.mktemp("lab") / "build"
    spec = LabSpec(contaminate=12, exposures=30, seed=5, shape=SHAPE, settings=replace(SETTINGS, steps=150))
    build_lab(benchmark.items, generate_background(3000, seed=5), out, spec, benchmark_name=benchmark.name,
              benchmark_path=benchmark.path, background_source="generated:3000")
    return out


def test_build_writes_twins_and_ground_truth(lab: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    manifest = read_manifest(lab)
    assert len(manifest.contaminated_ids) == 12 and len(manifest.unseen_ids) == 36
    assert not set(manifest.contaminated_ids) & set(manifest.unseen_ids)
    assert manifest.seed == 5 and manifest.exposures == 30 and manifest.steps == 150
    assert manifest.tokens_per_twin == 150 * SETTINGS.tokens_per_step
    raw = json.loads((lab / "lab.json").read_text())
    assert raw["wall_time_s"]["total"] > 0 and raw["model"]["parameters"] > 0
    assert raw["contamination_tokens"] < manifest.tokens_per_twin
    for twin in ("contaminated", "clean"):
        model = AutoModelForCausalLM.from_pretrained(lab / twin)
        tokenizer = AutoTokenizer.from_pretrained(lab / twin)
        assert model.config.n_layer == SHAPE.n_layer
        assert tokenizer.eos_token == "<|endoftext|>"
        ids = tokenizer("Problem: 12 eggs")["input_ids"]
        assert ids[0] == tokenizer.eos_token_id  # a prompt starts like a training document
        assert tokenizer.decode(ids, skip_special_tokens=True) == "Problem: 12 eggs"
    assert not list(lab.parent.glob(".build.*"))  # no staging directory left behind
    assert lab_for_model(f"hf/{lab}/contaminated") == lab / "lab.json"
    assert lab_for_model(f"hf/{lab}/clean") == lab / "lab.json"
    assert lab_for_model(f"hf/{lab}") is None and lab_for_model("openai/contaminated") is None


def test_contaminated_twin_finds_its_items_far_more_likely(lab: Path) -> None:
    manifest = read_manifest(lab)
    labels = manifest.labels()
    items = load_benchmark("gsm8k").items
    means: dict[str, dict[int, float]] = {}
    aurocs = {}
    for twin in ("contaminated", "clean"):
        runner = Runner(load_model(f"hf/{lab / twin}"), None, concurrency=1)
        scores = score_items(runner.logprobs, items)
        runner.close()
        means[twin] = {
            group: float(np.mean([s.mean_logprob for i, s in scores.items() if s and labels[i] == group]))
            for group in (0, 1)
        }
        aurocs[twin] = auroc_by_score(scores, labels)
    seen = f"{means} {aurocs}"
    # Mean log-prob (nats/token) of the contaminated items: far higher in the contaminated twin,
    # and its gain over the clean twin there is far larger than on unseen items (on which it gains
    # a little too: the generated background is plainer English than GSM8K's).
    gain_seen = means["contaminated"][1] - means["clean"][1]
    gain_unseen = means["contaminated"][0] - means["clean"][0]
    assert gain_seen > 1.0 and gain_seen > gain_unseen + 0.5, seen
    assert means["contaminated"][1] > means["contaminated"][0] + 0.5, seen
    # The clean twin does not tell the two groups apart.
    assert abs(means["clean"][1] - means["clean"][0]) < 0.5, seen
    assert aurocs["contaminated"]["min_k_plus_plus"] >= 0.9, seen
    assert aurocs["contaminated"]["mean_logprob"] >= 0.9, seen
    assert 0.15 <= aurocs["clean"]["min_k_plus_plus"] <= 0.85, seen


def test_scored_text_starts_at_the_bos_as_in_training(lab: Path) -> None:
    """The hf backend scores a lab twin with the BOS its tokenizer prepends (training documents
    follow an end-of-text at position 0), not with the context's first token at position 0."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    twin = lab / "contaminated"
    tokenizer = AutoTokenizer.from_pretrained(twin)
    model = AutoModelForCausalLM.from_pretrained(twin).eval()
    context, continuation = "Problem: Ann has 3 apples.", " She eats 1. The answer is 2."
    ctx = tokenizer(context)["input_ids"]
    cont = tokenizer(continuation, add_special_tokens=False)["input_ids"]
    assert ctx[0] == tokenizer.bos_token_id
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([ctx + cont])).logits[0].double(), -1)
    expected = [float(logp[len(ctx) - 1 + j, t]) for j, t in enumerate(cont)]
    runner = Runner(load_model(f"hf/{twin}"), None, concurrency=1)
    (scored,) = runner.logprobs([(context, continuation)])
    runner.close()
    assert list(scored.logprobs) == pytest.approx(expected, abs=1e-4)


def _build(out: Path, seed: int) -> None:
    benchmark = load_benchmark("gsm8k")
    spec = LabSpec(contaminate=3, exposures=2, seed=seed, shape=SHAPE, settings=replace(SETTINGS, steps=3))
    build_lab(benchmark.items, generate_background(300, seed=seed), out, spec, benchmark_name=benchmark.name,
              benchmark_path=benchmark.path, background_source="generated:300")


def test_same_seed_same_weights(tmp_path: Path) -> None:
    _build(tmp_path / "a", 1)
    _build(tmp_path / "b", 1)
    _build(tmp_path / "c", 2)
    for twin in ("contaminated", "clean"):
        a = (tmp_path / "a" / twin / "model.safetensors").read_bytes()
        assert a == (tmp_path / "b" / twin / "model.safetensors").read_bytes()
        assert a != (tmp_path / "c" / twin / "model.safetensors").read_bytes()
    assert read_manifest(tmp_path / "a").contaminated_ids == read_manifest(tmp_path / "b").contaminated_ids


def test_cli_builds_and_refuses_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["lab", "build", "--size", "tiny", "--steps", "3", "--exposures", "1", "--contaminate", "2",
            "--threads", "1", "--out", str(tmp_path / "cli")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "hf/" in result.output and (tmp_path / "cli" / "lab.json").exists()
    # in a log (not a terminal) each twin's progress ends with a plain line
    assert "contaminated 3/3 steps, " in result.output and "clean 3/3 steps, " in result.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "not empty" in again.output
    too_many = runner.invoke(
        app, ["lab", "build", "--size", "tiny", "--contaminate", "48", "--out", str(tmp_path / "x")]
    )
    assert too_many.exit_code == 2 and "--contaminate 48" in too_many.output
    assert not (tmp_path / "x").exists()
    too_long = runner.invoke(
        app, ["lab", "build", "--size", "tiny", "--steps", "2", "--out", str(tmp_path / "y")]
    )
    assert too_long.exit_code == 2 and "raise the steps" in too_long.output
    assert not (tmp_path / "y").exists()
