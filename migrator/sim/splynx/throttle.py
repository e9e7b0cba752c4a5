"""``--throttle RATE``: answer 429 with Retry-After above RATE requests per second.

The window (our choice; Splynx documents no rate limit, so this models an nginx
``limit_req`` in front of it): a token bucket holding RATE tokens (one second's
worth of burst), refilled continuously at RATE per second. A request that finds
the bucket empty is answered at once, without taking a PHP worker, with 429,
the error envelope (internal code ``TOO_MANY_REQUESTS``, ours) and
``Retry-After`` in whole seconds (at least 1) until a token is back.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from migrator.sim.splynx.clock import SimClock
from migrator.sim.splynx.errors import SplynxError

__all__ = ["Throttle", "throttle_middleware"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Throttle:
    """A token bucket: ``admit()`` returns None (go ahead) or the seconds to wait."""

    def __init__(self, rate: float, clock: SimClock) -> None:
        if rate <= 0:
            raise ValueError("throttle rate must be positive")
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock.now()
        self.refused = 0

    def admit(self) -> float | None:
        now = self._clock.now()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        self.refused += 1
        return (1.0 - self._tokens) / self.rate


def throttle_middleware(throttle: Throttle) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        wait = throttle.admit()
        if wait is None:
            return await handler(request)
        retry_after = str(max(1, math.ceil(wait)))
        error = SplynxError(
            429, "Rate limit exceeded.", "TOO_MANY_REQUESTS", headers={"Retry-After": retry_after}
        )
        return error.response()

    return middleware
