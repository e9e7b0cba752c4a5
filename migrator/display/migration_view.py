"""The migration's live display: what reading shows, plus what writing adds.

Composed of a ``StreamPanel`` (records read per entity), an ``EntityPanel``
(how they settled, the settle rate and ETA, queue fill), a ``SystemPanel``
(Sonar's and Splynx's request rates against their limits, retries and
rate-limit answers) and the ``Screen`` that draws them. Without a terminal,
one concise line every few seconds. ``summary()`` is the end-of-run table;
``summary_data()`` the same as JSON for the summary file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Self

from rich.console import Console, Group
from rich.table import Table

from migrator.display.entities import EntityPanel
from migrator.display.overall import footer, one_line
from migrator.display.screen import Screen
from migrator.display.streams import StreamPanel
from migrator.display.systems import SystemPanel
from migrator.events import Event
from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["MigrationDisplay"]


class MigrationDisplay:
    """Folds the readers', writers' and clients' events; one row per entity."""

    def __init__(
        self,
        title: str = "migrate",
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
        self.entities = EntityPanel(clock, self.streams)
        # Splynx's limit is a capacity (workers over latency): paced per second.
        self.systems = SystemPanel(clock, per_second=("splynx",))
        self.screen = Screen(
            console=console, clock=clock, live=live, refresh=refresh, line_every=line_every
        )
        self.started = clock.now()

    def emit(self, event: Event) -> None:
        """Fold one event into the counters (cheap; called from any task)."""
        self.streams.emit(event)
        self.entities.emit(event)
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
        return one_line(
            self.title,
            self.entities.totals(),
            self.streams,
            self.systems,
            self.elapsed(),
            self.entities.eta(),
        )

    def render(self) -> Group:
        table = self.entities.table(self.title)
        return Group(table, *footer(self.systems, self.elapsed(), self.entities.eta()))

    def summary(self) -> Table:
        return self.entities.summary(self.title, self.started)

    def summary_data(self) -> dict[str, Any]:
        """Per entity and per system figures, JSON-ready."""
        return {
            "entities": self.entities.figures(self.started),
            "systems": self.systems.figures(),
            "seconds": round(self.elapsed(), 3),
        }
