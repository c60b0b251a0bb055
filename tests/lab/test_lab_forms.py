"""Lab contamination forms: the text each form trains on, the ordered form's contiguous run,
and a build that records its form (smallest lab settings)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from detector.benchmarks import load_benchmark
from detector.lab.forms import FORMS, ORDER_WINDOW, check_form, choose_ordered, form_documents
from detector.membership.order import DOCUMENT_SEPARATOR
from detector.membership.texts import render_document


def test_each_form_renders_its_own_text() -> None:
    items = list(load_benchmark("gsm8k").items[:6])
    plain, times = form_documents("items", items, 5, seed=0)
    assert plain == [render_document(item) for item in items] and times == 5
    answers, _ = form_documents("answers_only", items, 5, seed=0)
    for doc, item in zip(answers, items, strict=True):
        assert doc.endswith(f"The answer is {item.answer}.") and "<<" not in doc
        assert item.question in doc and len(doc) < len(render_document(item))
    paraphrased, _ = form_documents("paraphrase", items, 5, seed=0)
    for doc, item in zip(paraphrased, items, strict=True):
        assert doc.startswith("Q: ") and doc.endswith(f"So the answer is {item.answer}.")
        assert doc not in render_document(item) and render_document(item) not in doc
    assert paraphrased == form_documents("paraphrase", items, 5, seed=0)[0]  # seeded


def test_ordered_form_reads_the_run_in_shifting_windows() -> None:
    items = list(load_benchmark("gsm8k").items[:7])
    docs = [render_document(item) for item in items]
    windows, times = form_documents("ordered", items, 3, seed=0)
    assert times == 1
    assert windows[0] == DOCUMENT_SEPARATOR.join(docs[:ORDER_WINDOW])
    # Every neighbouring pair is read together in some exposure.
    for a, b in zip(docs, docs[1:], strict=False):
        assert any(f"{a}{DOCUMENT_SEPARATOR}{b}" in w for w in windows)
    # All items, every exposure, in published order.
    assert sum(w.count("Problem:") for w in windows) == 3 * len(items)


def test_ordered_choice_is_a_contiguous_run() -> None:
    items = list(load_benchmark("gsm8k").items)
    run = choose_ordered(items, 10, seed=3)
    start = items.index(run[0])
    assert run == items[start : start + 10]
    with pytest.raises(ValueError, match="--contaminate 48"):
        choose_ordered(items, 48, seed=0)


def test_form_checks() -> None:
    math = list(load_benchmark("gsm8k").items[:3])
    with pytest.raises(ValueError, match="multiple-choice"):
        check_form("multiple_choice", math)
    with pytest.raises(ValueError, match="unknown"):
        check_form("bogus", math)
    check_form("multiple_choice", list(load_benchmark("mmlu").items[:3]))
    assert set(FORMS) == {"items", "multiple_choice", "answers_only", "paraphrase", "ordered"}


def test_build_records_its_form(tmp_path: Path) -> None:
    from detector.lab.background import generate_background
    from detector.lab.build import SIZES, LabSpec, build_lab
    from detector.lab.manifest import read_manifest

    shape, settings = SIZES["tiny"]
    benchmark = load_benchmark("gsm8k")
    spec = LabSpec(
        contaminate=4, exposures=2, seed=1, shape=shape, settings=replace(settings, steps=3), form="ordered"
    )
    build_lab(
        benchmark.items,
        generate_background(300, seed=1),
        tmp_path / "lab",
        spec,
        benchmark_name=benchmark.name,
        benchmark_path=benchmark.path,
        background_source="generated:300",
    )
    manifest = read_manifest(tmp_path / "lab")
    assert manifest.details["form"] == "ordered"
    ids = [item.item_id for item in benchmark.items]
    first = ids.index(manifest.contaminated_ids[0])
    assert list(manifest.contaminated_ids) == ids[first : first + 4]
