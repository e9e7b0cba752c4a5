"""One shared request budget per remote system.

A generic cell-rate (GCRA) limiter: requests are spaced evenly at ``rate`` per
``period`` with at most ``burst`` let through back to back. Every caller
reserves its slot synchronously (no await between reading and writing the
schedule), so concurrent producers or writers share one budget fairly, in
arrival order, without a lock.

Even spacing is the polite shape for a server that counts requests per fixed
window: any window of ``period`` seconds sees at most ``rate + burst - 1``
requests. ``headroom`` shaves a little off the configured rate so that jitter
between our send time and the server's receive time cannot tip a window over.
"""

from __future__ import annotations

from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["RateLimiter"]


class RateLimiter:
    """Evenly spaced permits: ``rate`` per ``period`` seconds; rate 0 means no limit."""

    def __init__(
        self,
        rate: float,
        period: float = 60.0,
        *,
        burst: int = 1,
        headroom: float = 0.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if rate < 0 or period <= 0 or burst < 1 or not 0.0 <= headroom < 1.0:
            raise ValueError("rate >= 0, period > 0, burst >= 1, 0 <= headroom < 1")
        self.rate = rate
        self.period = period
        self.burst = burst
        self._clock = clock
        effective = rate * (1.0 - headroom)
        self._interval = period / effective if effective > 0 else 0.0
        self._tat = 0.0  # theoretical arrival time of the next permit
        self._blocked_until = 0.0
        self.granted = 0
        self.waited = 0.0

    @property
    def enabled(self) -> bool:
        return self._interval > 0

    @property
    def per_minute(self) -> float:
        """The configured budget expressed per minute (0 when unlimited)."""
        return self.rate * 60.0 / self.period

    def _reserve(self) -> float:
        """Take the next slot and return how long to wait for it."""
        now = self._clock.now()
        tat = max(self._tat, now)
        allowed_at = tat - (self.burst - 1) * self._interval
        self._tat = tat + self._interval
        return max(0.0, allowed_at - now)

    async def acquire(self) -> float:
        """Wait for a permit; return the seconds spent waiting."""
        self.granted += 1
        delay = self._reserve() if self.enabled else self.blocked_for()
        if delay > 0:
            self.waited += delay
            await self._clock.sleep(delay)
        return delay

    def defer(self, seconds: float) -> None:
        """Hold every later permit back for ``seconds`` (e.g. after a 429's Retry-After).

        One caller hearing "slow down" makes all of them slow down, limited or not.
        """
        until = self._clock.now() + max(0.0, seconds)
        self._tat = max(self._tat, until)
        self._blocked_until = max(self._blocked_until, until)

    def blocked_for(self) -> float:
        """Seconds left of the latest ``defer``; 0 when not deferred."""
        return max(0.0, self._blocked_until - self._clock.now())
