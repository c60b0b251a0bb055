"""Progress of long work on stderr: a rich bar on a terminal, plain lines in a log.

Where stderr is a file or a pipe (CI logs, nohup), rich draws its bar only once, at the end, so a
long run looks stalled. There a plain line (`description done/total unit, rate, elapsed, ETA`) is
printed every LOG_EVERY_S seconds and when the work is done.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

LOG_EVERY_S = 30.0
MB = 1_000_000


class Tracker:
    """Counts finished work; `advance(n)` adds to it, `update(done, note)` sets it (the note, such as
    `7,800 tokens/s`, is shown beside the rate)."""

    def advance(self, n: float = 1) -> None:
        """Count `n` more units done."""

    def update(self, done: float, note: str = "") -> None:
        """Set the units done so far, with an optional note."""


class _RichTracker(Tracker):
    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def advance(self, n: float = 1) -> None:
        self._bar.advance(self._task, n)

    def update(self, done: float, note: str = "") -> None:
        self._bar.update(self._task, completed=done, note=note)


class _LogTracker(Tracker):
    def __init__(self, console: Console, description: str, total: float, unit: str, in_bytes: bool) -> None:
        self._console, self._description, self._total = console, description, total
        self._unit, self._in_bytes = unit, in_bytes
        self._start = self._last = time.monotonic()
        self._done = 0.0
        self._note = ""

    def advance(self, n: float = 1) -> None:
        self.update(self._done + n, self._note)

    def update(self, done: float, note: str = "") -> None:
        self._done, self._note = done, note
        now = time.monotonic()
        if now - self._last < LOG_EVERY_S and done < self._total:
            return
        self._last = now
        elapsed = max(now - self._start, 1e-9)
        rate = done / elapsed
        eta = f"{(self._total - done) / rate:.0f} s" if rate > 0 else "?"
        if self._in_bytes:
            counts, speed = f"{done / MB:.1f}/{self._total / MB:.1f} MB", f"{rate / MB:.1f} MB/s"
        else:
            counts, speed = f"{done:.0f}/{self._total:.0f} {self._unit}", f"{rate:.1f} {self._unit}/s"
        extra = f", {note}" if note else ""
        self._console.print(
            f"{self._description} {counts}, {speed}{extra}, {elapsed:.0f} s elapsed, ETA {eta}",
            highlight=False, soft_wrap=True,
        )


class _RateColumn(ProgressColumn):
    """Units per second so far (`3.2 req/s`)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = "?" if speed is None else f"{speed:.1f}"
        return Text(f"{shown} {self.unit}/s", style="progress.data.speed")


@contextmanager
def track(description: str | None, total: float, unit: str = "items", *, in_bytes: bool = False,
             transient: bool = False, console: Console | None = None) -> Iterator[Tracker]:
    """A tracker of `total` units of work shown on stderr; with `description` None, one that shows
    nothing. `in_bytes` shows sizes in MB and speeds in MB/s."""
    if description is None:
        yield Tracker()
        return
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield _LogTracker(console, description, total, unit, in_bytes)
        return
    counts: list[Any] = [DownloadColumn(), TransferSpeedColumn()] if in_bytes else [
        MofNCompleteColumn(), _RateColumn(unit)]
    columns = [TextColumn("{task.description}"), BarColumn(), *counts, TextColumn("{task.fields[note]}"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=transient) as bar:
        yield _RichTracker(bar, bar.add_task(description, total=total, note=""))
