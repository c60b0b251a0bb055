"""`detect benchmarks` and `detect benchmarks show` through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from detector.benchmarks import FIXTURES, FORMATS, HUB_BENCHMARKS, load_benchmark
from detector.cli import app


def test_list_shows_formats_fixtures_with_counts_and_hub_names() -> None:
    result = CliRunner().invoke(app, ["benchmarks"])
    assert result.exit_code == 0, result.output
    for name in [*FORMATS, *FIXTURES, *(f"hub:{name}" for name in HUB_BENCHMARKS)]:
        assert name in result.stdout
    count = len(load_benchmark("gsm8k").items)
    assert any(line.split()[:3] == ["gsm8k", "gsm8k", str(count)] for line in result.stdout.splitlines())


def test_show_json_has_format_count_and_items() -> None:
    result = CliRunner().invoke(app, ["benchmarks", "show", "mmlu", "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    loaded = load_benchmark("mmlu")
    assert payload["format"] == "mmlu" and payload["count"] == len(loaded.items)
    assert [item["item_id"] for item in payload["items"]] == [item.item_id for item in loaded.items[:2]]
    assert payload["items"][0]["answer"] == loaded.items[0].answer


def test_show_text_prints_choices_and_gold() -> None:
    result = CliRunner().invoke(app, ["benchmarks", "show", "arc", "--limit", "1"])
    assert result.exit_code == 0, result.output
    first = load_benchmark("arc").items[0]
    assert f"{len(load_benchmark('arc').items)} items, format arc" in result.stdout
    assert f"A. {first.choices[0]}" in result.stdout and f"gold: {first.answer}" in result.stdout


def test_show_generic_with_fields(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"p": "Q?", "t": "b", "o": ["a", "b"]}) + "\n", encoding="utf-8")
    args = [
        "benchmarks",
        "show",
        str(path),
        "--json",
        "--field",
        "question=p",
        "--field",
        "answer=t",
        "--field",
        "choices=o",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["format"] == "generic" and payload["items"][0]["answer"] == "B"
