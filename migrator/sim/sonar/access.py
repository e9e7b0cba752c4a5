"""Who may ask, and how often: Bearer tokens and Sonar's per-token rate limit.

Auth. Sonar takes ``Authorization: Bearer <personal access token>``. What it
answers without one is not in the references. ASSUMPTION: HTTP 401 with a
body in the shape of Sonar's documented rate-limit error (a top-level
``error`` key): ``{"error": "Unauthenticated."}``. A client should treat any
401/403 as refused credentials, whatever the body.

Rate limit. ``reference/sonar_volumes.md``: "400 requests per minute per
user, counter reset every 60 s, error body ``{"error": "Request limit of
400/min reached."}`` ... the HTTP status is not documented." ASSUMPTION: the
status is 429 and there is no Retry-After header.

How the window is aligned (``WindowLimiter``): each token has its own fixed
60-second window, which opens at the first request that finds no window
open, and counts the requests it admits; a request beyond the limit within
the window is refused (and not counted). So a client spacing requests
evenly at the limit with 1-2% headroom (one every 60/(400*0.98) s) fits at
most 393 requests in any window and never trips, while a client above the
limit sustained for a minute puts more than 400 into one window and must.
Requests refused for auth never reach the limiter, nor do the ones the
middleware is told are ``uncounted`` (the simulator's own admin endpoint:
authenticated like the API, but not part of the Sonar whose budget is modelled).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["WindowLimiter", "access_middleware", "rate_limit_body"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def rate_limit_body(limit: int) -> dict[str, str]:
    return {"error": f"Request limit of {limit}/min reached."}


class WindowLimiter:
    """Admits at most ``limit`` requests per token per ``period`` seconds (0 = no limit)."""

    def __init__(self, limit: int, period: float = 60.0, clock: Clock = SYSTEM_CLOCK) -> None:
        if limit < 0:
            raise ValueError("the rate limit cannot be negative")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self.refused = 0

    def admit(self, token: str) -> bool:
        """Count this request against ``token``'s window, or refuse it."""
        if self.limit == 0:
            return True
        now = self._clock.now()
        opened, used = self._windows.get(token, (now, 0))
        if now - opened >= self.period:
            opened, used = now, 0
        if used >= self.limit:
            self.refused += 1
            return False
        self._windows[token] = (opened, used + 1)
        return True


def _json(status: int, body: object, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def _bearer(request: web.Request) -> str | None:
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None


def access_middleware(
    tokens: Iterable[str],
    limiter: WindowLimiter,
    uncounted: Callable[[web.Request], bool] = lambda request: False,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Refuse requests without a known Bearer token (401), then those over the limit (429);
    ``uncounted`` requests are authenticated but never limited."""
    known = tuple(token.encode() for token in tokens)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        token = _bearer(request)
        if token is None or not any(hmac.compare_digest(token.encode(), k) for k in known):
            return _json(401, {"error": "Unauthenticated."}, {"WWW-Authenticate": "Bearer"})
        if not uncounted(request) and not limiter.admit(token):
            return _json(429, rate_limit_body(limiter.limit))
        return await handler(request)

    return middleware
