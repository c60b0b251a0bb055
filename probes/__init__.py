"""Perturbation families and their typed registry.

Each family takes a benchmark item and a seeded RNG and returns a verified `Variant` (or None
for a failed draw; `ProbeSkip` when the item can never yield one). Names are what users type.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from detector.types import Probe
from probes.base import ProbeSkip
from probes.cloze import ClozeProbe
from probes.code import CODE_PROBES
from probes.distractor import DistractorProbe
from probes.entity import EntityProbe
from probes.none_of_the_above import NoneOfTheAboveProbe
from probes.numeric import NumericProbe
from probes.option_relabel import OptionRelabelProbe
from probes.option_shuffle import OptionShuffleProbe
from probes.paraphrase import ParaphraseProbe
from probes.truncate import TruncateProbe

PROBES: Final[Mapping[str, type[Probe]]] = MappingProxyType({
    "numeric": NumericProbe,
    "entity": EntityProbe,
    "option-shuffle": OptionShuffleProbe,
    "option-relabel": OptionRelabelProbe,
    "none-of-the-above": NoneOfTheAboveProbe,
    "distractor": DistractorProbe,
    "paraphrase": ParaphraseProbe,
    "cloze": ClozeProbe,
    "truncate": TruncateProbe,
    **CODE_PROBES,
})
# Families whose variants keep the item's meaning: they also need a minimum similarity to the parent.
MEANING_PRESERVING: Final[frozenset[str]] = frozenset({"entity", "paraphrase", "distractor"})


def get_probe(name: str) -> Probe:
    """The probe registered under `name`.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    try:
        return PROBES[name]()
    except KeyError:
        raise ValueError(f"unknown probe family {name!r}; valid: {', '.join(PROBES)}") from None


__all__ = ["MEANING_PRESERVING", "PROBES", "Probe", "ProbeSkip", "get_probe"]
