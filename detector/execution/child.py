"""The sandbox's first process: confines a child, then replaces it with `python main.py`.

Run as a script (`python -I -S -B child.py KEY=VALUE ...`, see `CONFIG_KEYS`), never imported by
detect: it is the
boundary's inner side and uses the standard library only. It forks once; the child sets
resource limits, drops to an unprivileged uid where it runs as host root, sets no_new_privs,
enters a Landlock domain (writes only under its folder, reads only there and in the interpreter
and shared libraries, no TCP, no signals or abstract Unix
sockets beyond the domain, where the kernel offers those) and execs a fresh interpreter on
`main.py`. This process waits as the namespace's init and exits with the child's status
(128 + signal when the child was killed), which the parent reads.
"""

from __future__ import annotations

import ctypes
import os
import resource
import struct
import sys

SETUP_FAILED = 125
# The parent passes these as KEY=VALUE arguments (no json: its import costs ~20 ms a run).
CONFIG_KEYS = (
    "workdir",
    "python",
    "cpu_s",
    "memory_mb",
    "file_size_mb",
    "open_files",
    "processes",
    "drop_uid",
    "landlock",
    "bind_python",
    "bind_target",
    "read_roots",
)
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # x86_64 and aarch64 alike
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_MS_RDONLY, _MS_REMOUNT, _MS_BIND, _MS_REC = 1, 32, 4096, 16384
# LANDLOCK_ACCESS_FS_*: every right that changes the file system, by ABI version.
_FS_WRITE_V1 = sum(1 << bit for bit in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12))  # write file .. make symlink
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_WRITE_FILE = 1 << 1
_FS_EXECUTE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 2, 1 << 3
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 where it has none."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return max(0, int(libc.syscall(_CREATE_RULESET, None, 0, 1)))
    except (OSError, AttributeError):
        return 0


def enter_landlock(folder: str, read_roots: list[str]) -> int:
    """Allow file-system writes only beneath `folder` (and to /dev/null), reads only there and
    beneath `read_roots` (the interpreter, shared libraries), forbid TCP and signalling outside
    the domain, as far as the kernel's ABI goes; returns the ABI used.

    Raises: OSError when the kernel has Landlock and a step fails.
    """
    abi = landlock_abi()
    if abi < 1:
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    reads = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR if read_roots else 0  # none given: reads not confined
    fs = reads | _FS_WRITE_V1 | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0)
    fs |= _FS_IOCTL_DEV if abi >= 5 else 0
    net = _NET_BIND_TCP | _NET_CONNECT_TCP if abi >= 4 else 0
    scoped = _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("=QQQ", fs, net, scoped)[: 8 if abi < 4 else 16 if abi < 6 else 24]
    ruleset = libc.syscall(_CREATE_RULESET, ctypes.create_string_buffer(attr, len(attr)), len(attr), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    file_rights = (reads & _FS_READ_FILE) | _FS_WRITE_FILE | (_FS_TRUNCATE if abi >= 3 else 0)
    rules = [(folder, fs), ("/dev/null", file_rights)]
    for root in read_roots:  # a rule on a file may hold only file rights
        rules.append((root, _FS_EXECUTE | _FS_READ_FILE | (_FS_READ_DIR if os.path.isdir(root) else 0)))
    for path, rights in rules:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except FileNotFoundError:
            continue
        rule = struct.pack("=Qi", rights, fd)
        status = libc.syscall(
            _ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.create_string_buffer(rule, 12), 0
        )
        os.close(fd)
        if status < 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule {path}")
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.syscall(_RESTRICT_SELF, ruleset, 0) < 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    os.close(ruleset)
    return abi


def confine(config: dict[str, str]) -> None:
    """Limits, uid, Landlock: everything the child sets before it runs the program."""
    mb = 1024 * 1024
    cpu = int(config["cpu_s"])
    limits = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),
        resource.RLIMIT_AS: (int(config["memory_mb"]) * mb,) * 2,
        resource.RLIMIT_FSIZE: (int(config["file_size_mb"]) * mb,) * 2,
        resource.RLIMIT_NOFILE: (int(config["open_files"]),) * 2,
        resource.RLIMIT_NPROC: (int(config["processes"]),) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, (soft, hard) in limits.items():
        resource.setrlimit(which, (soft, hard))
    drop = int(config.get("drop_uid") or -1)
    if drop >= 0 and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(drop)
        os.setuid(drop)
    if config.get("landlock") == "1":
        roots = [root for root in config.get("read_roots", "").split(":") if root]
        enter_landlock(str(config["workdir"]), roots)


def bind_python(source: str, target: str) -> None:
    """Bind the interpreter's install read-only at `target` (in this mount namespace only), for a
    program that drops to a uid that cannot reach the original path (e.g. under /root).

    Raises: OSError when a mount fails.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    flags = _MS_BIND | _MS_REC
    if libc.mount(source.encode(), target.encode(), None, flags, None) < 0:
        raise OSError(ctypes.get_errno(), f"bind mount {source}")
    if libc.mount(None, target.encode(), None, flags | _MS_REMOUNT | _MS_RDONLY, None) < 0:
        raise OSError(ctypes.get_errno(), f"read-only remount {target}")


def main() -> None:
    config = dict(arg.split("=", 1) for arg in sys.argv[1:])
    if config.get("bind_python"):
        try:
            bind_python(str(config["bind_python"]), str(config["bind_target"]))
        except OSError as exc:
            os.write(2, f"sandbox setup failed: {exc!r}\n".encode())
            os._exit(SETUP_FAILED)
    child = os.fork()
    if child == 0:
        try:
            os.chdir(str(config["workdir"]))
            confine(config)
            python = str(config["python"])
            os.execve(python, [python, "-I", "-S", "-B", "main.py"], {})
        except BaseException as exc:  # noqa: BLE001 - any failure here must end the child, reported
            os.write(2, f"sandbox setup failed: {exc!r}\n".encode())
            os._exit(SETUP_FAILED)
    while True:  # the namespace's init: reap every orphan until the program itself ends
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(SETUP_FAILED)
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            os._exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
