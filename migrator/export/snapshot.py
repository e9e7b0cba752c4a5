"""``migrator export``'s engine: Sonar → a fixture directory, resumable, budget-saturating.

One planner probes each query (or takes its plan from an earlier run) and
queues its unfinished partitions; ``producers`` workers take partitions from
that queue and page through them, appending each page to the partition's part
file. Because the workers serve all queries from one queue, the rate limiter
always has requests waiting, whatever the size of each table. A query whose
last partition is done is assembled into ``<query>.jsonl`` at once.

A query that fails (e.g. gives up after the retry budget) is reported and the
others go on; refused credentials or bad configuration stop everything.
Re-running the export continues where it stopped (see ``snapshot_store``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from migrator.errors import AuthFailed, ConfigError, MigratorError, PermissionDenied
from migrator.events import Emit, RecordsRead, StreamFinished, StreamPlanned, ignore
from migrator.export.snapshot_store import (
    STATE_FILE,
    WORK_DIR,
    SnapshotStore,
    source_fingerprint,
)
from migrator.sonar.client import SonarClient
from migrator.sonar.extract import Extractor, Partition
from migrator.sonar.models import SerializedRecord, serialized
from migrator.sonar.readers import FlatRecords
from migrator.state_lock import StateLock

__all__ = ["ExportResult", "QueryResult", "export_snapshot"]

log = logging.getLogger(__name__)

STOP_EVERYTHING = (AuthFailed, PermissionDenied, ConfigError)


@dataclass
class QueryResult:
    query: str
    records: int = 0
    expected: int | None = None
    error: str | None = None
    skipped: bool = False  # finished by an earlier run


@dataclass
class ExportResult:
    queries: dict[str, QueryResult] = field(default_factory=dict)

    @property
    def failed(self) -> list[QueryResult]:
        return [result for result in self.queries.values() if result.error]


class _Export:
    """The state one export run shares between its planner and workers."""

    def __init__(self, store: SnapshotStore, extractor: Extractor, emit: Emit) -> None:
        self.store = store
        self.extractor = extractor
        self.emit = emit
        self.result = ExportResult()
        self.readers: dict[str, FlatRecords[SerializedRecord]] = {}

    async def plan(
        self, queries: Sequence[str], send: MemoryObjectSendStream[Partition], producers: int
    ) -> None:
        """Plan every query (``producers`` probes at a time) and queue their partitions.

        Planning goes first so that the display knows every total (and an ETA)
        within seconds; workers start on each query's partitions as they come.
        """
        for query in queries:
            self.emit(StreamPlanned(query, None))
        slots = anyio.CapacityLimiter(producers)
        async with send, anyio.create_task_group() as group:
            for query in queries:
                group.start_soon(self._plan_one, query, send.clone(), slots)

    async def _plan_one(
        self, query: str, send: MemoryObjectSendStream[Partition], slots: anyio.CapacityLimiter
    ) -> None:
        async with send, slots:
            try:
                for partition in await self._pending(query):
                    await send.send(partition)
            except STOP_EVERYTHING:
                raise
            except MigratorError as exc:
                self._failed(query, exc)

    async def _pending(self, query: str) -> list[Partition]:
        """The partitions of ``query`` still to read (planning it if new)."""
        result = self.result.queries[query] = QueryResult(query)
        self.readers[query] = FlatRecords(query, serialized(query))
        state = self.store.queries.get(query)
        if state is not None and state.finished:
            self.store.discard_parts(query)
            result.records, result.expected, result.skipped = state.records, state.total, True
            self.emit(StreamPlanned(query, state.total, state.records))
            self.emit(StreamFinished(query))
            return []
        if state is None:
            self.store.check_foreign(query)
            plan = await self.extractor.plan(query)
            state = self.store.planned(query, plan.total_count, plan.partitions)
        pending, resumed = [], 0
        for index, part in enumerate(state.parts):
            last_id, lines = self.store.resume_point(query, index)
            resumed += lines
            if not part.done:
                partition = state.partition(query, index)
                pending.append(partition.resumed(last_id) if last_id is not None else partition)
        result.expected, result.records = state.total, resumed
        self.emit(StreamPlanned(query, state.total, resumed))
        if not pending:
            self._finish(query)
        return pending

    async def work(self, receive: MemoryObjectReceiveStream[Partition]) -> None:
        async with receive:
            async for partition in receive:
                query = partition.query
                if self.result.queries[query].error:
                    continue  # the query already failed; leave the rest for the next run
                try:
                    await self._read(partition)
                except STOP_EVERYTHING:
                    raise
                except MigratorError as exc:
                    self._failed(query, exc)

    async def _read(self, partition: Partition) -> None:
        query = partition.query
        async for page in self.extractor.pages(partition, self.readers[query]):
            self.store.append(query, partition.index, [record.line() for record in page.records])
            for reject in page.rejects:
                log.warning("%s: skipped an entity: %s", query, reject)
            self.result.queries[query].records += len(page.records)
            self.emit(RecordsRead(query, len(page.records)))
        if self.store.partition_done(query, partition.index):
            self._finish(query)

    def _finish(self, query: str) -> None:
        self.result.queries[query].records = self.store.finish(query)
        self.emit(StreamFinished(query))

    def _failed(self, query: str, exc: MigratorError) -> None:
        log.error("%s: %s", query, exc)
        result = self.result.queries.setdefault(query, QueryResult(query))
        if not result.error:
            result.error = str(exc)
            self.emit(StreamFinished(query, str(exc)))


async def export_snapshot(
    client: SonarClient,
    out: Path,
    queries: Sequence[str],
    *,
    page_size: int = 100,
    producers: int = 4,
    fresh: bool = False,
    emit: Emit = ignore,
) -> ExportResult:
    """Export ``queries`` from ``client``'s Sonar into ``out`` (continuing an earlier run).

    The export's state is locked for the whole run: two exports into one
    directory would append the same pages twice.
    """
    with StateLock(out / WORK_DIR / STATE_FILE, "export"):
        store = SnapshotStore(out, source=source_fingerprint(client.endpoint), fresh=fresh)
        extractor = Extractor(client, page_size=page_size, producers=producers)
        export = _Export(store, extractor, emit)
        send, receive = anyio.create_memory_object_stream[Partition](math.inf)
        async with anyio.create_task_group() as group, receive:
            group.start_soon(export.plan, queries, send, producers)
            for _ in range(producers):
                group.start_soon(export.work, receive.clone())
        return export.result
