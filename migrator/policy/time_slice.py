"""Sharing the event loop during long synchronous work (decoding a page, building rows).

Everything runs on one event loop: while a page of accounts with their
ledgers is decoded, or five hundred rows are built for the database, no
writer can hand Splynx its next request, and Splynx's workers idle. A
``TimeSlice`` is asked after each unit of such work; once ``seconds`` have
passed since the loop last ran something else, it lets the loop run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio

__all__ = ["TimeSlice"]


class TimeSlice:
    def __init__(self, seconds: float = 0.005, clock: Callable[[], float] = time.perf_counter):
        self._seconds = seconds
        self._clock = clock
        self._since = clock()

    async def share(self) -> None:
        """Let the event loop run if this work has held it for ``seconds``."""
        now = self._clock()
        if now - self._since >= self._seconds:
            await anyio.lowlevel.checkpoint()
            self._since = self._clock()
