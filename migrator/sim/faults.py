"""What makes a simulated server behave like a real one under load: latency,
limited capacity, and faults. Shared by both simulators as one aiohttp middleware.

- ``Latency``: every request takes ``MEAN ± JITTER`` milliseconds (uniform).
- ``Capacity``: at most N requests are served at once; the rest queue for a
  free worker, like a PHP-FPM pool. A request holds its worker for its latency.
- ``FaultPlan``: a seeded share of requests fails: a 5xx answer (nothing done),
  a timeout (the connection hangs with no answer), or a dropped connection.
  Timeouts and drops happen before *or after* the request was carried out, at
  random, so a client cannot know whether a create it sent took effect: that
  is the case the effectively-once protocol exists for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from aiohttp import web

__all__ = [
    "Capacity",
    "FaultKind",
    "FaultPlan",
    "Latency",
    "fault_middleware",
]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Latency:
    """Per-request service time: uniform in [mean - jitter, mean + jitter] ms, never negative."""

    mean_ms: float = 0.0
    jitter_ms: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Latency:
        """Read ``MEAN`` or ``MEAN:JITTER`` (milliseconds), e.g. ``150:50``."""
        mean, _, jitter = text.partition(":")
        try:
            latency = cls(float(mean), float(jitter or 0))
        except ValueError:
            raise ValueError(
                f"latency must be MEAN[:JITTER] in milliseconds, got {text!r}"
            ) from None
        if latency.mean_ms < 0 or latency.jitter_ms < 0:
            raise ValueError(f"latency must not be negative, got {text!r}")
        return latency

    def sample(self, rng: random.Random) -> float:
        """One request's service time, in seconds."""
        if self.jitter_ms == 0:
            return self.mean_ms / 1000.0
        low, high = self.mean_ms - self.jitter_ms, self.mean_ms + self.jitter_ms
        return max(0.0, rng.uniform(low, high)) / 1000.0


class FaultKind(StrEnum):
    SERVER_ERROR = "5xx"
    TIMEOUT = "timeout"
    DROP = "drop"


@dataclass(frozen=True)
class FaultPlan:
    """Which share of requests fail, and how."""

    rate: float = 0.0
    kinds: tuple[FaultKind, ...] = (FaultKind.SERVER_ERROR, FaultKind.TIMEOUT, FaultKind.DROP)
    hang_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")

    def draw(self, rng: random.Random) -> FaultKind | None:
        if self.rate <= 0 or rng.random() >= self.rate:
            return None
        return rng.choice(self.kinds)


class Capacity:
    """A pool of ``workers`` request slots (0 = unlimited), with a count of what it served."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._slots = asyncio.Semaphore(workers) if workers > 0 else None
        self.busy = 0
        self.peak = 0
        self.served = 0

    async def __aenter__(self) -> Capacity:
        if self._slots is not None:
            await self._slots.acquire()
        self.busy += 1
        self.peak = max(self.peak, self.busy)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.busy -= 1
        self.served += 1
        if self._slots is not None:
            self._slots.release()


def _drop(request: web.Request) -> web.Response:
    """Close the connection without an answer (what the client sees as a reset)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=500)  # never reaches the client: the socket is gone


def fault_middleware(
    *,
    latency: Latency,
    faults: FaultPlan,
    capacity: Capacity,
    rng: random.Random,
    server_error: Callable[[int], web.Response],
    exempt: Callable[[web.Request], bool] = lambda request: False,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Build the middleware; ``server_error(status)`` renders a 5xx in the system's own shape."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if exempt(request):
            return await handler(request)
        fault = faults.draw(rng)
        after = rng.random() < 0.5
        async with capacity:
            await asyncio.sleep(latency.sample(rng))
            if fault is FaultKind.SERVER_ERROR:
                log.debug("fault: %s %s -> 5xx", request.method, request.path)
                return server_error(rng.choice((500, 502, 503)))
            if fault is None:
                return await handler(request)
            log.debug(
                "fault: %s %s -> %s (%s)",
                request.method,
                request.path,
                fault,
                "after" if after else "before",
            )
            if after:
                with contextlib.suppress(web.HTTPException):
                    await handler(request)
        if fault is FaultKind.TIMEOUT:
            # The worker is released: this models an answer lost on the way back.
            await asyncio.sleep(faults.hang_seconds)
        return _drop(request)

    return middleware
