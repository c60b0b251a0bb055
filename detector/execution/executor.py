"""Run many programs in sandboxes in parallel, with a persistent cache of their outcomes.

An outcome depends only on the program, the limits, the sandbox version and what isolation the
machine gives, so it is cached under the sha256 of those (SQLite, one committed row per run,
like the response cache). Timeouts are not cached: they may come from a busy machine.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from detector.execution.sandbox import SANDBOX_VERSION, ExecutionResult, SandboxLimits, isolation, run_python

UNCACHED_STATUSES = frozenset({"timeout", "sandbox_error"})


def default_parallelism() -> int:
    """One sandbox per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_execution_cache_path() -> Path:
    """`executions.sqlite` beside the response cache (`$DETECT_CACHE_DIR`, else ~/.cache/detect)."""
    from detector.cache_dir import cache_dir

    return cache_dir() / "executions.sqlite"


def execution_key(program: str, limits: SandboxLimits) -> str:
    parts = [SANDBOX_VERSION, isolation().description, dataclasses.asdict(limits), program]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


class ExecutionCache:
    """Thread-safe SQLite cache of execution results."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS executions (key TEXT PRIMARY KEY, payload TEXT NOT NULL)"
        )

    def get(self, key: str) -> ExecutionResult | None:
        with self._lock:
            row = self._db.execute("SELECT payload FROM executions WHERE key = ?", (key,)).fetchone()
        return None if row is None else ExecutionResult(**json.loads(row[0]))

    def put(self, key: str, result: ExecutionResult) -> None:
        if result.status in UNCACHED_STATUSES:
            return
        payload = json.dumps(dataclasses.asdict(result))
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO executions VALUES (?, ?)", (key, payload))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class Executor:
    """Runs programs in sandboxes, `parallelism` at a time, through an optional cache."""

    def __init__(
        self,
        limits: SandboxLimits | None = None,
        parallelism: int | None = None,
        cache: ExecutionCache | None = None,
    ):
        self.limits = limits or SandboxLimits()
        self.parallelism = parallelism or default_parallelism()
        if self.parallelism < 1:
            raise ValueError(f"parallelism must be >= 1, got {self.parallelism}")
        self.cache = cache

    def run(self, program: str) -> ExecutionResult:
        key = execution_key(program, self.limits) if self.cache is not None else ""
        if self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                return found
        result = run_python(program, self.limits)
        if self.cache is not None:
            self.cache.put(key, result)
        return result

    def run_many(self, programs: Sequence[str]) -> list[ExecutionResult]:
        """One result per program, in order; identical programs run once."""
        unique = list(dict.fromkeys(programs))
        if len(unique) <= 1 or self.parallelism == 1:
            done = {program: self.run(program) for program in unique}
        else:
            with ThreadPoolExecutor(max_workers=self.parallelism) as pool:
                done = dict(zip(unique, pool.map(self.run, unique), strict=True))
        return [done[program] for program in programs]


def default_executor() -> Executor:
    """The shared executor: default parallelism, outcomes cached beside the response cache
    (`$DETECT_CACHE_DIR/executions.sqlite`, else under ~/.cache/detect)."""
    return _executor_at(str(default_execution_cache_path()))


@functools.lru_cache(maxsize=8)
def _executor_at(cache_path: str) -> Executor:
    return Executor(cache=ExecutionCache(cache_path))
