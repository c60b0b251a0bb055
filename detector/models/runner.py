"""The runner: wraps any backend with the cache, bounded concurrency, retries and a rate limit.

Retries use exponential backoff with jitter, honour a server's Retry-After, and stop after
`retries` extra attempts; a request that fails for good becomes a Generation with `error`.
Each answer is committed to the cache as it arrives, so a killed run resumes cheaply. A server
that stops answering (`max_unreachable` connection failures in a row, no answer between them)
ends the run fast: every request not yet answered fails at once with the reason, in `stopped`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TypeVar

from detector.models.api import ModelAPI, ModelCallError, UnsupportedCapabilityError
from detector.models.cache import ResponseCache, capability_key, generation_key, logprobs_key
from detector.progress import track
from detector.types import Generation, GenParams, TokenLogprobs, stable_seed

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RunStats:
    """Counts over the runner's lifetime. `n_requests` counts distinct requests, cached or not."""

    n_requests: int = 0
    n_cached: int = 0
    n_failed: int = 0
    n_attempts: int = 0
    n_retries: int = 0

    @property
    def failure_fraction(self) -> float:
        return self.n_failed / self.n_requests if self.n_requests else 0.0


DEFAULT_MAX_UNREACHABLE = 8
STOPPED_PREFIX = "not sent: "  # the error of a request the runner gave up on without sending


class TooManyFailuresError(RuntimeError):
    """More requests failed for good than the run allows."""


class RateLimiter:
    """Spaces calls evenly so that at most `rpm` start in any minute."""

    def __init__(self, rpm: float):
        if rpm <= 0:
            raise ValueError(f"requests per minute must be positive, got {rpm}")
        self.interval_s = 60.0 / rpm
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval_s
        if slot > now:
            time.sleep(slot - now)


