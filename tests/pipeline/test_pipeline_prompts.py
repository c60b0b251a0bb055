from detector.benchmarks import load_benchmark, shot_files
from detector.plan import build_plan
from detector.prompts import render_prompt, select_shots
from detector.scoring import score_response
from detector.types import BenchmarkItem, Variant


def test_zero_shot_prompts_ask_for_the_answer_form():
    math = BenchmarkItem("g", "g/0", "Tom has 3 apples and buys 4. How many?", "7", metadata={"kind": "math"})
    prompt = render_prompt(math)
    assert "The answer is N" in prompt and prompt.endswith(
        "Problem: Tom has 3 apples and buys 4. How many?\nSolution:"
    )
    mc = BenchmarkItem("m", "m/0", "Pick one", "2", choices=("x", "y"), labels=("1", "2"))
    prompt = render_prompt(mc)
    assert "one of 1, 2" in prompt and "1. x\n2. y\nAnswer:" in prompt
    cont = render_prompt(BenchmarkItem("g", "g/0~truncate~0", "Tom has 3", "apples"), scoring="continuation")
    assert cont.endswith("Tom has 3") and "Continue" in cont


def test_few_shot_uses_the_dev_split_in_the_items_label_scheme():
    mmlu = load_benchmark("mmlu")
    files = shot_files(mmlu.path)
    assert files and all("_dev" in f.name for f in files)
    pool = load_benchmark(str(files[0])).items
    item = mmlu.items[0]
    relabelled = BenchmarkItem(item.benchmark, "v", item.question, "2", item.choices, ("1", "2", "3", "4"))
    shots = select_shots(pool, item, 2)
    assert len(shots) == 2 and all(shot not in mmlu.items for shot in shots)
    prompt = render_prompt(relabelled, shots=shots)
    assert prompt.count("Question:") == 3
    assert prompt.count("Answer: The answer is ") == 2
    assert "\nA. " not in prompt  # examples shown in the item's scheme (1-4), not in A-D
    gsm = load_benchmark("gsm8k")
    assert [f.name for f in shot_files(gsm.path)] == ["gsm8k_train.jsonl"]
    assert shot_files("/nowhere/data.jsonl") == []


def test_plan_renders_originals_then_variants_and_keeps_scoring():
    parent = BenchmarkItem(
        "g", "g/0", "Tom has 3 apples and buys 4. How many?", "7", solution="3+4=7", metadata={"kind": "math"}
    )
    child = BenchmarkItem(
        "g",
        "g/0~numeric~0",
        "Tom has 5 apples and buys 4. How many?",
        "9",
        solution="5+4=9",
        metadata={"kind": "math"},
    )
    variant = Variant(child, "g/0", "numeric", "1", 0, parent_answer="7", gold_changed=True)
    plan = build_plan([parent], [variant], variant_set_sha256="s")
    assert [row.role for row in plan.rows] == ["original", "variant"]
    assert plan.rows[1].family == "numeric" and plan.rows[1].scoring == "answer"
    assert score_response(plan.rows[1].item, "The answer is 9").correct
