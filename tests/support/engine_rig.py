"""A bench for the streaming engine: in-memory entities, a real state file, runs one after another.

``EngineRig`` declares entities (``Row``s in a ``MemorySource``, a
``MemorySink`` into one ``FakeSplynx``), builds a real ``Engine`` per run
over a ``RecordingStore`` (a real ``StateStore`` on a SQLite file that also
journals its mappings, rejects and checkpoints) and reads the state file
back the way the next run would see it. The store's clock is virtual, so
the buffer is flushed by size only: what a crash loses is known exactly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import anyio

from migrator.events import Event, RecordsSettled, StreamFinished
from migrator.pipeline.budget import ErrorBudget
from migrator.pipeline.engine import Engine, EngineOptions
from migrator.pipeline.entities import EntitySpec
from migrator.pipeline.migration import link_deferred
from migrator.pipeline.state import StateStore
from migrator.records import Cleaned, ParentRef, Resolved
from tests.support.clock import FakeClock
from tests.support.engine_fakes import Entry, FakeSplynx, MemorySink, MemorySource, Payload, Row

__all__ = ["EngineRig", "RecordingStore", "entity_spec"]

Spec = EntitySpec[Row, Payload]
# A run that hangs (a writer waiting for ever) fails instead; a passing run never waits this long.
HANG_SECONDS = 10.0


class RecordingStore(StateStore):
    """A real ``StateStore`` that also journals mappings, rejects and checkpoints, in order."""

    def __init__(self, connection: sqlite3.Connection, *, journal: list[Entry], **options: Any):
        super().__init__(connection, **options)
        self.journal = journal

    def mapped(
        self, entity: str, sonar_id: int, splynx_id: int, *, how: str, run_id: int | None
    ) -> None:
        self.journal.append(Entry("mapped", entity, sonar_id, how))
        super().mapped(entity, sonar_id, splynx_id, how=how, run_id=run_id)

    def rejected(self, entity: str, sonar_id: int, **details: Any) -> None:
        self.journal.append(Entry("rejected", entity, sonar_id, details["reason"]))
        super().rejected(entity, sonar_id, **details)

    def checkpoint(self, entity: str, part: int, position: int, *, done: bool = False) -> None:
        self.journal.append(Entry("checkpoint", entity, part, (position, done)))
        super().checkpoint(entity, part, position, done=done)

    def crash(self) -> None:
        """Die like a killed process: whatever was not flushed is lost."""
        self._db.close()


def entity_spec(
    name: str,
    source: MemorySource,
    sink: MemorySink,
    *,
    parent: str | None = None,
    siblings: bool = False,
) -> Spec:
    """An entity of ``Row``s: waits for ``parent`` records (field ``parent_id``), and with
    ``siblings`` refers to records of its own kind without waiting (``sibling_id``)."""

    def refs(row: Row) -> list[ParentRef]:
        found = []
        if parent is not None and row.parent is not None:
            found.append(ParentRef(parent, row.parent, "parent_id"))
        if siblings and row.sibling is not None:
            found.append(ParentRef(name, row.sibling, "sibling_id", wait=False))
        return found

    def transform(row: Row, resolved: Resolved) -> Cleaned[Payload]:
        return Cleaned(Payload(row.id, dict(resolved.parents)))

    return EntitySpec(
        name,
        source,
        sink,
        transform,
        parents=refs,
        depends_on=(parent,) if parent is not None else (),
        describe=lambda row: {"id": row.id},
    )


class EngineRig:
    """Entities over in-memory sources and sinks, run by real engines against one state file."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "state.sqlite3"
        self.journal: list[Entry] = []
        self.splynx = FakeSplynx(self.journal)
        self.sources: dict[str, MemorySource] = {}
        self.specs: dict[str, Spec] = {}
        self.events: list[Event] = []
        self.budget = ErrorBudget(None, None)
        self._store: RecordingStore | None = None

    def entity(
        self,
        name: str,
        rows: Sequence[Row],
        *,
        parent: str | None = None,
        siblings: bool = False,
        bounds: Sequence[tuple[int, int]] | None = None,
        page_size: int = 5,
        unreadable: dict[int, str] | None = None,
    ) -> MemorySink:
        source = MemorySource(rows, bounds=bounds, page_size=page_size, unreadable=unreadable)
        sink = self.splynx.sink(name)
        self.sources[name] = source
        self.specs[name] = entity_spec(name, source, sink, parent=parent, siblings=siblings)
        return sink

    def engine(
        self,
        *,
        only: Sequence[str] | None = None,
        producers: int = 1,
        writers: int = 2,
        queue_size: int = 4,
        flush_rows: int = 500,
        budget: ErrorBudget | None = None,
        limit: int | None = None,
    ) -> Engine:
        """A new engine over a newly opened state store (one per run, as ``migrate`` does)."""
        store = RecordingStore.open(
            self.path, journal=self.journal, flush_rows=flush_rows, clock=FakeClock()
        )
        assert isinstance(store, RecordingStore)
        self._store = store
        self.budget = budget or ErrorBudget(None, None)
        return Engine(
            [self.specs[name] for name in (only or self.specs)],
            store=store,
            options=EngineOptions(producers, writers, queue_size, limit),
            budget=self.budget,
            run_id=store.begin_run("run"),
            emit=self.events.append,
        )

    @property
    def store(self) -> RecordingStore:
        assert self._store is not None, "no run started"
        return self._store

    async def run(self, **options: Any) -> None:
        """One whole run: the engine, then the state flushed and closed whatever happened."""
        engine = self.engine(**options)
        try:
            with anyio.fail_after(HANG_SECONDS):
                await engine.run()
        finally:
            self.store.close()

    @asynccontextmanager
    async def running(self, **options: Any) -> AsyncIterator[Engine]:
        """An engine running in the background while the block steers it (drain, abort,
        gates); on leaving, the run is awaited. The state store is left open."""
        engine = self.engine(**options)
        with anyio.fail_after(HANG_SECONDS):
            async with anyio.create_task_group() as tg:
                tg.start_soon(engine.run)
                yield engine

    async def link_deferred(self) -> None:
        """What ``migrate`` does after the engine: set the links that had to wait."""
        store = StateStore.open(self.path)
        try:
            await link_deferred(list(self.specs.values()), store)
        finally:
            store.close()

    # -- the state file, read back (after ``close`` or ``crash``) --------------------

    def _rows(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.path)) as db:
            return db.execute(query, params).fetchall()

    def mapped(self, entity: str) -> dict[int, tuple[int, str]]:
        """Sonar id -> (Splynx id, how) of the entity's id map."""
        rows = self._rows("SELECT sonar_id, splynx_id, how FROM id_map WHERE entity = ?", entity)
        return {sonar_id: (splynx_id, how) for sonar_id, splynx_id, how in rows}

    def rejects(self, entity: str) -> dict[int, tuple[str, str]]:
        """Sonar id -> (field, reason) of the entity's rejects."""
        rows = self._rows("SELECT sonar_id, field, reason FROM rejects WHERE entity = ?", entity)
        return {sonar_id: (field, reason) for sonar_id, field, reason in rows}

    def checkpoints(self, entity: str) -> list[tuple[int, bool]]:
        """(checkpoint, done) of each of the entity's partitions, in order."""
        rows = self._rows(
            "SELECT checkpoint, done FROM partitions WHERE entity = ? ORDER BY part", entity
        )
        return [(checkpoint, bool(done)) for checkpoint, done in rows]

    def links(self, entity: str) -> list[tuple[int, str, str, int]]:
        rows = self._rows(
            "SELECT sonar_id, field, target_entity, target_sonar_id FROM links WHERE entity = ?",
            entity,
        )
        return [(sonar_id, field, target, target_id) for sonar_id, field, target, target_id in rows]

    def cleanups(self, entity: str) -> list[tuple[int, str]]:
        rows = self._rows("SELECT sonar_id, note FROM cleanups WHERE entity = ?", entity)
        return [(sonar_id, note) for sonar_id, note in rows]

    def unsound_checkpoints(self, entity: str) -> list[str]:
        """What is wrong with the checkpoints of ``entity`` the journal holds: one that went
        back, or covered a record not mapped or rejected before it (empty: none)."""
        lows = dict(self._rows("SELECT part, low FROM partitions WHERE entity = ?", entity))
        rows = self.sources[entity].rows
        settled: set[int] = set()
        last = {part: low - 1 for part, low in lows.items()}
        faults = []
        for entry in (e for e in self.journal if e.entity == entity):
            if entry.kind in ("mapped", "rejected"):
                settled.add(entry.key)
            elif entry.kind == "checkpoint":
                (position, _), part = entry.info, entry.key
                if position < last[part]:
                    faults.append(f"partition {part} went back from {last[part]} to {position}")
                last[part] = max(last[part], position)
                covered = {row.id for row in rows if lows[part] <= row.at <= position}
                if covered - settled:
                    faults.append(f"{position} passed unsettled {sorted(covered - settled)}")
        return faults

    # -- what the engine said ---------------------------------------------------------

    def settled(self, entity: str) -> dict[str, int]:
        """Outcome -> count of the entity's ``RecordsSettled`` events."""
        counts: dict[str, int] = {}
        for event in self.events:
            if isinstance(event, RecordsSettled) and event.stream == entity:
                counts[event.outcome] = counts.get(event.outcome, 0) + event.count
        return counts

    def finished(self, entity: str) -> list[str | None]:
        """The ``error`` of each ``StreamFinished`` of the entity (None: it completed)."""
        return [
            e.error for e in self.events if isinstance(e, StreamFinished) and e.stream == entity
        ]
