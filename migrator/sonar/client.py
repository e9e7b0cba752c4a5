"""The Sonar GraphQL client: one session, one shared budget, one retry policy.

Every request any producer makes goes through ``SonarClient.execute``, which

1. waits for a permit from the one shared ``RateLimiter`` (Sonar counts
   requests per token per minute, so all producers share one budget; a small
   headroom keeps jitter from tipping a 60-second window over),
2. sends the document through gql's aiohttp transport (``SonarTransport``:
   one HTTP session reused for the whole run),
3. lets ``RetryPolicy`` try again on what ``classify.classify`` or the transport
   called retriable (5xx, timeouts, dropped connections, rate limits), with
   jittered backoff, never sooner than Retry-After, and gives up after the
   retry budget with an error naming the operation (query, partition, page).

A rate-limit answer also ``defer``s the shared limiter, so every producer
slows down, not just the one that was told.

Counters (requests, retries, rate limits) are kept in ``stats`` for the
summary, and each request and retry is emitted as an event for the display.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from gql import Client, GraphQLRequest

from migrator.errors import ConfigError, RateLimited, Retriable
from migrator.events import BudgetKnown, Emit, RequestDone, Retried, ignore
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.policy.ratelimit import RateLimiter
from migrator.policy.retry import RetryEvent, RetryPolicy, is_retriable
from migrator.settings import Settings
from migrator.sonar.queries import check_documents
from migrator.sonar.transport import SonarTransport

__all__ = ["DEFAULT_HEADROOM", "RequestStats", "SonarClient", "graphql_endpoint", "sonar_limiter"]

log = logging.getLogger(__name__)

SYSTEM = "sonar"
DEFAULT_HEADROOM = 0.02
RATE_LIMIT_PAUSE = 5.0  # seconds every producer holds back after a 429 without Retry-After


def graphql_endpoint(base_url: str) -> str:
    """``SONAR_URL`` is the instance's base URL; the API lives at ``/api/graphql``."""
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"SONAR_URL must start with https:// (or http://), got {url!r}")
    if url.endswith("/api/graphql"):
        return url
    return f"{url}/api/graphql"


def sonar_limiter(per_minute: float, *, clock: Clock = SYSTEM_CLOCK) -> RateLimiter:
    """The one limiter for all Sonar requests of a run (0 = no limit of ours)."""
    return RateLimiter(per_minute, 60.0, headroom=DEFAULT_HEADROOM, clock=clock)


@dataclass
class RequestStats:
    """What the summary reports about the requests of a run."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    failed_attempts: int = 0


class SonarClient:
    """Use as ``async with SonarClient(...) as sonar: data = await sonar.execute(...)``."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        limiter: RateLimiter,
        timeout: float = 30.0,
        connect_timeout: float | None = None,
        retry_budget: float = 300.0,
        verify_tls: bool = True,
        connections: int = 32,
        emit: Emit = ignore,
        clock: Clock = SYSTEM_CLOCK,
        rng: random.Random | None = None,
    ) -> None:
        if not token:
            raise ConfigError("SONAR_TOKEN is not set (a Sonar personal access token)")
        self.endpoint = graphql_endpoint(url)
        self.limiter = limiter
        self.stats = RequestStats()
        self._token = token
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._verify_tls = verify_tls
        self._connections = connections
        self._emit = emit
        self._clock = clock
        self._retry = RetryPolicy(
            budget=retry_budget, clock=clock, rng=rng, on_retry=self._on_retry
        )
        self._client: Client | None = None
        self._session: Any = None

    @classmethod
    def from_settings(
        cls, settings: Settings, *, emit: Emit = ignore, clock: Clock = SYSTEM_CLOCK
    ) -> SonarClient:
        """A client for the configured Sonar (SONAR_URL, SONAR_TOKEN and the tuning)."""
        if not settings.sonar_url:
            raise ConfigError("SONAR_URL is not set (the Sonar instance's base URL)")
        token = settings.sonar_token.get_secret_value() if settings.sonar_token else ""
        if settings.insecure:
            log.warning("TLS certificate verification is OFF for Sonar (MIGRATOR_INSECURE)")
        return cls(
            settings.sonar_url,
            token,
            limiter=sonar_limiter(settings.sonar_rate, clock=clock),
            timeout=settings.timeout,
            connect_timeout=settings.connect_timeout,
            retry_budget=settings.retry_budget,
            verify_tls=not settings.insecure,
            emit=emit,
            clock=clock,
        )

    async def __aenter__(self) -> Self:
        check_documents()
        transport = SonarTransport(
            self.endpoint,
            token=self._token,
            timeout=self._timeout,
            connect_timeout=self._connect_timeout,
            verify_tls=self._verify_tls,
            connections=self._connections,
        )
        # Documents are validated once above, not again per request; the
        # transport's own timeout bounds each request.
        self._client = Client(transport=transport, execute_timeout=None)
        self._session = await self._client.connect_async()
        self._emit(BudgetKnown(SYSTEM, self.limiter.per_minute if self.limiter.enabled else 0))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.close_async()
            self._client = self._session = None

    async def execute(
        self,
        document: GraphQLRequest,
        variables: Mapping[str, Any],
        *,
        operation: str,
        retry_if: Callable[[BaseException], bool] = is_retriable,
    ) -> dict[str, Any]:
        """The ``data`` of ``document`` run with ``variables``, retried as needed.

        ``operation`` names the request in logs and in ``GaveUp`` (e.g.
        "accounts partition 2/4 page 7 (id > 1200)"). ``retry_if`` narrows what is
        retried here: a reader that answers some failures with a smaller document
        (``DocumentSizer``) wants those back at once, not after the retry budget.
        """
        request = GraphQLRequest(document, variable_values=dict(variables))

        async def attempt() -> dict[str, Any]:
            # A coroutine function, not a lambda: tenacity awaits only what it can
            # tell is async, and would hand a lambda's coroutine back un-awaited.
            return await self._attempt(request, operation)

        return await self._retry.call(operation, attempt, retry_if=retry_if)

    async def _attempt(self, request: GraphQLRequest, operation: str) -> dict[str, Any]:
        if self._session is None:
            raise ConfigError("SonarClient used outside `async with`")
        await self.limiter.acquire()
        started = self._clock.now()
        self.stats.requests += 1
        try:
            data: dict[str, Any] = await self._session.execute(request)
        except RateLimited as exc:
            self.stats.rate_limited += 1
            self.limiter.defer(exc.retry_after if exc.retry_after is not None else RATE_LIMIT_PAUSE)
            self._done(operation, "rate_limited", started)
            raise
        except Retriable:
            self.stats.failed_attempts += 1
            self._done(operation, "retriable", started)
            raise
        except Exception:
            self._done(operation, "failed", started)
            raise
        self._done(operation, "ok", started)
        return data

    def _done(self, operation: str, outcome: Any, started: float) -> None:
        seconds = self._clock.now() - started
        log.debug("sonar %s: %s in %.3fs", operation, outcome, seconds)
        self._emit(RequestDone(SYSTEM, operation, outcome, seconds))

    def _on_retry(self, event: RetryEvent) -> None:
        self.stats.retries += 1
        self._emit(Retried(SYSTEM, event.operation, event.attempt, event.wait, str(event.error)))
