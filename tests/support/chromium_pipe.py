"""A headless Chromium driven over the DevTools protocol on a pipe, for the HTML report tests.

Chromium comes from the system packages (Debian: `apt-get install -y chromium`). Without it
the tests that use it fail with that instruction: they are not skipped. Set
DETECT_SCREENSHOT_DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1200,2000", "--remote-debugging-pipe",
)
TIMEOUT_S = 60.0

PAGE_FACTS = """(() => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
    return {width: r.width, height: r.height}; };
  const shown = (sel) => [...document.querySelectorAll(sel)].filter(
    (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length;
  return {
    title: document.title,
    text: document.body.innerText,
    familyChart: box(document.querySelector('svg.family-chart')),
    scatterCharts: [...document.querySelectorAll('svg.scatter-chart')].map(box),
    shownOriginalDots: shown('svg.family-chart circle.dot-original'),
    shownVariantDots: shown('svg.family-chart circle.dot-variant'),
    shownModelPoints: shown('svg.scatter-chart g.model-point circle'),
    scripts: document.scripts.length,
    pageWidth: document.documentElement.scrollWidth,
    viewportWidth: window.innerWidth,
  };
})()"""


def find_browser() -> str:
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        "Chromium is not installed, so the HTML reports cannot be checked in a browser. "
        "Install it with: apt-get update && apt-get install -y chromium"
    )


class PipeBrowser:
    """A headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_r, self._write_fd = os.pipe()
        self._read_fd, from_browser_w = os.pipe()

        def wire_pipes() -> None:
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire_pipes,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, session: str) -> dict:
        def wanted(message: dict) -> bool:
            return message.get("method") == method and message.get("sessionId") == session

        for event in self.events:
            if wanted(event):
                return event
        return self._wait(wanted)

    def _wait(self, wanted: Any) -> dict:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read_fd], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer over the DevTools pipe")
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk

    def close(self) -> None:
        try:
            os.write(self._write_fd, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write_fd)
        os.close(self._read_fd)


def console_problems(events: list[dict[str, Any]]) -> list[str]:
    """Console calls, uncaught exceptions and error/warning log entries (CSP violations among them)."""
    problems = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            problems.append(f"console.{params.get('type')}: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            problems.append(f"uncaught: {description}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            problems.append(f"log {params['entry'].get('level')}: {params['entry'].get('text')}")
    return problems


def open_page(browser: PipeBrowser, path: Path) -> tuple[dict[str, Any], list[str], bytes]:
    """Load a file in a new tab: the page facts, console problems and a PNG screenshot."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    try:
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired", session)
        facts = browser.send(
            "Runtime.evaluate", {"expression": PAGE_FACTS, "returnByValue": True}, session=session
        )["result"]["value"]
        shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                            session=session)
        problems = console_problems([e for e in browser.events if e.get("sessionId") == session])
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    png = base64.b64decode(shot["data"])
    keep = os.environ.get("DETECT_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{path.stem}.png").write_bytes(png)
    return facts, problems, png
