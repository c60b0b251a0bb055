"""Resume after SIGKILL: answers committed before the kill are never asked for again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from detector.models import AnswerKey, ControlCase, ControlModel, ResponseCache, load_model
from detector.models.cache import generation_key
from detector.types import GenParams
from tests.support.local_server import LocalServer

REPO = Path(__file__).resolve().parents[2]
N = 60
SCRIPT = """
import json, sys
from detector.models import ResponseCache, Runner, load_model
from detector.types import GenParams
url, cache_path, out_path, n = sys.argv[1:5]
prompts = [f"resume question {i}" for i in range(int(n))]
runner = Runner(load_model("openai/control", base_url=url), ResponseCache(cache_path), concurrency=2)
generations = runner.generate(prompts, GenParams())
with open(out_path, "w") as f:
    json.dump([[g.text, g.error] for g in generations], f)
"""


def run_script(script: Path, url: str, cache: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(script), url, str(cache), str(out), str(N)], env=env)


def test_killed_run_resumes_without_asking_again(tmp_path):
    key = AnswerKey()
    prompts = [f"resume question {i}" for i in range(N)]
    for i, prompt in enumerate(prompts):
        key.register(prompt, ControlCase(gold=str(i), kind="math", parent_id=f"r/{i}"))
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    with LocalServer(ControlModel("control/clean", key), delay_s=0.02) as server:
        cache_path = tmp_path / "resumed.sqlite"
        proc = run_script(script, server.url, cache_path, tmp_path / "killed.json")
        deadline = time.monotonic() + 60
        while sum(server.answered.values()) < N // 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not (tmp_path / "killed.json").exists()

        identity = load_model("openai/control", base_url=server.url).cache_identity
        cache = ResponseCache(cache_path)
        keys = {generation_key(identity, p, GenParams()): p for p in prompts}
        committed = {keys[k] for k in cache.get_generations(list(keys))}
        cache.close()
        assert 0 < len(committed) < N
        assert committed <= set(server.answered)

        server.reset_counts()
        assert run_script(script, server.url, cache_path, tmp_path / "resumed.json").wait() == 0
        asked_again = set(server.requests)
        assert asked_again.isdisjoint(committed)
        assert asked_again == set(prompts) - committed
        assert all(count == 1 for count in server.requests.values())

        fresh = run_script(script, server.url, tmp_path / "fresh.sqlite", tmp_path / "fresh.json")
        assert fresh.wait() == 0
    resumed = json.loads((tmp_path / "resumed.json").read_text())
    assert resumed == json.loads((tmp_path / "fresh.json").read_text())
    assert all(text is not None and error is None for text, error in resumed)
