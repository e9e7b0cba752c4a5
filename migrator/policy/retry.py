"""When and how long to retry: one tenacity-built policy per remote system.

Only ``Retriable`` errors are retried (the adapters decide what is retriable,
in one place each), unless the caller names more with ``retry_if``. Every
attempt, the first included, runs under tenacity. Waits grow exponentially
with full jitter, never shorter than a server's ``Retry-After``. The whole
operation has a time budget; when it runs out (or a Retry-After would
overrun it) the caller gets ``GaveUp`` naming the operation, the number of
attempts and the last error.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, RetryError, retry_if_exception

from migrator.errors import GaveUp, Retriable
from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["RetryEvent", "RetryPolicy", "is_retriable"]

T = TypeVar("T")
log = logging.getLogger(__name__)


def is_retriable(error: BaseException) -> bool:
    """What is retried unless the caller says otherwise: what surely did nothing."""
    return isinstance(error, Retriable)


@dataclass(frozen=True)
class RetryEvent:
    """What the progress display and the summary need to know about one retry."""

    operation: str
    attempt: int
    error: BaseException
    wait: float


class RetryPolicy:
    """Retry ``Retriable`` failures with jittered exponential backoff, within a time budget."""

    def __init__(
        self,
        *,
        budget: float = 300.0,
        initial: float = 0.5,
        maximum: float = 30.0,
        clock: Clock = SYSTEM_CLOCK,
        rng: random.Random | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> None:
        self.budget = budget
        self.initial = initial
        self.maximum = maximum
        self._clock = clock
        self._rng = rng or random.Random()
        self._on_retry = on_retry
        self.retries = 0

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.maximum, self.initial * 2 ** (attempt - 1))
        wait = self._rng.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait

    async def call(
        self,
        operation: str,
        fn: Callable[[], Awaitable[T]],
        *,
        retry_if: Callable[[BaseException], bool] = is_retriable,
    ) -> T:
        """Run ``fn`` until it succeeds, fails for good, or the budget is spent.

        ``retry_if`` says which failures are worth another attempt: by default
        the ``Retriable`` ones. A caller that made repeating safe in other cases
        widens it (``create_once`` also retries ``OutcomeUnknown``, because its
        next attempt looks the record up before sending it again).
        """
        try:
            return await self._retrying(operation, retry_if)(fn)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise GaveUp(operation, exc.last_attempt.attempt_number, last) from last

    def _retrying(self, operation: str, retry_if: Callable[[BaseException], bool]) -> AsyncRetrying:
        """tenacity's retrying loop for one call: its budget counts from now."""
        started = self._clock.now()

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            retry_after = getattr(error, "retry_after", None)
            return self.backoff(state.attempt_number, retry_after)

        def stop(state: RetryCallState) -> bool:
            spent = self._clock.now() - started
            return spent + (state.upcoming_sleep or 0.0) > self.budget

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            assert error is not None
            self.retries += 1
            event = RetryEvent(operation, state.attempt_number, error, state.upcoming_sleep)
            log.debug(
                "retry %s attempt %d in %.2fs: %s", operation, event.attempt, event.wait, error
            )
            if self._on_retry is not None:
                self._on_retry(event)

        return AsyncRetrying(
            sleep=self._clock.sleep,
            retry=retry_if_exception(retry_if),
            wait=wait,
            stop=stop,
            before_sleep=before_sleep,
            reraise=False,
        )
