"""Min-K% Prob, Min-K%++, mean log-prob, the membership signal and AUROC on hand-computed values."""

from __future__ import annotations

import math

import pytest

from detector.membership.likelihood import auroc_by_score, membership_signal, score_items
from detector.membership.scores import (
    TextScores,
    mean_logprob,
    min_k_plus_plus,
    min_k_prob,
    score_logprobs,
)
from detector.membership.texts import render_document, scoring_pair
from detector.prompts import render_prompt
from detector.types import BenchmarkItem, TokenLogprobs, Variant

LOGPROBS = [-0.5, -3.0, -1.0, -0.1, -2.0, -4.0, -0.2, -0.3, -1.5, -0.7]


def test_mean_logprob() -> None:
    assert mean_logprob([-1.0, -2.0, -4.5]) == pytest.approx(-2.5)


def test_min_k_prob_takes_the_lowest_fraction() -> None:
    # 10 tokens, k=0.2 -> the 2 lowest: -4.0 and -3.0
    assert min_k_prob(LOGPROBS, 0.2) == pytest.approx(-3.5)
    # k=0.5 -> the 5 lowest: -4, -3, -2, -1.5, -1
    assert min_k_prob(LOGPROBS, 0.5) == pytest.approx(-11.5 / 5)
    assert min_k_prob(LOGPROBS, 1.0) == pytest.approx(mean_logprob(LOGPROBS))


def test_min_k_prob_uses_at_least_one_token() -> None:
    assert min_k_prob([-0.2, -5.0, -1.0], 0.2) == pytest.approx(-5.0)


def test_min_k_plus_plus_standardises_by_vocabulary_statistics() -> None:
    logprobs = [-1.0, -2.0, -3.0, -0.5]
    means = [-2.0, -2.0, -1.0, -1.5]
    variances = [4.0, 1.0, 1.0, 0.25]
    # z = (lp - mu) / sigma = [0.5, 0.0, -2.0, 2.0]; k=0.5 -> the 2 lowest: -2.0, 0.0
    assert min_k_plus_plus(logprobs, means, variances, 0.5) == pytest.approx(-1.0)
    assert min_k_plus_plus(logprobs, means, variances, 0.25) == pytest.approx(-2.0)


def test_min_k_plus_plus_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        min_k_plus_plus([-1.0, -2.0], [-1.0], [1.0, 1.0])


@pytest.mark.parametrize("k", [0.0, -0.1, 1.5])
def test_k_must_be_a_fraction(k: float) -> None:
    with pytest.raises(ValueError, match="k must be"):
        min_k_prob(LOGPROBS, k)


def test_empty_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="no tokens"):
        min_k_prob([], 0.2)


def test_score_logprobs_with_and_without_vocabulary_statistics() -> None:
    with_stats = TokenLogprobs(
        tokens=("a", "b"), logprobs=(-1.0, -3.0), mean_logprobs=(-2.0, -2.0), var_logprobs=(1.0, 4.0)
    )
    scores = score_logprobs(with_stats, k=0.5)
    assert scores.n_tokens == 2
    assert scores.mean_logprob == pytest.approx(-2.0)
    assert scores.min_k == pytest.approx(-3.0)
    assert scores.min_k_plus_plus == pytest.approx(-0.5)  # z = [1.0, -0.5]
    bare = score_logprobs(TokenLogprobs(tokens=("a",), logprobs=(-1.0,)))
    assert bare.min_k_plus_plus is None
    with pytest.raises(ValueError, match="failed"):
        score_logprobs(TokenLogprobs(tokens=(), logprobs=(), error="timeout"))


def _scores(value: float, plus_plus: float | None = None) -> TextScores:
    return TextScores(n_tokens=5, mean_logprob=value, min_k=value - 1, min_k_plus_plus=plus_plus)


def test_membership_signal_is_the_mean_paired_difference() -> None:
    originals = {"a": _scores(-1.0, 0.5), "b": _scores(-2.0, 0.0), "c": None}
    variants = [("a", _scores(-1.5, 0.0)), ("a", _scores(-2.5, -1.0)), ("b", _scores(-2.2, -0.2)),
                ("c", _scores(-3.0, 0.0)), ("d", _scores(-1.0, 0.0))]
    signal = membership_signal(originals, variants, seed=1)
    assert signal is not None
    # a: -1.0 - mean(-1.5, -2.5) = 1.0; b: -2.0 - (-2.2) = 0.2; c has no original, d no parent
    assert signal["estimate"] == pytest.approx(0.6)
    assert signal["n_items"] == 2 and signal["n_variants"] == 3
    assert signal["ci_low"] <= signal["estimate"] <= signal["ci_high"]
    assert 0.2 - 1e-9 <= signal["ci_low"] and signal["ci_high"] <= 1.0 + 1e-9
    assert signal["scores"]["min_k_plus_plus"]["estimate"] == pytest.approx((1.0 + 0.2) / 2)
    assert membership_signal(originals, variants, seed=1) == signal  # seeded


def test_membership_signal_without_pairs_or_without_min_k_plus_plus() -> None:
    assert membership_signal({"a": _scores(-1.0)}, [("b", _scores(-1.0))], seed=0) is None
    signal = membership_signal({"a": _scores(-1.0)}, [("a", _scores(-2.0))], seed=0)
    assert signal is not None and signal["scores"]["min_k_plus_plus"] is None
    assert signal["estimate"] == pytest.approx(1.0)


