"""One request to Splynx, and the policies around it: rate limit, retries, counters.

``SplynxSession`` owns the shared ``httpx.AsyncClient`` (one keep-alive pool
for every writer), the auth strategy, the shared ``RateLimiter`` and
``RetryPolicy``, and ``SplynxStats`` (the run's summary); like the Sonar
client, it tells the live display about each request (``RequestDone``) and
each retry (``Retried``) through ``emit``. ``send`` is one attempt: wait for a
permit, send, translate httpx's exceptions into ours and classify the answer;
it is the adapter's edge, so nothing above it sees an httpx exception.
``call`` runs attempts under the retry policy, which retries what is
``Retriable``; an ``OutcomeUnknown`` (a create sent without an answer) is
handed back at once unless the caller says it looks before it re-sends
(``create_once``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from migrator.errors import (
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Retriable,
    ServerError,
    TransportError,
)
from migrator.events import Emit, Outcome, RequestDone, Retried, ignore
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.policy.ratelimit import RateLimiter
from migrator.policy.retry import RetryEvent, RetryPolicy, is_retriable
from migrator.splynx.auth import SplynxAuth
from migrator.splynx.classify import HTTPX_FAILURES, Request, classify, transport_error

__all__ = ["SYSTEM", "SplynxSession", "SplynxStats", "retry_events"]

log = logging.getLogger(__name__)
URL_CACHE_SIZE = 256
T = TypeVar("T")
SYSTEM = "splynx"


def retry_events(emit: Emit) -> Callable[[RetryEvent], None]:
    """A retry policy's ``on_retry`` that tells the display (``Retried``)."""

    def on_retry(event: RetryEvent) -> None:
        emit(Retried(SYSTEM, event.operation, event.attempt, event.wait, str(event.error)))

    return on_retry


@dataclass
class SplynxStats:
    """Counters of everything sent to Splynx (read by the live display and the summary)."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0  # 429 answers
    server_errors: int = 0  # 5xx answers
    transport_errors: int = 0  # no answer at all
    outcome_unknown: int = 0  # creates sent without an answer
    rejects: int = 0  # record-level refusals (422 and other 4xx)
    created: int = 0
    adopted: int = 0  # creates found already done (by marker) instead of re-sent

    def snapshot(self) -> dict[str, int]:
        return dict(self.__dict__)


class SplynxSession:
    """The shared HTTP client with its auth, rate limiter, retry policy and counters."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth: SplynxAuth | None,
        *,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        stats: SplynxStats | None = None,
        emit: Emit = ignore,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.http = http
        self.auth = auth
        self.limiter = limiter or RateLimiter(0)
        self.retry = retry or RetryPolicy()
        self.stats = stats or SplynxStats()
        self._emit = emit
        self._clock = clock
        self._urls: dict[str, httpx.URL] = {}

    async def send(
        self,
        request: Request,
        *,
        query: str = "",
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        anonymous: bool = False,
    ) -> httpx.Response:
        """One attempt: rate limit, send, classify. Raises the classified error.

        ``anonymous`` sends no credentials (for ``admin/api/check``, which needs none).
        """
        await self.limiter.acquire()
        self.stats.requests += 1
        started = self._clock.now()
        try:
            response = await self.http.request(
                request.verb,
                self._url(request.path, query),
                json=json,
                content=content,
                headers=headers,
                auth=None if anonymous else self.auth,
            )
        except HTTPX_FAILURES as exc:  # the adapter's edge: httpx's failures become ours
            error = transport_error(exc, request)
            self._count_failure(error)
            self._done(request, error, started)
            log.debug("%s: %s", request.describe(), error)
            raise error from exc
        except Retriable as error:  # e.g. a nonce the auth strategy could not get accepted
            self._done(request, error, started)
            raise
        log.debug("%s -> %d", request.describe(), response.status_code)
        try:
            classify(response, request)
        except (RateLimited, ServerError, Rejected) as error:
            self._count_failure(error)
            self._done(request, error, started)
            raise
        self._done(request, None, started)
        return response

    def _url(self, path: str, query: str) -> httpx.URL | str:
        """The absolute URL of ``path``, parsed once for the paths a run keeps using.

        httpx parses a relative URL twice per request (on its own, then joined to the
        base URL); a run sends most of its requests to a few create paths, so those are
        kept parsed (joined the way httpx joins them). Paths with a query, or beyond
        ``URL_CACHE_SIZE`` distinct ones (ids in the path), go to httpx as text.
        """
        if query:
            return f"{path}?{query}"
        url = self._urls.get(path)
        if url is None:
            base = self.http.base_url
            url = base.copy_with(raw_path=base.raw_path + httpx.URL(path).raw_path.lstrip(b"/"))
            if len(self._urls) >= URL_CACHE_SIZE:
                return url
            self._urls[path] = url
        return url

    def _done(self, request: Request, error: Exception | None, started: float) -> None:
        outcome: Outcome = "ok"
        if isinstance(error, RateLimited):
            outcome = "rate_limited"
        elif isinstance(error, Retriable):
            outcome = "retriable"
        elif error is not None:
            outcome = "failed"
        target = request.endpoint.name if request.endpoint is not None else request.path
        seconds = self._clock.now() - started
        self._emit(RequestDone(SYSTEM, f"{request.verb} {target}", outcome, seconds))

    def _count_failure(self, error: Exception) -> None:
        if isinstance(error, RateLimited):
            self.stats.rate_limited += 1
            if error.retry_after:
                self.limiter.defer(error.retry_after)
        elif isinstance(error, ServerError):
            self.stats.server_errors += 1
        elif isinstance(error, OutcomeUnknown):
            self.stats.outcome_unknown += 1
        elif isinstance(error, TransportError):
            self.stats.transport_errors += 1
        elif isinstance(error, Rejected):
            self.stats.rejects += 1

    async def call(
        self,
        operation: str,
        attempt: Callable[[], Awaitable[T]],
        *,
        retry_if: Callable[[BaseException], bool] = is_retriable,
    ) -> T:
        """Run ``attempt`` under the retry policy, counting the retries.

        What is retried is the policy's default (``Retriable``) unless the
        caller widens it with ``retry_if`` (see ``RetryPolicy.call``).
        """
        attempts = 0

        async def counted() -> T:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self.stats.retries += 1
            return await attempt()

        return await self.retry.call(operation, counted, retry_if=retry_if)

    async def aclose(self) -> None:
        await self.http.aclose()
