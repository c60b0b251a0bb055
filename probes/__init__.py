"""Perturbation families and their typed registry.

Each family takes a benchmark item and a seeded RNG and returns a `Variant` (or None for a failed
draw; `ProbeSkip` when the item can never yield one), and declares in `probes.registry` how its
variants are verified (`FamilySpec`). Names are what users type.
"""

from __future__ import annotations

from detector.types import Probe
from probes.base import ProbeSkip
from probes.registry import (
    CODE_FAMILIES,
    FAMILIES,
    PROBES,
    check_families,
    get_family,
    get_probe,
    with_family,
)
from probes.spec import FamilySpec, GoldCheck

__all__ = [
    "CODE_FAMILIES", "FAMILIES", "PROBES", "FamilySpec", "GoldCheck", "Probe", "ProbeSkip", "check_families",
    "get_family", "get_probe", "with_family",
]
