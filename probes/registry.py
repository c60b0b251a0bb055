"""The typed read-only registry of perturbation families: adding a family is its module plus one line here."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

from detector.types import Probe
from probes.cloze import ClozeProbe
from probes.code import (
    CodeDistractorProbe,
    CodeDocstringProbe,
    CodeExamplesProbe,
    CodeRenameProbe,
    CodeTruncateProbe,
)
from probes.distractor import DistractorProbe
from probes.entity import EntityProbe
from probes.none_of_the_above import NoneOfTheAboveProbe
from probes.numeric import NumericProbe, check_numeric_gold
from probes.option_relabel import OptionRelabelProbe
from probes.option_shuffle import OptionShuffleProbe
from probes.paraphrase import ParaphraseProbe
from probes.spec import FamilySpec
from probes.truncate import TruncateProbe

FAMILIES: Final[Mapping[str, FamilySpec]] = MappingProxyType({
    # numeric variants with any different number are different problems: duplicates only when equal
    "numeric": FamilySpec(NumericProbe, ceiling=0.97, duplicate_at=1.0, gold_check=check_numeric_gold),
    "entity": FamilySpec(EntityProbe, ceiling=0.97, floor=0.3, keeps_gold=True),
    "option-shuffle": FamilySpec(OptionShuffleProbe, ceiling=0.98, keeps_gold=True),
    "option-relabel": FamilySpec(OptionRelabelProbe, ceiling=0.98, keeps_gold=True),
    "none-of-the-above": FamilySpec(NoneOfTheAboveProbe, ceiling=0.98),
    "distractor": FamilySpec(DistractorProbe, ceiling=0.97, floor=0.4, keeps_gold=True),
    "paraphrase": FamilySpec(ParaphraseProbe, ceiling=0.97, floor=0.3, keeps_gold=True),
    "cloze": FamilySpec(ClozeProbe, ceiling=0.98, keeps_gold=True),
    "truncate": FamilySpec(TruncateProbe, ceiling=0.95),
    # programming tasks: each variant's transformed reference solution passes its tests in the sandbox
    "code-rename": FamilySpec(CodeRenameProbe, ceiling=0.97, for_code=True),
    "code-examples": FamilySpec(CodeExamplesProbe, ceiling=0.97, for_code=True),
    "code-docstring": FamilySpec(CodeDocstringProbe, ceiling=0.97, for_code=True),
    "code-distractor": FamilySpec(CodeDistractorProbe, ceiling=0.97, for_code=True),
    "code-truncate": FamilySpec(CodeTruncateProbe, ceiling=0.97, for_code=True),
})
# the families for programming tasks (code items get only these)
CODE_FAMILIES: Final[tuple[str, ...]] = tuple(name for name, spec in FAMILIES.items() if spec.for_code)
# name -> probe class, for callers that need only the classes (the pipeline, the CLI's help test)
PROBES: Final[Mapping[str, type[Probe]]] = MappingProxyType(
    {name: spec.probe for name, spec in FAMILIES.items()})


def with_family(spec: FamilySpec, families: Mapping[str, FamilySpec] = FAMILIES) -> Mapping[str, FamilySpec]:
    """A new read-only registry: `families` plus `spec` under its probe's name (the default one is unchanged).

    Raises:
        ValueError: when the name is already registered.
    """
    if spec.name in families:
        raise ValueError(f"family {spec.name!r} is already registered")
    return MappingProxyType({**families, spec.name: spec})


def get_family(name: str, families: Mapping[str, FamilySpec] = FAMILIES) -> FamilySpec:
    """The spec registered under `name`.

    Raises:
        ValueError: for an unknown name, listing the valid ones (and the closest, if one is close).
    """
    spec = families.get(name)
    if spec is not None:
        return spec
    close = difflib.get_close_matches(name, list(families), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown probe family {name!r}; valid: {', '.join(families)}{hint}")


def check_families(names: Sequence[str], families: Mapping[str, FamilySpec] = FAMILIES) -> list[str]:
    """The families to run: `names`, or every registered family when none are given.

    Raises:
        ValueError: for an unknown name, as `get_family`.
    """
    for name in names:
        get_family(name, families)
    return list(names) if names else list(families)


def get_probe(name: str, families: Mapping[str, FamilySpec] = FAMILIES) -> Probe:
    """A new probe of the family registered under `name`.

    Raises:
        ValueError: for an unknown name, as `get_family`.
    """
    return get_family(name, families).probe()