def test_auroc_by_score() -> None:
    scores = {"x1": _scores(-1.0, 1.0), "x2": _scores(-1.2, 0.9), "y1": _scores(-2.0, 1.5),
              "y2": _scores(-2.5, -1.0), "z": _scores(0.0, 0.0)}
    labels = {"x1": 1, "x2": 1, "y1": 0, "y2": 0}
    result = auroc_by_score(scores, labels)
    assert result["mean_logprob"] == pytest.approx(1.0)
    assert result["min_k_plus_plus"] == pytest.approx(0.5)  # pairs: x1>y2, x2>y2, x1<y1, x2<y1
    assert auroc_by_score(scores, {"x1": 1, "x2": 1})["min_k"] is None  # one class only


ITEM = BenchmarkItem(benchmark="b", item_id="b/0", question="What is 2+3?", answer="5",
                     solution="2+3 = <<2+3=5>>5", metadata={"kind": "math"})
MC = BenchmarkItem(benchmark="m", item_id="m/0", question="Pick one.", answer="B", choices=("x", "y"),
                   labels=("A", "B"))


def test_scoring_pair_is_the_probe_prompt_and_the_gold_response() -> None:
    context, continuation = scoring_pair(ITEM)
    assert context == render_prompt(ITEM)
    assert continuation == " 2+3 = 5\nThe answer is 5."  # calculator annotations dropped
    assert context + continuation == render_document(ITEM)
    head, rest = scoring_pair(ITEM, with_solution=False)
    assert head.endswith("\n\n") and rest == "Problem: What is 2+3?\nSolution: The answer is 5."
    head, rest = scoring_pair(MC)
    assert head + rest == render_prompt(MC) + " The answer is B."
    assert rest.startswith("Question: Pick one.\nA. x\nB. y\nAnswer:")


def test_score_items_keeps_order_and_marks_failures() -> None:
    def fake(pairs: list[tuple[str, str]]) -> list[TokenLogprobs]:
        return [TokenLogprobs(tokens=("t",), logprobs=(-float(len(c)),)) if "2+3" in c
                else TokenLogprobs(tokens=(), logprobs=(), error="boom") for _, c in pairs]

    scored = score_items(fake, [ITEM, MC])
    assert scored["m/0"] is None
    assert scored["b/0"] is not None and math.isclose(scored["b/0"].mean_logprob, -len(scoring_pair(ITEM)[1]))


def _variant(
    parent: BenchmarkItem, k: int, question: str, solution: str | None, scoring: str = "answer"
) -> Variant:
    item = BenchmarkItem(benchmark=parent.benchmark, item_id=f"{parent.item_id}~numeric~{k}",
                         question=question, answer="7", solution=solution, metadata={"kind": "math"})
    return Variant(item=item, parent_id=parent.item_id, family="numeric", family_version="1", seed=0,
                   scoring=scoring)


def test_membership_table_pairs_like_with_like_and_rebuilds_the_signal() -> None:
    from detector.membership.table import membership_from_table, membership_rows

    def fake(pairs: list[tuple[str, str]]) -> list[TokenLogprobs]:
        # The original's text (numbers 2 and 3) is likelier than any variant's; no-solution texts
        # get a different level, so mixing the two kinds would show.
        out = []
        for _, text in pairs:
            value = -1.0 if "2+3" in text else -2.0
            value -= 0.5 if "Problem:" in text else 0.0  # the no-solution rendering
            out.append(TokenLogprobs(tokens=("a", "b"), logprobs=(value, value), mean_logprobs=(-3.0, -3.0),
                                     var_logprobs=(1.0, 1.0)))
        return out

    variants = [_variant(ITEM, 0, "What is 3+4?", "3+4 = <<3+4=7>>7"),
                _variant(ITEM, 1, "What is 4+3?", None),
                _variant(ITEM, 2, "What is 2+", None, scoring="continuation")]
    table = membership_rows(fake, [ITEM], variants)
    assert table.height == 4  # original x2 renderings, two answer-scored variants; truncate left out
    assert set(table.filter(table["role"] == "original")["with_solution"].to_list()) == {True, False}
    signal = membership_from_table(table, seed=0, labels={"b/0": 1})
    assert signal is not None
    assert signal["estimate"] == pytest.approx(1.0)  # each pair differs by exactly 1 nat/token
    assert signal["n_items"] == 2 and signal["n_variants"] == 2
    assert signal["families"]["numeric"]["estimate"] == pytest.approx(1.0)
    assert signal["auroc"] is None  # one class only
    assert membership_from_table(table.filter(table["role"] == "original"), seed=0) is None


def test_membership_p_value_is_one_sided() -> None:
    originals = {p: _scores(-1.0) for p in "abcd"}
    up = [(p, _scores(-1.0 - d)) for p, d in zip("abcd", (0.5, 0.7, 0.4, 0.6), strict=True)]
    down = [(p, _scores(-1.0 + d)) for p, d in zip("abcd", (0.5, 0.7, 0.4, 0.6), strict=True)]
    assert membership_signal(originals, up, seed=0)["p_value"] < 0.01
    assert membership_signal(originals, down, seed=0)["p_value"] > 0.99
