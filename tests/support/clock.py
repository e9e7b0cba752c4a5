"""A virtual clock for unit tests of timing logic: sleeping advances time."""

from __future__ import annotations

import anyio

__all__ = ["FakeClock"]


class FakeClock:
    """Time moves only when somebody sleeps; every sleep is recorded."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        self._now += seconds
        await anyio.lowlevel.checkpoint()
