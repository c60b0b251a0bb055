"""What every backend offers the runner: one raw call, and whether a failure is worth retrying.

A backend (OpenAI-compatible server, local transformers model, control model) only makes the
raw call. The `Runner` adds concurrency, retries, rate limits and the cache (inspect_ai's
`ModelAPI` vs `Model` split).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from detector.types import Generation, GenParams, TokenLogprobs

if TYPE_CHECKING:
    from detector.plan import ProbePlan


class ModelCallError(Exception):
    """A failed call. `retryable` says whether asking again may succeed.

    `retry_after_s` is the server's Retry-After hint (429/503), when it gave one. `unreachable`
    marks a failure to reach the server at all (connection refused, unknown host), as opposed to a
    server that answered with an error: the runner ends a run whose server stops answering.
    `status` is the HTTP status the server answered with, where there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after_s: float | None = None,
        unreachable: bool = False,
        status: int | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        self.unreachable = unreachable


class PreflightError(Exception):
    """The server or model cannot be used at all (refused connection, 401/403, unknown model,
    missing key or extra): the run stops before any work, with the server's own words."""


class UnsupportedCapabilityError(ValueError):
    """The model cannot do what was asked (e.g. token log-probabilities)."""


@runtime_checkable
class ModelAPI(Protocol):
    """A backend. `cache_identity` is (backend, model, endpoint) for the response cache.

    `batch_size` > 1 means `call_batch` is efficient (local models); the runner then sends
    batches from one worker instead of single prompts from many threads.
    """

    name: str
    batch_size: int
    cacheable: bool

    @property
    def cache_identity(self) -> tuple[str, str, str]: ...

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        """Answer one prompt. Raises: ModelCallError."""
        ...

    def call_batch(self, prompts: Sequence[str], params: GenParams, timeout_s: float) -> list[Generation]:
        """Answer several prompts at once. Raises: ModelCallError."""
        ...

    def supports_logprobs(self) -> bool: ...

    def call_logprobs(self, pairs: Sequence[tuple[str, str]], timeout_s: float) -> list[TokenLogprobs]:
        """Log-probabilities of each continuation given its context.

        Raises: ModelCallError, UnsupportedCapabilityError.
        """
        ...

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[Generation]:
        """Plain calls without retry or cache; failures become error Generations."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class PlanLearner(Protocol):
    """A backend that must see the run's plan before it is asked (control models learn their
    answer key from it). Other backends need nothing; see `prepare_for_plan`."""

    def learn_plan(self, plan: ProbePlan) -> None: ...


def prepare_for_plan(model: object, plan: ProbePlan) -> None:
    """Show `plan` to a model that learns from it before it is asked; a no-op for every other model."""
    if isinstance(model, PlanLearner):
        model.learn_plan(plan)


class SingleCallBackend:
    """Defaults for backends that answer one prompt per call (HTTP servers, control models)."""

    name: str = ""
    batch_size: int = 1
    cacheable: bool = True
    default_timeout_s: float = 60.0

    def call(self, prompt: str, params: GenParams, timeout_s: float) -> Generation:
        raise NotImplementedError

    def call_batch(self, prompts: Sequence[str], params: GenParams, timeout_s: float) -> list[Generation]:
        return [self.call(prompt, params, timeout_s) for prompt in prompts]

    def supports_logprobs(self) -> bool:
        return False

    def call_logprobs(self, pairs: Sequence[tuple[str, str]], timeout_s: float) -> list[TokenLogprobs]:
        raise UnsupportedCapabilityError(f"{self.name} does not provide token log-probabilities")

    def generate(self, prompts: Sequence[str], params: GenParams) -> list[Generation]:
        out: list[Generation] = []
        for prompt in prompts:
            try:
                out.append(self.call(prompt, params, self.default_timeout_s))
            except ModelCallError as err:
                out.append(Generation(text=None, error=str(err)))
        return out

    def close(self) -> None:
        return None
