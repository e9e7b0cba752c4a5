"""Wall-clock time for the Splynx simulator, injectable so tests can move it.

Splynx speaks Unix timestamps (``access_token_expiration``) and local
``YYYY-MM-DD HH:MM:SS`` datetimes, so the simulator's clock is a wall clock
(seconds since the epoch), not the monotonic one the policies use. Any object
with ``now() -> float`` fits (``tests/support/clock.FakeClock`` does).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol

import anyio

__all__ = ["WALL_CLOCK", "SimClock", "WallClock", "moment", "sql_date", "sql_datetime"]


class SimClock(Protocol):
    def now(self) -> float: ...


class WallClock:
    """Seconds since the epoch (``time.time``)."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(max(0.0, seconds))


WALL_CLOCK = WallClock()


def moment(clock: SimClock) -> datetime:
    """The clock's current local time."""
    return datetime.fromtimestamp(clock.now())


def sql_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")


def sql_datetime(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")
