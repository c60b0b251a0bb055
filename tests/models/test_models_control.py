"""Control models: deterministic simulated answerers with known clean/contaminated behaviour."""

from __future__ import annotations

import re

import pytest

from detector.models import (
    AnswerKey,
    ControlCase,
    ControlModel,
    Runner,
    case_for_item,
    case_for_variant,
    load_model,
)
from detector.types import BenchmarkItem, GenParams, Variant

LABELS = ("A", "B", "C", "D")


def mc_case(i: int, *, original: bool = True, gold: str = "B", parent_gold: str = "B",
            changed: bool = False, family: str = "") -> ControlCase:
    return ControlCase(gold=gold, kind="multiple_choice", parent_id=f"m/{i}", is_original=original,
                       parent_gold=parent_gold, gold_changed=changed, family=family, labels=LABELS)


def math_case(i: int, *, original: bool = True, gold: str = "", parent_gold: str = "",
              changed: bool = False, family: str = "") -> ControlCase:
    g = gold or str(i + 10)
    return ControlCase(gold=g, kind="math", parent_id=f"g/{i}", is_original=original,
                       parent_gold=parent_gold or g, gold_changed=changed, family=family)


def answered(model, cases: dict[str, ControlCase]) -> list[str]:
    model.answer_key.register_many(cases.items())
    gens = Runner(model).generate(list(cases), GenParams())
    assert all(g.error is None for g in gens)
    return [g.text or "" for g in gens]


def final_label(text: str) -> str:
    return re.findall(r"\b([A-D])\b", text)[-1]


def final_number(text: str) -> str:
    return re.findall(r"-?\d+(?:\.\d+)?", text)[-1]


def rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


def test_answers_are_deterministic_per_prompt_and_seed():
    cases = {f"q{i}": math_case(i) for i in range(50)}
    a = answered(load_model("control/clean"), cases)
    b = answered(load_model("control/clean"), cases)
    c = answered(load_model("control/clean", seed=1), cases)
    assert a == b and a != c


def test_clean_control_is_right_at_one_rate_on_originals_and_variants():
    n = 600
    originals = {f"orig {i}": math_case(i) for i in range(n)}
    variants = {f"var {i}": math_case(i, original=False, gold=str(i + 99), parent_gold=str(i + 10),
                                      changed=True, family="numeric") for i in range(n)}
    model = load_model("control/clean", p_right=0.6)
    got_o = [final_number(t) for t in answered(model, originals)]
    got_v = [final_number(t) for t in answered(model, variants)]
    acc_o = rate([g == c.gold for g, c in zip(got_o, originals.values(), strict=True)])
    acc_v = rate([g == c.gold for g, c in zip(got_v, variants.values(), strict=True)])
    assert abs(acc_o - 0.6) < 0.06 and abs(acc_v - 0.6) < 0.06
    stale = rate([g == c.parent_gold for g, c in zip(got_v, variants.values(), strict=True)])
    assert stale < 0.1


def test_contaminated_control_memorizes_and_gives_stale_answers():
    n = 400
    model = load_model("control/contaminated")
    originals = {f"orig {i}": mc_case(i) for i in range(n)}
    shuffled = {f"shuf {i}": mc_case(i, original=False, gold="D", parent_gold="B", changed=True,
                                     family="option-shuffle") for i in range(n)}
    same = {f"para {i}": mc_case(i, original=False, family="paraphrase") for i in range(n)}
    acc_o = rate([final_label(t) == "B" for t in answered(model, originals)])
    shuf = [final_label(t) for t in answered(model, shuffled)]
    acc_same = rate([final_label(t) == "B" for t in answered(model, same)])
    assert acc_o > 0.9
    assert rate([x == "B" for x in shuf]) > 0.8 and rate([x == "D" for x in shuf]) < 0.15
    assert abs(acc_same - 0.6) < 0.08  # gold unchanged: behaves like the clean model


def test_truncation_probes_get_the_memorized_continuation():
    cont = "and the river ran quietly past the old mill"
    cases = {f"trunc {i}": ControlCase(gold=cont, kind="continuation", parent_id=f"t/{i}", is_original=False,
                                       family="truncate") for i in range(200)}
    dirty = answered(load_model("control/contaminated"), cases)
    clean = answered(load_model("control/clean"), cases)
    assert rate([t == cont for t in dirty]) > 0.9
    assert rate([t == cont for t in clean]) < 0.15
    assert all(t and t != cont for t in clean if t != cont)


def test_contaminated_fraction_memorizes_that_share_of_parents():
    model = load_model("control/contaminated:0.3")
    share = rate([model.is_memorized(f"item/{i}") for i in range(2000)])
    assert abs(share - 0.3) < 0.04
    assert load_model("control/contaminated").is_memorized("anything")
    assert not load_model("control/clean").is_memorized("anything")


