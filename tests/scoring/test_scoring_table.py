import pytest

from detector.plan import build_plan
from detector.scoring.table import RowScorer, score_rows
from detector.types import BenchmarkItem, Variant

OPTS = ("red", "blue", "green", "black")


def _plan():
    parent = BenchmarkItem("m", "m/0", "Sky colour?", "B", OPTS, ("A", "B", "C", "D"))
    shuffled = BenchmarkItem(
        "m",
        "m/0~option-shuffle~0",
        "Sky colour?",
        "D",
        ("red", "black", "green", "blue"),
        ("A", "B", "C", "D"),
    )
    relabel = BenchmarkItem("m", "m/0~option-relabel~0", "Sky colour?", "2", OPTS, ("1", "2", "3", "4"))
    lower = BenchmarkItem("m", "m/0~option-relabel~1", "Sky colour?", "b", OPTS, ("a", "b", "c", "d"))
    math = BenchmarkItem(
        "g",
        "g/0",
        "Tom has 3 apples and buys 4 more apples. How many?",
        "7",
        solution="Tom has 3 apples and buys 4 more so 3 + 4 = 7 apples",
        metadata={"kind": "math"},
    )
    numeric = BenchmarkItem(
        "g",
        "g/0~numeric~0",
        "Tom has 5 apples and buys 4 more apples. How many?",
        "9",
        solution="Tom has 5 apples and buys 4 more so 5 + 4 = 9 apples",
        metadata={"kind": "math"},
    )
    variants = [
        Variant(shuffled, "m/0", "option-shuffle", "1", 0, parent_answer="B", gold_changed=True),
        Variant(relabel, "m/0", "option-relabel", "1", 0, parent_answer="B", gold_changed=True),
        Variant(lower, "m/0", "option-relabel", "1", 0, parent_answer="B", gold_changed=True),
        Variant(numeric, "g/0", "numeric", "1", 0, parent_answer="7", gold_changed=True),
    ]
    return build_plan([parent, math], variants, variant_set_sha256="s")


def test_stale_placebo_and_echo_columns():
    plan = _plan()
    texts = [
        "The answer is (B).",  # original m/0: right
        "Tom has 3 apples and buys 4 more so 3 + 4 = 7 apples. The answer is 7.",  # original g/0: right
        "Answer: B",  # shuffle: the old label -> stale
        "The answer is (B).",  # relabel 1-4: the pick named by its old letter -> a format error, not stale
        "The answer is (b).",  # relabel a-d: same answer, not a changed gold
        "Tom has 3 apples and buys 4 more so 3 + 4 = 7 apples. The answer is 7.",  # echo of the parent
    ]
    scores = score_rows(plan.rows, texts)
    by_id = {row["prompt_id"]: row for row in scores.iter_rows(named=True)}
    shuffle = by_id["m/0~option-shuffle~0"]
    assert (shuffle["correct"], shuffle["original_correct"], shuffle["stale"], shuffle["placebo"]) == (
        False,
        True,
        True,
        False,
    )
    # Relabelled options keep their places: the old letter names the right option by its place (the
    # letter habit). That is wrong in the new scheme, but not a stale answer: relabel leaves the test.
    relabel = by_id["m/0~option-relabel~0"]
    assert relabel["correct"] is False and relabel["stale"] is None and relabel["placebo"] is None
    lower = by_id["m/0~option-relabel~1"]
    assert lower["correct"] is True and lower["stale"] is None
    numeric = by_id["g/0~numeric~0"]
    assert numeric["stale"] is True and numeric["correct"] is False
    assert numeric["jaccard_parent"] > 0.6 and numeric["jaccard_parent"] > numeric["jaccard_own"] + 0.2
    assert by_id["m/0"]["original_correct"] is None and by_id["m/0"]["role"] == "original"


def test_placebo_and_failed_requests():
    plan = _plan()
    # The original answer equals the shuffled variant's new gold (D): a placebo hit.
    texts = ["Answer: D", None, "Answer: A", "Answer: 1", "Answer: a", None]
    scores = RowScorer(plan.rows).score(texts)
    by_id = {row["prompt_id"]: row for row in scores.iter_rows(named=True)}
    assert by_id["m/0~option-shuffle~0"]["placebo"] is True
    assert by_id["m/0~option-shuffle~0"]["stale"] is False
    assert by_id["g/0"]["correct"] is None
    assert by_id["g/0~numeric~0"]["original_correct"] is None
    with pytest.raises(ValueError, match="answers for"):
        RowScorer(plan.rows).score(texts[:-1])