class Runner:
    """Queries `model` with cache, concurrency, retries, timeouts and an optional rate limit.

    One output per input, in input order. Identical prompts in one call are asked once.
    """

    def __init__(
        self,
        model: ModelAPI,
        cache: ResponseCache | None = None,
        *,
        concurrency: int = 8,
        retries: int = 5,
        timeout_s: float = 60.0,
        rpm: float | None = None,
        progress: bool = False,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        max_retry_after_s: float = 300.0,
        description: str = "querying",
        max_unreachable: int = DEFAULT_MAX_UNREACHABLE,
    ):
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if retries < 0:
            raise ValueError(f"retries must be non-negative, got {retries}")
        self.model = model
        self.name = model.name
        self.cache = cache if getattr(model, "cacheable", True) else None
        self.concurrency = concurrency
        self.retries = retries
        self.timeout_s = timeout_s
        self.limiter = RateLimiter(rpm) if rpm else None
        self.progress = progress
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.max_retry_after_s = max_retry_after_s
        self.description = description
        self.stats = RunStats()
        self.max_unreachable = max_unreachable
        self.stopped: str | None = None  # why the run stopped asking (the server stopped answering)
        self._unreachable_streak = 0
        self._stop = threading.Event()
        self._capabilities: dict[str, bool] = {}
        self.capability_error: str | None = None
        self._stats_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._jitter = random.Random(stable_seed("runner-jitter", model.name))

    # -- public API -------------------------------------------------------------------------

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[Generation]:
        """Generations for `prompts`, in order; failures are Generations with `error`."""
        identity = self.model.cache_identity
        unique = list(dict.fromkeys(prompts))
        keys = {p: generation_key(identity, p, params) for p in unique} if self.cache is not None else {}
        results: dict[str, Generation] = {}
        if self.cache is not None:
            hits = self.cache.get_generations(list(keys.values()))
            results = {p: hits[keys[p]] for p in unique if keys[p] in hits}
        todo = [p for p in unique if p not in results]

        def call(batch: list[str]) -> list[Generation]:
            return self.model.call_batch(batch, params, self.timeout_s)

        def failed(message: str) -> Generation:
            return Generation(text=None, error=message)

        def store(prompt: str, generation: Generation) -> None:
            if self.cache is not None and generation.error is None:
                self.cache.put_generation(keys[prompt], generation)

        results.update(self._execute(todo, call, failed, store))
        self._count(len(unique), len(unique) - len(todo), results.values())
        return [results[p] for p in prompts]

    def supports_logprobs(self) -> bool:
        """Whether the model gives token log-probabilities.

        A backend that must ask its server (`probe_logprobs`) is asked once, with the same retries
        as every request, and the answer is cached with the answers: a rerun asks nothing. When
        every attempt fails the answer is unknown: False for this run, not cached.
        """
        if "logprobs" in self._capabilities:
            return self._capabilities["logprobs"]
        probe: Callable[[float], bool] | None = getattr(self.model, "probe_logprobs", None)
        if probe is None:
            supported = self.model.supports_logprobs()
            self._capabilities["logprobs"] = supported
            return supported
        key = capability_key(self.model.cache_identity, "logprobs") if self.cache is not None else ""
        cached = self.cache.get_capability(key) if self.cache is not None else None
        if cached is not None:
            remember = getattr(self.model, "remember_logprobs", None)
            if remember is not None:
                remember(cached)
            self._capabilities["logprobs"] = cached
            return cached
        def attempt() -> bool | str:
            return probe(self.timeout_s)

        def give_up(message: str) -> bool | str:
            return message

        answer = self._with_retry(attempt, give_up)
        if isinstance(answer, str):  # every attempt failed: unknown, so not cached
            self.capability_error = f"log-probability check failed: {answer}"
            return False
        self._capabilities["logprobs"] = answer
        if self.cache is not None:
            self.cache.put_capability(key, answer)
        return answer

    def logprobs(self, pairs: Sequence[tuple[str, str]]) -> list[TokenLogprobs]:
        """Token log-probabilities of each continuation given its context, in order.

        Raises: UnsupportedCapabilityError if the model cannot give log-probabilities.
        """
        if not self.supports_logprobs():
            raise UnsupportedCapabilityError(f"{self.name} does not provide token log-probabilities")
        identity = self.model.cache_identity
        unique = list(dict.fromkeys(pairs))
        keys = {p: logprobs_key(identity, p[0], p[1]) for p in unique} if self.cache is not None else {}
        results: dict[tuple[str, str], TokenLogprobs] = {}
        if self.cache is not None:
            hits = self.cache.get_logprobs(list(keys.values()))
            results = {p: hits[keys[p]] for p in unique if keys[p] in hits}
        todo = [p for p in unique if p not in results]

        def call(batch: list[tuple[str, str]]) -> list[TokenLogprobs]:
            return self.model.call_logprobs(batch, self.timeout_s)

        def failed(message: str) -> TokenLogprobs:
            return TokenLogprobs(tokens=(), logprobs=(), error=message)

        def store(pair: tuple[str, str], value: TokenLogprobs) -> None:
            if self.cache is not None and value.error is None:
                self.cache.put_logprobs(keys[pair], value)

        results.update(self._execute(todo, call, failed, store))
        self._count(len(unique), len(unique) - len(todo), results.values())
        return [results[p] for p in pairs]

    def check_failures(self, max_fraction: float) -> None:
        """Raises: TooManyFailuresError if more than `max_fraction` of requests failed."""
        if self.stats.failure_fraction > max_fraction:
            raise TooManyFailuresError(
                f"{self.stats.n_failed} of {self.stats.n_requests} requests to {self.name} failed "
                f"({self.stats.failure_fraction:.1%} > allowed {max_fraction:.1%})"
            )

    def close(self) -> None:
        """Stop the worker threads and close the backend's connections."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.model.close()

    # -- machinery --------------------------------------------------------------------------

    def _count(self, n_unique: int, n_cached: int, values: Iterable[Generation | TokenLogprobs]) -> None:
        n_failed = sum(1 for v in values if v.error is not None)
        with self._stats_lock:
            self.stats.n_requests += n_unique
            self.stats.n_cached += n_cached
            self.stats.n_failed += n_failed

    def _execute(
        self,
        todo: list[T],
        call: Callable[[list[T]], list[R]],
        failed: Callable[[str], R],
        store: Callable[[T, R], None],
    ) -> dict[T, R]:
        """Run `call` over `todo` (in batches for batching backends, else across threads)."""
        results: dict[T, R] = {}
        if not todo:
            return results
        size = max(1, int(getattr(self.model, "batch_size", 1)))
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        inline = size > 1 or getattr(self.model, "runs_inline", False) or self.concurrency == 1

        def work(batch: list[T]) -> list[tuple[T, R]]:
            outputs = self._with_retry(lambda: call(batch), lambda msg: [failed(msg)] * len(batch))
            pairs = list(zip(batch, outputs, strict=True))
            for item, output in pairs:
                store(item, output)
            return pairs

        with track(self.description if self.progress else None, len(todo), "req") as tracker:
            if inline:
                for batch in batches:
                    results.update(work(batch))
                    tracker.advance(len(batch))
            else:
                pool = self._workers()
                futures = [pool.submit(work, batch) for batch in batches]
                try:
                    for future in as_completed(futures):
                        pairs = future.result()
                        results.update(pairs)
                        tracker.advance(len(pairs))
                except BaseException:  # Ctrl-C or a backend bug: stop queued work, keep what is cached
                    for future in futures:
                        future.cancel()
                    raise
        return results

    def _workers(self) -> ThreadPoolExecutor:
        """The worker threads, kept across calls so that their keep-alive connections are reused."""
        with self._stats_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="detect-runner")
            return self._pool

    def _with_retry(self, attempt: Callable[[], R], give_up: Callable[[str], R]) -> R:
        for n in range(self.retries + 1):
            if self.stopped is not None:
                return give_up(f"{STOPPED_PREFIX}{self.stopped}")
            if self.limiter:
                self.limiter.acquire()
            with self._stats_lock:
                self.stats.n_attempts += 1
            try:
                result = attempt()
            except ModelCallError as err:
                self._note_unreachable(err)
                if not err.retryable or n == self.retries or self.stopped is not None:
                    tries = f" after {n + 1} attempts" if n else ""
                    return give_up(f"{err}{tries}")
                with self._stats_lock:
                    self.stats.n_retries += 1
                self._stop.wait(self._backoff(n, err.retry_after_s))  # a stopped run wakes at once
            else:
                with self._stats_lock:
                    self._unreachable_streak = 0
                return result
        raise AssertionError("unreachable")

    def _note_unreachable(self, err: ModelCallError) -> None:
        """Count connection failures in a row; at `max_unreachable` the run stops asking."""
        with self._stats_lock:
            if not err.unreachable:
                self._unreachable_streak = 0
                return
            self._unreachable_streak += 1
            if self._unreachable_streak >= self.max_unreachable and self.stopped is None:
                self.stopped = (
                    f"the server stopped answering ({self._unreachable_streak} connection failures in a "
                    f"row, last: {err})"
                )
                self._stop.set()

    def _backoff(self, n: int, retry_after_s: float | None) -> float:
        """The wait before retry `n + 1`.

        With a Retry-After hint: that long (capped at `max_retry_after_s`, so a hostile header
        cannot stall the run) plus up to 10% jitter. Otherwise exponential backoff
        `backoff_s * 2**n`, capped at `max_backoff_s`, with jitter in [delay/2, delay].
        """
        with self._stats_lock:
            jitter = self._jitter.random()
        if retry_after_s is not None:
            return min(retry_after_s, self.max_retry_after_s) * (1.0 + 0.1 * jitter)
        return min(self.max_backoff_s, self.backoff_s * 2**n) * (0.5 + 0.5 * jitter)
