"""Run untrusted Python (a model's code, a benchmark's tests) in a sandbox; a security boundary.

Each run gets a fresh temporary folder, an empty environment, its own session (process group),
resource limits (CPU time, address space, processes, file size, open files, no core dumps) and a
wall-clock timeout that kills the whole group. Where the machine allows it, it also runs in new
network, PID and mount namespaces (`unshare`: no network, no view of or signal to host
processes, and every process dies with the run) and in a Landlock domain (writes only beneath
its folder, no TCP, no signals outside the sandbox). As host root the program drops to an
unprivileged uid, so the process limit holds. `isolation()` says what this machine gives.
Output goes to capped files and is read back truncated. Nothing is executed in this process.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from detector.execution.child import CONFIG_KEYS, SETUP_FAILED, landlock_abi

NOBODY = 65534
# Besides its folder and the interpreter's install, what a run may read (with Landlock): what the
# dynamic loader and the standard library need, nothing of users' homes or other projects.
SYSTEM_READ_ROOTS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/etc/ld.so.cache",
                     "/etc/localtime", "/usr/share/zoneinfo", "/dev/urandom")  # fmt: skip
CHILD = Path(__file__).with_name("child.py")
SANDBOX_VERSION = "2"
# Namespace prefixes, best first: as root, and as an ordinary user (a user namespace maps it to root).
_ROOT_PREFIXES = (
    ("unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"),
    ("unshare", "--net", "--pid", "--fork", "--kill-child"),
    ("unshare", "--net"),
)
_USER_PREFIXES = tuple(("unshare", "--user", "--map-root-user", *p[1:]) for p in _ROOT_PREFIXES)


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """What one run may use. `output_bytes` caps what is read back of stdout and of stderr."""

    cpu_s: int = 5
    wall_s: float = 10.0
    memory_mb: int = 512
    processes: int = 64
    file_size_mb: int = 16
    open_files: int = 64
    output_bytes: int = 16_384


@dataclass(frozen=True, slots=True)
class Isolation:
    """What this machine's sandbox gives: the `unshare` prefix, Landlock ABI, uid drop."""

    prefix: tuple[str, ...]
    landlock: int
    drop_uid: int | None

    @property
    def description(self) -> str:
        parts = []
        if "--net" in self.prefix:
            parts.append("netns")
        if "--pid" in self.prefix:
            parts.append("pidns")
        if "--mount-proc" in self.prefix:
            parts.append("procfs")
        if "--user" in self.prefix:
            parts.append("userns")
        if self.landlock:
            parts.append(f"landlock{self.landlock}")
        if self.drop_uid is not None:
            parts.append(f"uid{self.drop_uid}")
        return "+".join(parts) or "rlimits-only"


@dataclass(frozen=True, slots=True)
class ExecutionResult:
    """How one run ended. `status` is `passed` (exit 0) or why not: `failed` (an exception or
    a non-zero exit; `reason` holds the error line), `timeout`, `cpu_limit`, `memory_limit`,
    `output_limit` (file size), `killed` (another signal) or `sandbox_error`."""

    status: str
    reason: str | None
    exit_code: int | None
    duration_s: float
    stdout: str = ""
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def _works(prefix: tuple[str, ...]) -> bool:
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-I", "-S", "-c", "pass"],
            env={},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@functools.cache
def isolation() -> Isolation:
    """The strongest isolation this machine allows (probed once per process)."""
    root = os.geteuid() == 0
    prefix: tuple[str, ...] = ()
    if shutil.which("unshare"):
        prefix = next((p for p in (_ROOT_PREFIXES if root else _USER_PREFIXES) if _works(p)), ())
    # As host root the program drops to `nobody` (so RLIMIT_NPROC holds); it reaches the
    # interpreter through a bind mount, which needs the mount namespace.
    drop = NOBODY if root and "--mount-proc" in prefix and "--user" not in prefix else None
    return Isolation(prefix, landlock_abi(), drop)


def _read_capped(path: Path, limit: int) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return ""
    text = data[:limit].decode("utf-8", errors="replace")
    return text + "\n[output truncated]" if len(data) > limit else text


