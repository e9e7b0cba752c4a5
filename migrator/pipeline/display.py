"""The migration's live display: the export display, plus what writing adds.

Per entity: read / settled of total (with a bar), created, skipped, rejected,
the settle rate and ETA, and how full its queue is; below, Sonar's and
Splynx's request rates against their limits, retries and rate-limit answers,
and the elapsed time. Without a terminal, one concise line every few
seconds. ``summary()`` is the end-of-run table; ``summary_data()`` the same as
JSON for the summary file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich import box
from rich.console import Group
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from migrator.events import Event, QueueDepth, RecordsSettled, Retried, StreamFinished
from migrator.progress import ProgressReporter, RateMeter, StreamRow, duration
from migrator.splynx.session import SplynxStats

__all__ = ["MigrationDisplay"]

WRITTEN = ("created", "adopted", "existing", "checked")


class MigrationDisplay(ProgressReporter):
    """Folds the writers' events too, and draws one row per entity."""

    def __init__(self, title: str = "migrate", **options: Any) -> None:
        super().__init__(title, **options)
        self.settled: dict[str, Counter[str]] = {}
        self.settle_meters: dict[str, RateMeter] = {}
        self.queues: dict[str, tuple[int, int]] = {}
        self.entity_retries: Counter[str] = Counter()
        self._splynx: SplynxStats | None = None
        self._splynx_seen = 0

    def watch_splynx(self, stats: SplynxStats) -> None:
        """Sample the Splynx client's counters at every redraw (it sends no events)."""
        self._splynx = stats

    def emit(self, event: Event) -> None:
        match event:
            case RecordsSettled(stream, outcome, count):
                self.settled.setdefault(stream, Counter())[outcome] += count
                meter = self.settle_meters.get(stream)
                if meter is None:
                    meter = self.settle_meters[stream] = RateMeter(self.clock, window=30.0)
                meter.add(count)
            case QueueDepth(stream, depth, size):
                self.queues[stream] = (depth, size)
            case Retried(system, operation):
                super().emit(event)
                if system == "splynx":
                    self._attribute(operation)
            case StreamFinished(stream, error):
                super().emit(event)
                self.queues[stream] = (0, self.queues.get(stream, (0, 0))[1])
                row = self.stream(stream)
                if error == "stopped":  # drained on Ctrl-C: not a failure
                    row.state = "stopped"
                elif error is None:  # Sonar's count may include records of other entities
                    row.total = self.done(row)
            case _:
                super().emit(event)

    def _attribute(self, operation: str) -> None:
        for name in self.streams:
            if name in operation:
                self.entity_retries[name] += 1
                return

    def _sample(self) -> None:
        if self._splynx is None:
            return
        row = self.system("splynx")
        fresh = self._splynx.requests - self._splynx_seen
        if fresh > 0:
            row.meter.add(fresh)
            self._splynx_seen = self._splynx.requests
        row.requests = self._splynx.requests
        row.retries = self._splynx.retries
        row.rate_limited = self._splynx.rate_limited

    def _system_text(self, row: Any) -> str:
        """Splynx is paced per second (its limit is a capacity); Sonar per minute."""
        if row.name != "splynx":
            return super()._system_text(row)
        rate = row.per_minute() / 60.0
        limit = row.budget_per_minute / 60.0
        against = f"of {limit:,.0f}/s ({rate / limit:.0%})" if limit else "(no limit of ours)"
        return (
            f"splynx: {row.requests:,} requests, {rate:,.0f}/s {against}, "
            f"{row.retries} retries, {row.rate_limited} rate-limited"
        )

    # -- figures -------------------------------------------------------------

    def count(self, stream: str, *outcomes: str) -> int:
        found = self.settled.get(stream, Counter())
        return sum(found[o] for o in outcomes)

    def done(self, row: StreamRow) -> int:
        return self.count(row.name, *WRITTEN, "skipped", "rejected")

    def _eta_of(self, row: StreamRow) -> float | None:
        meter = self.settle_meters.get(row.name)
        rate = meter.per_second() if meter else 0.0
        if row.state in {"done", "failed"}:
            return 0.0
        if row.total is None or rate <= 0:
            return None
        return max(0, row.total - self.done(row)) / rate

    def _totals(self) -> tuple[int, int | None]:
        done = sum(self.done(row) for row in self.streams.values())
        totals = [row.total for row in self.streams.values()]
        known = None if any(t is None for t in totals) else sum(t or 0 for t in totals)
        return done, known

    def _eta(self) -> float | None:
        """The slowest known entity's ETA (entities run side by side)."""
        etas = [eta for row in self.streams.values() if (eta := self._eta_of(row)) is not None]
        return max(etas) if etas else None

    # -- drawing ---------------------------------------------------------------

    def line(self) -> str:
        self._sample()
        return super().line()

    def render(self) -> Group:
        self._sample()
        table = Table(title=self.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("entity", no_wrap=True)
        table.add_column("", width=10)
        for column in ("done", "read", "new", "skip", "rej", "rec/s", "ETA", "queue"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("state", no_wrap=True)
        for row in self.streams.values():
            table.add_row(*self._cells(row))
        footer = [Text(self._system_text(row)) for row in self.systems.values()]
        footer.append(Text(f"elapsed {duration(self.elapsed())}, ETA {duration(self._eta())}"))
        return Group(table, *footer)

    def _cells(self, row: StreamRow) -> list[Any]:
        done, running = self.done(row), row.state == "running"
        meter = self.settle_meters.get(row.name)
        depth, size = self.queues.get(row.name, (0, 0))
        total = row.total if row.total is not None and row.total >= done else None
        return [
            row.name,
            ProgressBar(total=float(total or 1), completed=float(done), width=10)
            if total
            else Text(""),
            f"{done:,}/{total:,}" if total is not None else f"{done:,}",
            f"{row.records:,}",
            f"{self.count(row.name, *WRITTEN):,}",
            f"{self.count(row.name, 'skipped'):,}",
            Text(
                f"{self.count(row.name, 'rejected'):,}",
                style="red" if self.count(row.name, "rejected") else "",
            ),
            f"{meter.per_second():,.0f}" if running and meter else "",
            duration(self._eta_of(row)) if running else "",
            f"{depth / size:.0%}" if size and running else "",
            Text(row.state, style="red" if row.state == "failed" else ""),
        ]

    def summary(self) -> Table:
        table = Table(title=f"{self.title}: summary", title_justify="left")
        for column in (
            "entity",
            "read",
            "written",
            "adopted",
            "skipped",
            "rejected",
            "retried",
            "time",
        ):
            table.add_column(column, justify="left" if column == "entity" else "right")
        for name, data in self.summary_data()["entities"].items():
            table.add_row(
                name,
                *(f"{data[k]:,}" for k in ("read", "written", "adopted", "skipped")),
                Text(f"{data['rejected']:,}", style="red" if data["rejected"] else ""),
                f"{data['retried']:,}",
                duration(data["seconds"]),
            )
        return table

    def summary_data(self) -> dict[str, Any]:
        """Per entity and per system figures, JSON-ready."""
        self._sample()
        entities = {}
        for row in self.streams.values():
            took = (row.finished or self.clock.now()) - (row.started or self.started)
            entities[row.name] = {
                "read": row.records,
                "written": self.count(row.name, *WRITTEN),
                "created": self.count(row.name, "created"),
                "adopted": self.count(row.name, "adopted"),
                "existing": self.count(row.name, "existing"),
                "skipped": self.count(row.name, "skipped"),
                "rejected": self.count(row.name, "rejected"),
                "retried": self.entity_retries[row.name],
                "seconds": round(took, 3),
                "state": row.error or row.state,
            }
        systems = {
            row.name: {
                "requests": row.requests,
                "retries": row.retries,
                "rate_limited": row.rate_limited,
            }
            for row in self.systems.values()
        }
        return {"entities": entities, "systems": systems, "seconds": round(self.elapsed(), 3)}
