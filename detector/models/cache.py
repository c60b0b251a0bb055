"""Persistent response cache: SQLite in WAL mode, one committed row per finished answer.

Keys are sha256 hashes of (backend, model, endpoint, request kind, prompt, generation
parameters), so the file holds neither prompts nor credentials; it holds the answers.
Every answer is committed as it arrives, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from detector.cache_dir import cache_dir
from detector.types import Generation, GenParams, TokenLogprobs

SCHEMA = """
CREATE TABLE IF NOT EXISTS generations (
    key TEXT PRIMARY KEY, text TEXT NOT NULL, finish_reason TEXT, latency_s REAL
);
CREATE TABLE IF NOT EXISTS logprobs (key TEXT PRIMARY KEY, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS capabilities (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def default_cache_path() -> Path:
    """`$DETECT_CACHE_DIR/responses.sqlite`, else under `$XDG_CACHE_HOME` or `~/.cache` (see `cache_dir`)."""
    return cache_dir() / "responses.sqlite"


def public_endpoint(url: str) -> str:
    """The URL without user info, query or fragment (never hash or store credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def generation_key(identity: tuple[str, str, str], prompt: str, params: GenParams) -> str:
    """Cache key of one generation. Greedy decoding ignores the sample index."""
    fields = asdict(params)
    fields["stop"] = list(params.stop)
    if params.temperature == 0:
        fields["sample_index"] = 0
    return _hash([*identity, "generate", prompt, fields])


def logprobs_key(identity: tuple[str, str, str], context: str, continuation: str) -> str:
    return _hash([*identity, "logprobs", context, continuation])


def capability_key(identity: tuple[str, str, str], capability: str) -> str:
    """Cache key of a capability check (e.g. "logprobs") of one model identity."""
    return _hash([*identity, "capability", capability])


def _hash(parts: list[object]) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CacheUnavailableError(RuntimeError):
    """The cache file cannot be opened or written: names the file and the way around it."""


class ResponseCache:
    """Thread-safe SQLite cache of successful generations and log-probabilities."""

    def __init__(self, path: str | Path):
        """Open (or create) the cache at `path` and check that it can be written.

        Raises: CacheUnavailableError naming `path` for a read-only folder, a folder that is a
        file, or a file that is not an SQLite database.
        """
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise self._unavailable(error) from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            self._db.execute(f"PRAGMA user_version = {version}")  # a write: fails now, not mid-run
        except (OSError, sqlite3.Error) as error:
            self._db.close()
            raise self._unavailable(error) from None

    def _unavailable(self, error: BaseException) -> CacheUnavailableError:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        if self.path.parent.exists() and not self.path.parent.is_dir():
            reason = f"{self.path.parent} is a file, not a folder"
        return CacheUnavailableError(
            f"response cache {self.path}: cannot open it for writing ({reason}); "
            "pass --no-cache, or set DETECT_CACHE_DIR to a writable folder"
        )

    def get_generations(self, keys: Sequence[str]) -> dict[str, Generation]:
        """Cached generations among `keys`, marked `cached=True`."""
        found: dict[str, Generation] = {}
        with self._lock:
            for chunk in _chunks(list(dict.fromkeys(keys)), 500):
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, text, finish_reason, latency_s FROM generations WHERE key IN ({marks})",
                    chunk,
                ).fetchall()
                for key, text, finish, latency in rows:
                    found[key] = Generation(text=text, finish_reason=finish, latency_s=latency, cached=True)
        return found

    def put_generation(self, key: str, generation: Generation) -> None:
        """Store a successful generation (errors are never cached) and commit at once."""
        if generation.error is not None or generation.text is None:
            return
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?)",
                (key, generation.text, generation.finish_reason, generation.latency_s),
            )

    def get_logprobs(self, keys: Sequence[str]) -> dict[str, TokenLogprobs]:
        found: dict[str, TokenLogprobs] = {}
        with self._lock:
            for chunk in _chunks(list(dict.fromkeys(keys)), 500):
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, payload FROM logprobs WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, payload in rows:
                    found[key] = _logprobs_from_json(payload)
        return found

    def put_logprobs(self, key: str, value: TokenLogprobs) -> None:
        if value.error is not None:
            return
        payload = json.dumps(
            {
                "tokens": list(value.tokens),
                "logprobs": list(value.logprobs),
                "mean_logprobs": None if value.mean_logprobs is None else list(value.mean_logprobs),
                "var_logprobs": None if value.var_logprobs is None else list(value.var_logprobs),
            }
        )
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO logprobs VALUES (?, ?)", (key, payload))

    def get_capability(self, key: str) -> bool | None:
        """A cached capability answer, None when never asked."""
        with self._lock:
            row = self._db.execute("SELECT value FROM capabilities WHERE key = ?", (key,)).fetchone()
        return None if row is None else bool(row[0])

    def put_capability(self, key: str, value: bool) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO capabilities VALUES (?, ?)", (key, int(value)))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM generations").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _logprobs_from_json(payload: str) -> TokenLogprobs:
    data = json.loads(payload)
    mean = data.get("mean_logprobs")
    var = data.get("var_logprobs")
    return TokenLogprobs(
        tokens=tuple(data["tokens"]),
        logprobs=tuple(data["logprobs"]),
        mean_logprobs=None if mean is None else tuple(mean),
        var_logprobs=None if var is None else tuple(var),
    )


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