def _error_line(stderr: str) -> str | None:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    lines = [line for line in lines if line != "[output truncated]"]
    return lines[-1][:300] if lines else None


def classify(exit_code: int, stderr: str, timed_out: bool) -> tuple[str, str | None]:
    """(status, reason) of a finished run from its exit code (128 + signal if killed) and stderr."""
    if timed_out:
        return "timeout", "wall-clock timeout"
    if exit_code == 0:
        return "passed", None
    line = _error_line(stderr)
    if exit_code == SETUP_FAILED and line and line.startswith("sandbox setup failed"):
        return "sandbox_error", line
    if exit_code > 128:
        sig = exit_code - 128
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return ("cpu_limit" if sig == signal.SIGXCPU else "killed"), f"killed by {name}"
        if sig == signal.SIGXFSZ:
            return "output_limit", f"killed by {name} (file size limit)"
        return "killed", f"killed by {name}"
    if line and line.startswith("MemoryError"):
        return "memory_limit", line
    if line and "[Errno 27]" in line:  # EFBIG: Python ignores SIGXFSZ, so a write past the limit fails
        return "output_limit", line
    return "failed", line or f"exit code {exit_code}"


def run_python(source: str, limits: SandboxLimits | None = None) -> ExecutionResult:
    """Run `source` as `main.py` in a fresh sandbox and say how it ended.

    Never raises for anything the program does; an unusable sandbox is `sandbox_error`.
    """
    limits = limits or SandboxLimits()
    iso = isolation()
    base = Path(tempfile.mkdtemp(prefix="detect-sandbox-"))
    work = base / "work"
    work.mkdir()
    (work / "main.py").write_text(source, encoding="utf-8")
    if iso.drop_uid is not None:
        os.chmod(base, 0o711)
        os.chown(work, iso.drop_uid, iso.drop_uid)
    python = os.path.realpath(sys.executable)  # the base interpreter: -S needs no virtualenv
    install = os.path.realpath(sys.base_prefix)
    bind: dict[str, str] = {}
    if iso.drop_uid is not None:  # the interpreter's install, bound where `nobody` can reach it
        real = Path(os.path.realpath(sys.executable))
        target = base / "python"
        target.mkdir(mode=0o755)
        bind = {"bind_python": sys.base_prefix, "bind_target": str(target)}
        python = str(target / real.relative_to(install))
        install = str(target)
    config = {
        **bind, "workdir": str(work), "python": python, "cpu_s": limits.cpu_s,
        "memory_mb": limits.memory_mb, "processes": limits.processes, "file_size_mb": limits.file_size_mb,
        "open_files": limits.open_files, "drop_uid": -1 if iso.drop_uid is None else iso.drop_uid,
        "landlock": int(iso.landlock > 0), "read_roots": ":".join([install, *SYSTEM_READ_ROOTS]),
    }  # fmt: skip
    arguments = [f"{key}={config.get(key, '')}" for key in CONFIG_KEYS]
    start = time.perf_counter()
    timed_out = False
    try:
        with (base / "stdout").open("wb") as out, (base / "stderr").open("wb") as err:
            try:
                proc = subprocess.Popen(
                    [*iso.prefix, sys.executable, "-I", "-S", "-B", str(CHILD), *arguments],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=work, env={},
                    start_new_session=True, close_fds=True,
                )  # fmt: skip
            except OSError as exc:
                return ExecutionResult("sandbox_error", f"cannot start: {exc}", None, 0.0)
            try:
                exit_code = proc.wait(timeout=limits.wall_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            _kill_group(proc.pid)
            if timed_out:
                exit_code = proc.wait()
        duration = time.perf_counter() - start
        exit_code = 128 - exit_code if exit_code < 0 else exit_code
        stdout = _read_capped(base / "stdout", limits.output_bytes)
        stderr = _read_capped(base / "stderr", limits.output_bytes)
        status, reason = classify(exit_code, stderr, timed_out)
        return ExecutionResult(status, reason, None if timed_out else exit_code, duration, stdout, stderr)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _kill_group(pgid: int) -> None:
    """SIGKILL every process left in the run's session group (all of them, with a PID namespace)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
