"""The lab: train twin models (clean, contaminated) with a known ground truth (`lab.json`).

Heavy dependencies (torch, transformers, tokenizers) are imported inside the functions that
train, so importing this front door stays cheap.
"""

from detector.lab.background import load_background
from detector.lab.build import SIZES, LabSpec, build_lab, default_contaminate, steps_for_minutes
from detector.lab.manifest import LabManifest, lab_for_model, read_manifest, write_manifest

__all__ = [
    "SIZES",
    "LabManifest",
    "LabSpec",
    "build_lab",
    "default_contaminate",
    "lab_for_model",
    "load_background",
    "read_manifest",
    "steps_for_minutes",
    "write_manifest",
]
