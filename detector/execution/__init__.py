"""Sandboxed execution of untrusted code: one run (`run_python`), many in parallel (`Executor`)."""

from detector.execution.executor import (
    ExecutionCache,
    Executor,
    default_execution_cache_path,
    default_executor,
    default_parallelism,
)
from detector.execution.sandbox import ExecutionResult, Isolation, SandboxLimits, isolation, run_python

__all__ = [
    "ExecutionCache",
    "ExecutionResult",
    "Executor",
    "Isolation",
    "SandboxLimits",
    "default_execution_cache_path",
    "default_executor",
    "default_parallelism",
    "isolation",
    "run_python",
]
