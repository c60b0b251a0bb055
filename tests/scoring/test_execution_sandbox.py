"""The sandbox holds: hostile replies to a code item finish, escape nothing and score failed with a reason.

Each test scores a reply to a fixture HumanEval task through the real code scorer (extraction,
test program, sandbox), then checks from outside that nothing escaped.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from detector.benchmarks import load_benchmark
from detector.execution import Executor, SandboxLimits, isolation, run_python
from detector.scoring.code import score_code
from detector.types import BenchmarkItem

LIMITS = SandboxLimits(cpu_s=3, wall_s=6.0, memory_mb=256, processes=32)


@pytest.fixture(scope="module", autouse=True)
def execution_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Executions cached in a folder of this module's own, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DETECT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def task() -> BenchmarkItem:
    item = load_benchmark("humaneval").items[0]
    assert item.metadata["entry_point"] == "count_vowels"
    return item


@pytest.fixture(scope="module")
def executor() -> Executor:
    return Executor(LIMITS, parallelism=2)


def reply(body: str) -> str:
    """A fenced reply defining count_vowels(text) with `body` (indented) before a right answer."""
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return (
        "Here is my solution.\n```python\nimport os, signal, socket\n\ndef count_vowels(text):\n"
        f"{lines}\n    return sum(ch in 'aeiouAEIOU' for ch in text)\n```\n"
    )


def test_an_honest_reply_passes(task: BenchmarkItem, executor: Executor) -> None:
    score = score_code(task, reply("pass"), executor)
    assert score.correct is True and score.execution == "passed"


def test_a_wrong_reply_fails_with_the_assertion(task: BenchmarkItem, executor: Executor) -> None:
    wrong = "```python\ndef count_vowels(text):\n    return 1\n```"
    score = score_code(task, wrong, executor)
    assert score.correct is False and score.execution == "failed: AssertionError"


def test_network_connection_is_refused(task: BenchmarkItem, executor: Executor) -> None:
    received: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            received.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        body = f"s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\ns.sendall(b'leak')"
        score = score_code(task, reply(body), executor)
    finally:
        stop.set()
        thread.join(2)
        server.close()
    assert received == []
    assert score.correct is False
    assert score.execution is not None and (
        "PermissionError" in score.execution or "OSError" in score.execution
    )


def test_fork_bomb_finishes_and_leaves_no_process(task: BenchmarkItem, executor: Executor) -> None:
    body = "while True:\n    os.fork()"
    start = time.monotonic()
    score = score_code(task, reply(body), executor)
    assert time.monotonic() - start < LIMITS.wall_s + 5
    assert score.correct is False and score.execution is not None
    assert score.execution.split(":")[0] in {"failed", "timeout", "cpu_limit", "killed"}
    time.sleep(0.2)
    assert not _orphans()


def test_endless_allocation_hits_the_memory_limit(task: BenchmarkItem, executor: Executor) -> None:
    score = score_code(task, reply("hoard = []\nwhile True:\n    hoard.append(bytearray(10**7))"), executor)
    assert score.correct is False and score.execution is not None
    assert score.execution.startswith(("memory_limit", "timeout"))


def test_endless_loop_is_stopped(task: BenchmarkItem, executor: Executor) -> None:
    start = time.monotonic()
    score = score_code(task, reply("while True:\n    pass"), executor)
    assert time.monotonic() - start < LIMITS.wall_s + 5
    assert score.correct is False and score.execution is not None
    assert score.execution.split(":")[0] in {"timeout", "cpu_limit"}


def test_writing_outside_its_folder_fails(task: BenchmarkItem, executor: Executor, tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    os.chmod(tmp_path, 0o777)  # even a folder anyone may write to stays out of reach
    score = score_code(task, reply(f"open({str(target)!r}, 'w').write('x')"), executor)
    assert not target.exists()
    assert score.correct is False and score.execution is not None
    assert "Error" in score.execution


def test_api_key_in_the_environment_is_not_visible(
    task: BenchmarkItem, executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-" + "9" * 24
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    body = (
        "print(dict(os.environ))\nprint(open(f'/proc/{os.getppid()}/environ').read())\n"
        "os.environ['OPENAI_API_KEY']"
    )
    result = executor.run(_program(task, reply(body)))
    assert secret not in result.stdout and secret not in result.stderr
    score = score_code(task, reply("key = os.environ['OPENAI_API_KEY']"), executor)
    assert score.correct is False and score.execution == "failed: KeyError: 'OPENAI_API_KEY'"


def test_killing_its_parent_fails_and_the_parent_lives(task: BenchmarkItem, executor: Executor) -> None:
    body = f"os.kill(os.getppid(), signal.SIGKILL)\nos.kill({os.getpid()}, signal.SIGKILL)"
    score = score_code(task, reply(body), executor)
    assert score.correct is False and score.execution is not None
    assert score.execution.startswith("failed:") and ("Error" in score.execution)


def test_output_is_captured_and_capped() -> None:
    result = run_python("print('x' * 100000)", SandboxLimits(output_bytes=1000))
    assert result.passed
    assert len(result.stdout) < 1100 and result.stdout.endswith("[output truncated]")


def test_isolation_is_described() -> None:
    description = isolation().description
    assert description
    if os.geteuid() == 0:  # root here: namespaces are available to it
        assert "netns" in description and "pidns" in description


def _program(item: BenchmarkItem, text: str) -> str:
    from detector.execution.programs import test_program
    from detector.scoring.code import completed_code

    return test_program(item, completed_code(item, text))


def _orphans() -> list[int]:
    """Processes still running in a sandbox folder that is gone (the run has ended)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if "detect-sandbox-" in cwd and cwd.endswith("(deleted)"):
            found.append(int(pid))
    return found


def test_reading_files_outside_is_denied(task: BenchmarkItem, executor: Executor) -> None:
    if not isolation().landlock:
        pytest.skip("this kernel has no Landlock: reads are confined only by file permissions")
    folder = Path(tempfile.mkdtemp(prefix="detect-read-test-"))
    secret = folder / "credentials"
    secret.write_text("api_key = sk-file-secret-123")
    os.chmod(folder, 0o755)
    os.chmod(secret, 0o644)  # readable by anyone: only the sandbox's own rules keep it out
    try:
        result = executor.run(_program(task, reply(f"print(open({str(secret)!r}).read())")))
    finally:
        shutil.rmtree(folder)
    assert "sk-file-secret" not in result.stdout + result.stderr
    assert result.status == "failed" and result.reason is not None and "PermissionError" in result.reason