def test_wrong_answers_are_plausible_and_wrong():
    model = load_model("control/clean", p_right=0.0)
    maths = {f"m{i}": math_case(i, gold="3.5") for i in range(50)}
    for text in answered(model, maths):
        assert final_number(text) != "3.5" and re.fullmatch(r"-?\d+\.\d", final_number(text))
    relabelled = {f"r{i}": ControlCase(gold="2", kind="multiple_choice", parent_id=f"r/{i}",
                                       labels=("1", "2", "3", "4")) for i in range(50)}
    for text in answered(model, relabelled):
        assert re.findall(r"\b([1-4])\b", text)[-1] != "2"


def test_unregistered_prompt_is_a_clear_error_not_an_answer():
    runner = Runner(load_model("control/clean"))
    [gen] = runner.generate(["never registered"], GenParams())
    assert gen.text is None and "no answer-key case" in (gen.error or "")
    assert runner.stats.n_failed == 1


def test_cases_from_items_and_variants():
    item = BenchmarkItem("mmlu", "mmlu/0", "Q?", "B", choices=("w", "x", "y", "z"), labels=LABELS)
    case = case_for_item(item)
    assert case.kind == "multiple_choice" and case.parent_gold == "B" and case.alternatives == ("w", "y", "z")
    shuffled = BenchmarkItem("mmlu", "mmlu/0~option-shuffle~0", "Q?", "D", choices=("y", "w", "z", "x"),
                             labels=LABELS)
    v = case_for_variant(Variant(shuffled, "mmlu/0", "option-shuffle", "1", 0, parent_answer="B"))
    assert v.gold_changed and not v.is_original and v.parent_id == "mmlu/0" and v.family == "option-shuffle"
    trunc = BenchmarkItem("g", "g/1~truncate~0", "Some text", "the rest")
    t = case_for_variant(Variant(trunc, "g/1", "truncate", "1", 0, scoring="continuation"))
    assert t.kind == "continuation" and t.gold == "the rest"
    cloze = BenchmarkItem("mmlu", "mmlu/0~cloze~0", "Q?", "x")
    c = case_for_variant(Variant(cloze, "mmlu/0", "cloze", "1", 0, parent_answer="B"), parent=item)
    assert c.kind == "text" and not c.gold_changed and c.alternatives == ("w", "y", "z")


def test_control_spec_errors():
    for bad in ["control/dirty", "control/clean:0.5", "control/contaminated:x", "control/contaminated:1.5"]:
        with pytest.raises(ValueError):
            load_model(bad)
    with pytest.raises(ValueError, match="p_right"):
        load_model("control/clean", p_right=2.0)
    with pytest.raises(ValueError, match="memorized_fraction"):
        ControlModel("control/contaminated", AnswerKey())  # the name promises memorization
    with pytest.raises(ValueError, match="kind"):
        ControlCase(gold="1", kind="essay")
    assert len(AnswerKey({"a": math_case(1)})) == 1


def test_draws_are_stable_uniform_and_extend_past_one_hash():
    from detector.models.control import Draws

    a, b = Draws("key"), Draws("key")
    seq = [a.random() for _ in range(4000)]
    assert seq == [b.random() for _ in range(4000)] and len(set(seq)) == 4000
    assert all(0.0 <= x < 1.0 for x in seq) and abs(sum(seq) / len(seq) - 0.5) < 0.02
    assert sum(x < 0.25 for x in seq) / len(seq) == pytest.approx(0.25, abs=0.03)
    assert [Draws("other").random() for _ in range(4)] != seq[:4]


def test_a_control_model_learns_its_answer_key_from_the_plan_through_the_generic_hook():
    from detector.models import prepare_for_plan
    from detector.plan import build_plan

    parent = BenchmarkItem("gsm8k", "g/1", "Tom has 3 apples and buys 4. How many?", "7")
    changed = BenchmarkItem("gsm8k", "g/1~v", "Tom has 5 apples and buys 4. How many?", "9")
    variant = Variant(changed, "g/1", "numeric", "1", 0, parent_answer="7", gold_changed=True)
    plan = build_plan([parent], [variant], variant_set_sha256="x")
    model = ControlModel("control/contaminated", memorized_fraction=1.0)
    assert len(model.answer_key) == 0
    prepare_for_plan(model, plan)
    assert len(model.answer_key) == 2
    original_case, variant_case = (model.answer_key.get(row.prompt) for row in plan.rows)
    assert original_case == case_for_item(parent)
    assert variant_case == case_for_variant(variant, parent)
    [gen] = Runner(model).generate([plan.rows[0].prompt], GenParams())
    assert gen.error is None and "7" in (gen.text or "")
    prepare_for_plan(object(), plan)  # a backend that needs no plan is left alone
