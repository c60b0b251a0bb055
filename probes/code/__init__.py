"""Code families: verified variants of programming tasks (HumanEval, MBPP), one module each.

Every variant is kept only when its reference solution, transformed alongside, passes the
variant's tests in the sandbox (`detector.execution`); its params record that.
"""

from __future__ import annotations

from probes.code.distractor import CodeDistractorProbe
from probes.code.docstring import CodeDocstringProbe
from probes.code.examples import CodeExamplesProbe
from probes.code.rename import CodeRenameProbe
from probes.code.truncate import CodeTruncateProbe

__all__ = [
    "CodeDistractorProbe", "CodeDocstringProbe", "CodeExamplesProbe", "CodeRenameProbe", "CodeTruncateProbe",
]
