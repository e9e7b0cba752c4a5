"""The live display: the one owner of the terminal while a run works.

Workers never draw; they ``emit`` events (``migrator.events``), which the
``ProgressReporter`` folds into per-stream and per-system counters. While
``async with reporter.running():`` is open it redraws a rich ``Live`` table
every ``refresh`` seconds on a terminal, or, without one (CI, a log file, a
pipe), prints one concise line every ``line_every`` seconds. Time comes from
an injected clock, so the display is testable with virtual time.

Rows are "streams" (a query, later an entity) with records, pages, rate and
an ETA from the expected total; the footer shows each remote system's request
rate against its budget, retries and rate-limit answers. ``summary()`` is the
end-of-run table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Self

import anyio
from rich import box
from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from migrator.events import (
    BudgetKnown,
    Event,
    RecordsRead,
    RequestDone,
    Retried,
    StreamFinished,
    StreamPlanned,
)
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.progress_rows import RateMeter, StreamRow, SystemRow, duration

__all__ = ["ProgressReporter", "RateMeter", "StreamRow", "SystemRow", "duration"]


class ProgressReporter:
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
        self.console = console or Console(stderr=True)
        self.clock = clock
        self.live = self.console.is_terminal if live is None else live
        self.refresh = refresh
        self.line_every = line_every
        self.streams: dict[str, StreamRow] = {}
        self.systems: dict[str, SystemRow] = {}
        self.started = clock.now()

    # -- events ---------------------------------------------------------------

    def emit(self, event: Event) -> None:
        """Fold one event into the counters (cheap; called from any task)."""
        match event:
            case StreamPlanned(stream, total, done):
                row = self.stream(stream)
                row.total, row.resumed = total, done
            case RecordsRead(stream, records, pages):
                row = self.stream(stream)
                if row.state == "waiting":
                    row.state, row.started = "running", self.clock.now()
                row.records += records
                row.pages += pages
                row.meter.add(records)
            case StreamFinished(stream, error):
                row = self.stream(stream)
                row.state = "failed" if error else "done"
                row.error, row.finished = error, self.clock.now()
            case BudgetKnown(system, per_minute):
                self.system(system).budget_per_minute = per_minute
            case RequestDone(system, _, outcome, _):
                self._request(self.system(system), outcome)
            case Retried(system):
                self.system(system).retries += 1

    def _request(self, row: SystemRow, outcome: str) -> None:
        row.requests += 1
        row.meter.add()
        row.outcomes[outcome] = row.outcomes.get(outcome, 0) + 1
        if outcome == "rate_limited":
            row.rate_limited += 1
        elif outcome != "ok":
            row.failed += 1

    def stream(self, name: str) -> StreamRow:
        if name not in self.streams:
            self.streams[name] = StreamRow(name, RateMeter(self.clock, window=30.0))
        return self.streams[name]

    def system(self, name: str) -> SystemRow:
        if name not in self.systems:
            self.systems[name] = SystemRow(name, RateMeter(self.clock, window=60.0))
        return self.systems[name]

    # -- drawing --------------------------------------------------------------

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Self]:
        """Show progress while the block runs; draw the final state when it ends."""
        self.started = self.clock.now()
        async with anyio.create_task_group() as group:
            if self.live:
                with Live(console=self.console, auto_refresh=False, transient=False) as live:
                    group.start_soon(self._redraw, live)
                    try:
                        yield self
                    finally:
                        group.cancel_scope.cancel()
                        live.update(self.render(), refresh=True)
            else:
                group.start_soon(self._print_lines)
                try:
                    yield self
                finally:
                    group.cancel_scope.cancel()
                    self.console.print(self.line(), markup=False, highlight=False, soft_wrap=True)

    async def _redraw(self, live: Live) -> None:
        while True:
            live.update(self.render(), refresh=True)
            await self.clock.sleep(self.refresh)

    async def _print_lines(self) -> None:
        while True:
            await self.clock.sleep(self.line_every)
            self.console.print(self.line(), markup=False, highlight=False, soft_wrap=True)

    def elapsed(self) -> float:
        return self.clock.now() - self.started

    def _totals(self) -> tuple[int, int | None]:
        done = sum(row.done for row in self.streams.values())
        totals = [row.total for row in self.streams.values()]
        known = None if any(t is None for t in totals) else sum(t or 0 for t in totals)
        return done, known

    def _eta(self) -> float | None:
        done, total = self._totals()
        rate = sum(row.meter.per_second() for row in self.streams.values())
        if total is None or rate <= 0:
            return None
        return max(0, total - done) / rate

    def _system_text(self, row: SystemRow) -> str:
        rate = row.per_minute()
        budget = (
            f"{rate:,.0f}/min of {row.budget_per_minute:,.0f} ({rate / row.budget_per_minute:.0%})"
            if row.budget_per_minute
            else f"{rate:,.0f}/min (no limit)"
        )
        return (
            f"{row.name}: {row.requests:,} requests, {budget}, {row.retries} retries, "
            f"{row.rate_limited} rate-limited"
        )

    def line(self) -> str:
        """One concise progress line, for logs and terminals that cannot redraw."""
        done, total = self._totals()
        share = f" ({done / total:.0%})" if total else ""
        running = sum(1 for row in self.streams.values() if row.state == "running")
        finished = sum(1 for row in self.streams.values() if row.state in {"done", "failed"})
        parts = [
            f"{self.title}: {done:,}/{total:,} records{share}"
            if total is not None
            else f"{self.title}: {done:,} records",
            f"{finished}/{len(self.streams)} done, {running} running",
            *(self._system_text(row) for row in self.systems.values()),
            f"elapsed {duration(self.elapsed())}, ETA {duration(self._eta())}",
        ]
        return " | ".join(parts)

    def render(self) -> Group:
        """The live view: one row per stream, then one line per remote system."""
        table = Table(title=self.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("stream", no_wrap=True)
        table.add_column("", width=12)
        for column in ("records", "pages", "rec/s", "ETA"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("state", no_wrap=True)
        for row in self.streams.values():
            running = row.state == "running"
            table.add_row(
                row.name,
                ProgressBar(total=float(row.total or 1), completed=float(row.done), width=12)
                if row.total
                else Text(""),
                f"{row.done:,}/{row.total:,}" if row.total is not None else f"{row.done:,}",
                f"{row.pages:,}",
                f"{row.meter.per_second():,.0f}" if running else "",
                duration(row.eta()) if running else "",
                Text(row.state, style="red" if row.state == "failed" else ""),
            )
        footer = [Text(self._system_text(row)) for row in self.systems.values()]
        footer.append(Text(f"elapsed {duration(self.elapsed())}, ETA {duration(self._eta())}"))
        return Group(table, *footer)

    def summary(self) -> Table:
        """The end-of-run table: per stream records, pages, time, and what went wrong."""
        table = Table(title=f"{self.title}: summary", title_justify="left")
        for column in ("stream", "records", "expected", "pages", "time", "result"):
            table.add_column(column, justify="left" if column in {"stream", "result"} else "right")
        for row in self.streams.values():
            took = (row.finished or self.clock.now()) - (row.started or self.started)
            result = row.error or row.state
            table.add_row(
                row.name,
                f"{row.done:,}",
                f"{row.total:,}" if row.total is not None else "?",
                f"{row.pages:,}",
                duration(took),
                Text(result, style="red" if row.state == "failed" else ""),
            )
        return table
