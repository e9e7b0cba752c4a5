"""``migrator export``'s display: streams being read, and the requests they cost.

Composed of a ``StreamPanel`` (one row per query: records, pages, rate, ETA
from the expected total), a ``SystemPanel`` (Sonar's request rate against its
budget, retries, rate-limit answers) and the ``Screen`` that draws them.
Workers never draw; they ``emit`` events (``migrator.events``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Self

from rich.console import Console, Group
from rich.table import Table

from migrator.display.overall import footer, one_line
from migrator.display.screen import Screen
from migrator.display.streams import StreamPanel
from migrator.display.systems import SystemPanel
from migrator.events import Event
from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["ExportDisplay"]


class ExportDisplay:
    """Collects events; draws them live while ``running()``; summarises at the end."""

    def __init__(
        self,
        title: str,
        *,
        console: Console | None = None,
        clock: Clock = SYSTEM_CLOCK,
        live: bool | None = None,
        refresh: float = 0.5,
        line_every: float = 5.0,
    ) -> None:
        self.title = title
        self.clock = clock
        self.streams = StreamPanel(clock)
        self.systems = SystemPanel(clock)
        self.screen = Screen(
            console=console, clock=clock, live=live, refresh=refresh, line_every=line_every
        )
        self.started = clock.now()

    def emit(self, event: Event) -> None:
        """Fold one event into the counters (cheap; called from any task)."""
        self.streams.emit(event)
        self.systems.emit(event)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Self]:
        """Show progress while the block runs; draw the final state when it ends."""
        self.started = self.clock.now()
        async with self.screen.showing(self):
            yield self

    def elapsed(self) -> float:
        return self.clock.now() - self.started

    def line(self) -> str:
        """One concise progress line, for logs and terminals that cannot redraw."""
        return one_line(
            self.title,
            self.streams.totals(),
            self.streams,
            self.systems,
            self.elapsed(),
            self.streams.eta(),
        )

    def render(self) -> Group:
        """The live view: one row per stream, then one line per remote system."""
        table = self.streams.table(self.title)
        return Group(table, *footer(self.systems, self.elapsed(), self.streams.eta()))

    def summary(self) -> Table:
        """The end-of-run table: per stream records, pages, time, and what went wrong."""
        return self.streams.summary(self.title, self.started)
