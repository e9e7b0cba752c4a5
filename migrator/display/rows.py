"""What the display counts: rates over a sliding window, and one row per stream or
remote system. Plain data with an injected clock; nothing here draws."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from migrator.policy.clock import Clock

__all__ = ["RateMeter", "StreamRow", "SystemRow", "duration"]


class RateMeter:
    """Events per second over the last ``window`` seconds, in one-second buckets."""

    def __init__(self, clock: Clock, window: float = 60.0) -> None:
        self._clock = clock
        self._window = window
        self._buckets: deque[tuple[int, int]] = deque()
        self._first: float | None = None

    def add(self, count: int = 1) -> None:
        now = self._clock.now()
        if self._first is None:
            self._first = now
        second = int(now)
        if self._buckets and self._buckets[-1][0] == second:
            self._buckets[-1] = (second, self._buckets[-1][1] + count)
        else:
            self._buckets.append((second, count))
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._buckets and self._buckets[0][0] < now - self._window:
            self._buckets.popleft()

    def per_second(self) -> float:
        now = self._clock.now()
        self._trim(now)
        if self._first is None:
            return 0.0
        span = min(self._window, max(1.0, now - self._first))
        return sum(count for _, count in self._buckets) / span


@dataclass
class StreamRow:
    """One row of the display: a stream of records being read (later: written)."""

    name: str
    meter: RateMeter
    total: int | None = None
    resumed: int = 0
    records: int = 0
    pages: int = 0
    state: str = "waiting"
    error: str | None = None
    started: float | None = None
    finished: float | None = None

    @property
    def done(self) -> int:
        return self.resumed + self.records

    def eta(self) -> float | None:
        """Seconds left at the recent rate; None when unknown."""
        if self.state in {"done", "failed"}:
            return 0.0
        rate = self.meter.per_second()
        if self.total is None or rate <= 0:
            return None
        return max(0, self.total - self.done) / rate


@dataclass
class SystemRow:
    """Requests to one remote system (sonar, splynx) against its budget."""

    name: str
    meter: RateMeter
    budget_per_minute: float = 0.0
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    failed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def per_minute(self) -> float:
        return self.meter.per_second() * 60.0


def duration(seconds: float | None) -> str:
    """``1h02m``, ``3m05s``, ``12s``; ``?`` when unknown."""
    if seconds is None:
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
