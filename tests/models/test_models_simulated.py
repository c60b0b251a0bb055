"""Simulated models behave as specified: natural drops, carried difficulty, habits, memorization."""

import numpy as np
import pytest

from detector.models import AnswerKey, ControlCase
from detector.models.control import Draws
from detector.models.simulated import HonestProfile, SimulatedModel

N = 3000


def _cases(family: str = "numeric") -> list[tuple[ControlCase, ControlCase]]:
    pairs = []
    for i in range(N):
        original = ControlCase(
            gold=str(10 + i % 50), kind="math", parent_id=f"p{i}", parent_gold=str(10 + i % 50)
        )
        variant = ControlCase(gold=str(200 + i % 50), kind="math", parent_id=f"p{i}", is_original=False,
                              parent_gold=str(10 + i % 50), gold_changed=True, family=family)  # fmt: skip
        pairs.append((original, variant))
    return pairs


def _outcomes(model: SimulatedModel, pairs) -> tuple[np.ndarray, np.ndarray]:
    orig = np.array([model.right(o, Draws(f"o{o.parent_id}")) for o, _ in pairs], dtype=float)
    var = np.array([model.right(v, Draws(f"v{v.parent_id}")) for _, v in pairs], dtype=float)
    return orig, var


def test_honest_model_drops_by_family_and_carries_difficulty():
    profile = HonestProfile(accuracy=0.7, family_drop={"numeric": 12.0}, default_drop=3.0, carry=0.8)
    model = SimulatedModel("honest", profile=profile, seed=1)
    orig, var = _outcomes(model, _cases("numeric"))
    assert orig.mean() == pytest.approx(0.70, abs=0.03)
    assert var.mean() == pytest.approx(0.58, abs=0.03)
    # Outcomes correlate (latent correlation 0.8 gives a phi coefficient near 0.55 here).
    assert np.corrcoef(orig, var)[0, 1] > 0.4
    _, other = _outcomes(model, _cases("entity"))
    assert other.mean() == pytest.approx(0.67, abs=0.03)
    independent = SimulatedModel("honest", profile=HonestProfile(accuracy=0.7, carry=0.0), seed=1)
    o2, v2 = _outcomes(independent, _cases())
    assert abs(np.corrcoef(o2, v2)[0, 1]) < 0.1


def test_letter_habit_names_the_pick_by_its_place_on_relabelled_options():
    case = ControlCase(gold="3", kind="multiple_choice", parent_id="p", is_original=False, parent_gold="C",
                       gold_changed=True, family="option-relabel", labels=("1", "2", "3", "4"))  # fmt: skip
    model = SimulatedModel("habit", AnswerKey(), profile=HonestProfile(accuracy=1.0, default_drop=0.0,
                           letter_habit=1.0))  # fmt: skip
    assert model.answer(case, Draws("x")).endswith(("(C).", "C"))
    plain = SimulatedModel("plain", AnswerKey(), profile=HonestProfile(accuracy=1.0, default_drop=0.0))
    assert "3" in plain.answer(case, Draws("x"))


def test_position_bias_sends_wrong_picks_to_the_first_label():
    case = ControlCase(gold="C", kind="multiple_choice", parent_id="p", labels=("A", "B", "C", "D"))
    model = SimulatedModel("biased", profile=HonestProfile(accuracy=0.0, default_drop=0.0, position_bias=0.6))
    picks = [model._wrong_label(case, case.labels, Draws(f"d{i}")) for i in range(2000)]
    assert picks.count("A") / 2000 == pytest.approx(0.6 + 0.4 / 3, abs=0.04)
    assert "C" not in picks


def test_contaminated_signatures():
    pairs = _cases()
    strong = SimulatedModel("strong", memorized_fraction=1.0, seed=2)
    answers = [strong.answer(v, Draws(f"s{i}")) for i, (_, v) in enumerate(pairs[:500])]
    stale = np.mean(
        [a.rstrip(".").split()[-1] == v.parent_gold for a, (_, v) in zip(answers, pairs, strict=False)]
    )
    assert stale == pytest.approx(0.9, abs=0.05)
    quiet = SimulatedModel("quiet", memorized_fraction=1.0, signature="answer-only", seed=2)
    originals = [quiet.answer(o, Draws(f"q{i}")) for i, (o, _) in enumerate(pairs[:500])]
    assert (
        np.mean([a.rstrip(".").split()[-1] == o.gold for a, (o, _) in zip(originals, pairs, strict=False)])
        > 0.9
    )
    variants = [quiet.answer(v, Draws(f"q{i}")) for i, (_, v) in enumerate(pairs[:500])]
    assert not any(
        a.rstrip(".").split()[-1] == v.parent_gold for a, (_, v) in zip(variants, pairs, strict=False)
    )
    with pytest.raises(ValueError, match="signature"):
        SimulatedModel("x", signature="loud")
