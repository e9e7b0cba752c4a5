"""Streams of records being read (a Sonar query, an entity): one row each.

``StreamPanel`` folds ``StreamPlanned``, ``RecordsRead`` and ``StreamFinished``
into ``StreamRow``s and draws what reading alone can say: records and pages
against the expected total, the rate and ETA, the state (the export's table
and summary). The migration draws its entity rows from the same rows plus
what the writers report (``entities.py``).
"""

from __future__ import annotations

from rich import box
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from migrator.display.rows import RateMeter, StreamRow, duration
from migrator.events import Event, RecordsRead, StreamFinished, StreamPlanned
from migrator.policy.clock import Clock

__all__ = ["StreamPanel"]


class StreamPanel:
    """One ``StreamRow`` per stream, in the order they were first heard of."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.rows: dict[str, StreamRow] = {}

    def row(self, name: str) -> StreamRow:
        if name not in self.rows:
            self.rows[name] = StreamRow(name, RateMeter(self.clock, window=30.0))
        return self.rows[name]

    def emit(self, event: Event) -> None:
        match event:
            case StreamPlanned(stream, total, done):
                row = self.row(stream)
                row.total, row.resumed = total, done
            case RecordsRead(stream, records, pages):
                row = self.row(stream)
                if row.state == "waiting":
                    row.state, row.started = "running", self.clock.now()
                row.records += records
                row.pages += pages
                row.meter.add(records)
            case StreamFinished(stream, error):
                row = self.row(stream)
                row.state = "failed" if error else "done"
                row.error, row.finished = error, self.clock.now()

    def running(self) -> int:
        return sum(1 for row in self.rows.values() if row.state == "running")

    def finished(self) -> int:
        return sum(1 for row in self.rows.values() if row.state in {"done", "failed"})

    def totals(self) -> tuple[int, int | None]:
        """Records read (an earlier run's included) and expected; None when a total is unknown."""
        done = sum(row.done for row in self.rows.values())
        totals = [row.total for row in self.rows.values()]
        known = None if any(t is None for t in totals) else sum(t or 0 for t in totals)
        return done, known

    def eta(self) -> float | None:
        done, total = self.totals()
        rate = sum(row.meter.per_second() for row in self.rows.values())
        if total is None or rate <= 0:
            return None
        return max(0, total - done) / rate

    def table(self, title: str) -> Table:
        """The live table: per stream its bar, records, pages, rate, ETA and state."""
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("stream", no_wrap=True)
        table.add_column("", width=12)
        for column in ("records", "pages", "rec/s", "ETA"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("state", no_wrap=True)
        for row in self.rows.values():
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
        return table

    def summary(self, title: str, started: float) -> Table:
        """The end-of-run table: per stream records, pages, time, and what went wrong."""
        table = Table(title=f"{title}: summary", title_justify="left")
        for column in ("stream", "records", "expected", "pages", "time", "result"):
            table.add_column(column, justify="left" if column in {"stream", "result"} else "right")
        for row in self.rows.values():
            took = (row.finished or self.clock.now()) - (row.started or started)
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
