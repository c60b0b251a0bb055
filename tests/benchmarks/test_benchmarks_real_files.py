"""Benchmark files as they come from other sources: hub exports, Windows editors, numbers for labels."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detector.benchmarks import load_benchmark
from detector.benchmarks.records import parse_list_text
from detector.types import BenchmarkFormatError

GSM_ROW = {"question": "Tom has 3 apples and buys 2. How many?", "answer": "3+2=<<3+2=5>>5\n#### 5"}


def test_gsm8k_with_bom_crlf_extra_fields_and_blank_lines(tmp_path):
    rows = [{**GSM_ROW, "id": i, "meta": {"source": "x"}, "cleaning_status": "consensus"} for i in range(3)]
    text = "\ufeff" + "\r\n".join(json.dumps(r) for r in rows[:2]) + "\r\n\r\n  \r\n" + json.dumps(rows[2])
    path = tmp_path / "gsm8k_platinum.jsonl"
    path.write_bytes((text + "\r\n\r\n\r\n").encode("utf-8"))
    bench = load_benchmark(path)
    assert bench.format == "gsm8k" and [i.answer for i in bench.items] == ["5", "5", "5"]
    assert [i.metadata["source_line"] for i in bench.items] == ["1", "2", "5"]
    assert all("\r" not in i.question and "\r" not in (i.solution or "") for i in bench.items)


def test_json_array_file_keeps_each_objects_line(tmp_path):
    path = tmp_path / "gsm_variant.json"
    path.write_text(json.dumps([GSM_ROW, {**GSM_ROW, "answer": "#### 7"}], indent=2))
    bench = load_benchmark(path)
    assert [i.answer for i in bench.items] == ["5", "7"]
    assert [i.metadata["source_line"] for i in bench.items] == ["2", "6"]
    bad = tmp_path / "bad.json"
    bad.write_text('[\n{"question": "q", "answer": "#### 1"},\n{"question": oops}\n]')
    with pytest.raises(BenchmarkFormatError, match=r"bad.json:3"):
        load_benchmark(bad)


def test_question_with_a_bare_numeric_answer_is_read_as_math(tmp_path):
    path = tmp_path / "gsm_numbers.jsonl"
    path.write_text(json.dumps({"question": "Q one?", "answer": 12}) + "\n"
                    + json.dumps({"question": "Q two?", "answer": "1,250"}) + "\n")
    bench = load_benchmark(path)
    assert [(i.answer, i.metadata["kind"]) for i in bench.items] == [("12", "math"), ("1,250", "math")]


@pytest.mark.parametrize(
    "csv_text",
    [
        "question,A,B,C,D,answer\r\nWhat is 2+2?,3,4,5,6,B\r\n",
        "input,A,B,C,D,target\nWhat is 2+2?,3,4,5,6,b\n\n",  # lukaemon/mmlu export
        "Question,A,B,C,D,Answer,subject\nWhat is 2+2?,3,4,5,6,B,arithmetic\n",
    ],
)
def test_mmlu_csv_with_a_header_row(tmp_path, csv_text):
    path = tmp_path / "mmlu_arith_test.csv"
    path.write_text(csv_text)
    for format in (None, "mmlu"):
        bench = load_benchmark(path, format=format)
        [item] = bench.items
        assert bench.format == "mmlu" and item.answer == "B" and item.choices == ("3", "4", "5", "6")
        assert item.metadata["source_line"] == "2" and item.metadata["subject"] in ("arith", "arithmetic")


@pytest.mark.parametrize(
    "cell",
    [
        '"[\'3\', \'4\', \'5\', \'6\']"',  # Python list repr
        '"[\'3\' \'4\' \'5\'\n \'6\']"',  # numpy repr written by pandas, wrapped
        '"[""3"", ""4"", ""5"", ""6""]"',  # JSON
    ],
)
def test_mmlu_hub_export_csv_with_list_cells(tmp_path, cell):
    path = tmp_path / "mmlu_hub.csv"
    path.write_text(f",question,subject,choices,answer\n0,What is 2+2?,math,{cell},1\n")
    [item] = load_benchmark(path).items
    assert item.choices == ("3", "4", "5", "6") and item.answer == "B" and item.metadata["subject"] == "math"


def test_list_literals_are_parsed_not_evaluated():
    assert parse_list_text("[\"it's\", 'say \\'hi\\'']") == ["it's", "say 'hi'"]
    assert parse_list_text("['a' 'b']") == ["a", "b"]
    assert parse_list_text("[__import__('os')]") is None
    assert parse_list_text("no list") is None


def test_arc_with_numbers_for_labels_and_answer_key(tmp_path):
    row = {"id": "Mercury_1", "question": {"stem": "Which?", "choices": [
        {"label": 1, "text": "a"}, {"label": 2, "text": "b"}, {"label": 3, "text": "c"}]}, "answerKey": 2}
    path = tmp_path / "arc.jsonl"
    path.write_text(json.dumps(row) + "\n\n")
    [item] = load_benchmark(path).items
    assert item.labels == ("1", "2", "3") and item.answer == "2"
    hub = tmp_path / "arc_hub.jsonl"
    hub.write_text(json.dumps({"question": "Which?", "choices": {"text": ["a", "b"], "label": [1, 2]},
                               "answerKey": 1}))
    [item] = load_benchmark(hub).items
    assert item.labels == ("1", "2") and item.answer == "1"


def test_hellaswag_label_as_text_or_number(tmp_path):
    row = {"ctx": "A man walks", "endings": ["a", "b", "c", "d"], "activity_label": "Walking"}
    path = tmp_path / "hellaswag.jsonl"
    path.write_text(json.dumps({**row, "label": "2"}) + "\n\n" + json.dumps({**row, "label": 3}) + "\n")
    assert [i.answer for i in load_benchmark(path).items] == ["C", "D"]


def test_hub_parquet_shapes(tmp_path):
    mmlu = tmp_path / "mmlu.parquet"
    table = pa.table({
        "question": pa.array(["What?"], pa.large_string()),
        "subject": ["math"],
        "choices": pa.array([["a", "b", "c", "d"]], pa.large_list(pa.large_string())),
        "answer": pa.array([2], pa.int64()),
    })
    pq.write_table(table, mmlu)
    [item] = load_benchmark(mmlu).items
    assert (item.answer, item.choices, item.metadata["subject"]) == ("C", ("a", "b", "c", "d"), "math")
    arc = tmp_path / "arc.parquet"
    choices = [{"text": ["a", "b", "c"], "label": ["A", "B", "C"]}]
    frame = pl.DataFrame({"id": ["x"], "question": ["Which?"], "choices": choices, "answerKey": ["B"]})
    frame.write_parquet(arc)
    [item] = load_benchmark(arc).items
    assert (item.answer, item.labels, item.choices) == ("B", ("A", "B", "C"), ("a", "b", "c"))


def test_mmlu_pro_rows(tmp_path):
    row = {"question_id": 70, "question": "Which is right?", "options": [f"option {i}" for i in range(10)],
           "answer": "I", "answer_index": 8, "cot_content": "", "category": "business"}
    path = tmp_path / "mmlu_pro.jsonl"
    path.write_text(json.dumps(row) + "\n")
    bench = load_benchmark(path)
    [item] = bench.items
    assert bench.format == "mmlu-hf" and item.answer == "I" and len(item.labels) == 10
    assert item.choices[8] == "option 8" and item.metadata["subject"] == "business"


def test_arc_flattened_choices_list(tmp_path):
    row = {"question": "Which?", "choices": [{"label": "A", "text": "x"}, {"label": "B", "text": "y"}],
           "answerKey": "B"}
    path = tmp_path / "arc_flat.jsonl"
    path.write_text(json.dumps(row) + "\n")
    [item] = load_benchmark(path).items
    assert (item.answer, item.labels, item.choices) == ("B", ("A", "B"), ("x", "y"))


def test_tsv_files_and_a_lenient_final_answer(tmp_path):
    tsv = tmp_path / "mmlu_geo_test.tsv"
    tsv.write_text("Capital of France?\tRome\tParis\tOslo\tBern\tB\n")
    [item] = load_benchmark(tsv).items
    assert item.answer == "B" and item.choices[1] == "Paris" and item.metadata["subject"] == "geo"
    gsm = tmp_path / "gsm_dollars.jsonl"
    gsm.write_text(json.dumps({"question": "How much?", "answer": "5 + 5 = 10\n#### $1,010."}) + "\n")
    assert load_benchmark(gsm).items[0].answer == "1010"
