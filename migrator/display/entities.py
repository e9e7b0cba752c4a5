"""What writing adds to each entity's row: how its records settled, and how fast.

``EntityPanel`` folds ``RecordsSettled`` (created, adopted, existing, checked,
skipped, rejected), ``QueueDepth`` and the Splynx retries (attributed to the
entity their operation names) into counters beside the ``StreamPanel``'s
rows, and draws the migration's table: per entity done of total (with a bar),
read, new, skipped, rejected, the settle rate and ETA, and how full its queue
is; ``summary()`` / ``figures()`` are the end-of-run table and its JSON.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich import box
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from migrator.display.rows import RateMeter, StreamRow, duration
from migrator.display.streams import StreamPanel
from migrator.events import Event, QueueDepth, RecordsSettled, Retried, StreamFinished
from migrator.policy.clock import Clock

__all__ = ["WRITTEN", "EntityPanel"]

WRITTEN = ("created", "adopted", "existing", "checked", "updated")
_SUMMARY_COLUMNS = (
    "entity", "read", "written", "adopted", "updated", "skipped", "rejected", "retried"
)  # fmt: skip


class EntityPanel:
    """Settled records, settle rates, queue fill and retries per entity (a stream's name)."""

    def __init__(self, clock: Clock, streams: StreamPanel) -> None:
        self.clock = clock
        self.streams = streams
        self.settled: dict[str, Counter[str]] = {}
        self.meters: dict[str, RateMeter] = {}
        self.queues: dict[str, tuple[int, int]] = {}
        self.retries: Counter[str] = Counter()

    def emit(self, event: Event) -> None:
        """Fold one event; a ``StreamFinished`` after the stream panel has folded it."""
        match event:
            case RecordsSettled(stream, outcome, count):
                self.settled.setdefault(stream, Counter())[outcome] += count
                meter = self.meters.get(stream)
                if meter is None:
                    meter = self.meters[stream] = RateMeter(self.clock, window=30.0)
                meter.add(count)
            case QueueDepth(stream, depth, size):
                self.queues[stream] = (depth, size)
            case Retried(system, operation) if system == "splynx":
                self._attribute(operation)
            case StreamFinished(stream, error):
                self.queues[stream] = (0, self.queues.get(stream, (0, 0))[1])
                row = self.streams.row(stream)
                if error == "stopped":  # drained on Ctrl-C: not a failure
                    row.state = "stopped"
                elif error is None:  # Sonar's count may include records of other entities
                    row.total = self.done(row)

    def _attribute(self, operation: str) -> None:
        for name in self.streams.rows:
            if name in operation:
                self.retries[name] += 1
                return

    # -- figures -------------------------------------------------------------

    def count(self, stream: str, *outcomes: str) -> int:
        found = self.settled.get(stream, Counter())
        return sum(found[o] for o in outcomes)

    def done(self, row: StreamRow) -> int:
        return self.count(row.name, *WRITTEN, "skipped", "rejected")

    def eta_of(self, row: StreamRow) -> float | None:
        meter = self.meters.get(row.name)
        rate = meter.per_second() if meter else 0.0
        if row.state in {"done", "failed"}:
            return 0.0
        if row.total is None or rate <= 0:
            return None
        return max(0, row.total - self.done(row)) / rate

    def totals(self) -> tuple[int, int | None]:
        """Records settled and expected; None when an entity's total is unknown."""
        rows = self.streams.rows.values()
        done = sum(self.done(row) for row in rows)
        totals = [row.total for row in rows]
        known = None if any(t is None for t in totals) else sum(t or 0 for t in totals)
        return done, known

    def eta(self) -> float | None:
        """The slowest known entity's ETA (entities run side by side)."""
        rows = self.streams.rows.values()
        etas = [eta for row in rows if (eta := self.eta_of(row)) is not None]
        return max(etas) if etas else None

    # -- drawing ---------------------------------------------------------------

    def table(self, title: str) -> Table:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("entity", no_wrap=True)
        table.add_column("", width=10)
        for column in ("done", "read", "new", "skip", "rej", "rec/s", "ETA", "queue"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("state", no_wrap=True)
        for row in self.streams.rows.values():
            table.add_row(*self._cells(row))
        return table

    def _cells(self, row: StreamRow) -> list[Any]:
        done, running = self.done(row), row.state == "running"
        meter = self.meters.get(row.name)
        depth, size = self.queues.get(row.name, (0, 0))
        total = row.total if row.total is not None and row.total >= done else None
        rejected = self.count(row.name, "rejected")
        return [
            row.name,
            ProgressBar(total=float(total or 1), completed=float(done), width=10)
            if total
            else Text(""),
            f"{done:,}/{total:,}" if total is not None else f"{done:,}",
            f"{row.records:,}",
            f"{self.count(row.name, *WRITTEN):,}",
            f"{self.count(row.name, 'skipped'):,}",
            Text(f"{rejected:,}", style="red" if rejected else ""),
            f"{meter.per_second():,.0f}" if running and meter else "",
            duration(self.eta_of(row)) if running else "",
            f"{depth / size:.0%}" if size and running else "",
            Text(row.state, style="red" if row.state == "failed" else ""),
        ]

    def summary(self, title: str, started: float) -> Table:
        table = Table(title=f"{title}: summary", title_justify="left")
        for column in (*_SUMMARY_COLUMNS, "time"):
            table.add_column(column, justify="left" if column == "entity" else "right")
        for name, data in self.figures(started).items():
            table.add_row(
                name,
                *(f"{data[k]:,}" for k in ("read", "written", "adopted", "updated", "skipped")),
                Text(f"{data['rejected']:,}", style="red" if data["rejected"] else ""),
                f"{data['retried']:,}",
                duration(data["seconds"]),
            )
        return table

    def figures(self, started: float) -> dict[str, dict[str, Any]]:
        """Per entity what happened to its records, JSON-ready."""
        entities = {}
        for row in self.streams.rows.values():
            took = (row.finished or self.clock.now()) - (row.started or started)
            entities[row.name] = {
                "read": row.records,
                "written": self.count(row.name, *WRITTEN),
                "created": self.count(row.name, "created"),
                "adopted": self.count(row.name, "adopted"),
                "existing": self.count(row.name, "existing"),
                "updated": self.count(row.name, "updated"),
                "skipped": self.count(row.name, "skipped"),
                "rejected": self.count(row.name, "rejected"),
                "retried": self.retries[row.name],
                "seconds": round(took, 3),
                "state": row.error or row.state,
            }
        return entities
