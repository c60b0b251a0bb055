"""Each loader on small files written in tmp_path: fields, gold answers, detection and overrides."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from detector.benchmarks import load_benchmark, parse_field_options


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_gsm8k_gold_solution_and_metadata(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "test.jsonl",
        [
            {"question": "q0", "answer": "2 * 3 = <<2*3=6>>6\n#### 6"},
            {"question": "q1", "answer": "1000 + 234 = <<1000+234=1234>>1234\n#### 1,234"},
        ],
    )
    loaded = load_benchmark(path)
    assert (loaded.format, loaded.name) == ("gsm8k", f"{tmp_path.name}_test")
    first, second = loaded.items
    assert first.answer == "6" and first.solution == "2 * 3 = <<2*3=6>>6"
    assert second.answer == "1234" and second.item_id == f"{loaded.name}/1"
    assert second.metadata == {"kind": "math", "source_line": "2"}


def test_mmlu_csv_with_quotes_commas_newlines(tmp_path: Path) -> None:
    path = tmp_path / "astronomy_test.csv"
    path.write_text('"Line one\nline ""two"", three?",a,"b, c",d,e,C\nSecond?,1,2,3,4,A\n', encoding="utf-8")
    loaded = load_benchmark(path)
    assert loaded.format == "mmlu"
    first, second = loaded.items
    assert first.question == 'Line one\nline "two", three?'
    assert first.choices == ("a", "b, c", "d", "e") and first.answer == "C"
    assert first.metadata["subject"] == "astronomy"
    assert second.metadata["source_line"] == "3"


def test_mmlu_directory_loads_all_test_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b_test.csv").write_text("Q2,1,2,3,4,B\n", encoding="utf-8")
    (tmp_path / "a_test.csv").write_text("Q1,1,2,3,4,A\n", encoding="utf-8")
    (tmp_path / "a_dev.csv").write_text("D,1,2,3,4,A\n", encoding="utf-8")
    loaded = load_benchmark(tmp_path)
    assert [item.metadata["subject"] for item in loaded.items] == ["a", "b"]
    assert [item.item_id for item in loaded.items] == [f"{tmp_path.name}/0", f"{tmp_path.name}/1"]


def test_mmlu_hub_layout_jsonl_and_parquet(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"question": "Q?", "choices": ["w", "x", "y", "z"], "answer": 2, "subject": "virology"}
    ]
    jsonl = load_benchmark(write_jsonl(tmp_path / "mmlu.jsonl", rows))
    pl.DataFrame(rows).write_parquet(tmp_path / "mmlu.parquet")
    parquet = load_benchmark(tmp_path / "mmlu.parquet")
    for loaded in (jsonl, parquet):
        assert loaded.format == "mmlu-hf"
        (item,) = loaded.items
        assert item.answer == "C" and item.choices == ("w", "x", "y", "z")
        assert item.metadata["subject"] == "virology"


def test_arc_both_layouts_keep_source_labels(tmp_path: Path) -> None:
    choices = [{"label": str(n), "text": f"t{n}"} for n in range(1, 5)]
    release = {"id": "x1", "question": {"stem": "S?", "choices": choices}, "answerKey": "3"}
    hub = {
        "id": "x2",
        "question": "H?",
        "choices": {"text": ["a", "b", "c", "d", "e"], "label": list("ABCDE")},
        "answerKey": "E",
    }
    first, second = load_benchmark(write_jsonl(tmp_path / "arc.jsonl", [release, hub])).items
    assert first.labels == ("1", "2", "3", "4") and first.answer == "3" and first.gold_text == "t3"
    assert second.labels == tuple("ABCDE") and second.gold_text == "e"
    assert second.metadata["source_id"] == "x2"


def test_hellaswag_label_to_letter(tmp_path: Path) -> None:
    row = {"ctx": "A man", "endings": ["e0", "e1", "e2", "e3"], "label": "2", "activity_label": "Fun"}
    (item,) = load_benchmark(write_jsonl(tmp_path / "hs.jsonl", [row])).items
    assert item.answer == "C" and item.gold_text == "e2"
    assert item.metadata["source_label"] == "2" and item.metadata["subject"] == "Fun"


def test_generic_jsonl_with_field_mapping(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"prompt": "P?", "target": "beta", "options": ["alpha", "beta"]},
        {"prompt": "P2?", "target": 0, "options": ["alpha", "beta"]},
    ]
    fields = parse_field_options(["question=prompt", "answer=target", "choices=options"])
    loaded = load_benchmark(write_jsonl(tmp_path / "g.jsonl", rows), fields=fields)
    assert loaded.format == "generic"
    assert [item.answer for item in loaded.items] == ["B", "A"]


def test_generic_csv_choice_columns_and_open_answers(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("q,a,o1,o2,o3\nWhich?,o-two,o-one,o-two,o-three\n", encoding="utf-8")
    fields = {"question": "q", "answer": "a", "choices": "o1,o2,o3"}
    (item,) = load_benchmark(path, fields=fields).items
    assert item.choices == ("o-one", "o-two", "o-three") and item.answer == "B"
    open_path = tmp_path / "open.csv"
    open_path.write_text('q,a\nHow many?,"1,200"\nCapital?,Paris\n', encoding="utf-8")
    first, second = load_benchmark(open_path, format="generic", fields={"question": "q", "answer": "a"}).items
    assert (first.metadata["kind"], second.metadata["kind"]) == ("math", "open")


def test_generic_parquet(tmp_path: Path) -> None:
    pl.DataFrame({"text": ["Q?"], "gold": ["42"]}).write_parquet(tmp_path / "g.parquet")
    (item,) = load_benchmark(tmp_path / "g.parquet", fields={"question": "text", "answer": "gold"}).items
    assert item.answer == "42" and item.metadata["source_line"] == "1"


def test_format_override_reads_gsm8k_csv_with_header(tmp_path: Path) -> None:
    path = tmp_path / "math.csv"
    path.write_text('question,answer\nQ?,"1 + 1 = <<1+1=2>>2\n#### 2"\n', encoding="utf-8")
    loaded = load_benchmark(path, format="gsm8k")
    assert loaded.format == "gsm8k" and loaded.items[0].answer == "2"


def test_detection_by_content_without_suffix(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "data.txt", [{"question": "Q", "answer": "x\n#### 5"}])
    assert load_benchmark(path).format == "gsm8k"
