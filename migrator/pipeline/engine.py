"""The streaming engine: partitioned producers → a bounded stream → writers, per entity.

Every entity runs at once; a child record waits only for its own parents
(``ParentIndex``). Per entity, one producer per id-range partition pages
through Sonar and sends items into a bounded memory stream; a pool of
writers settles them. Backpressure is end to end: a full stream stops the
producers, and each partition may hold at most ``window`` records between its
checkpoint and its newest dispatched record, so memory does not grow with the
dataset and the window a resumed run must verify stays bounded. The records
at one position (an account's services) are dispatched together, so a source
must hand all of a position's records over in one page, as ``SonarSource``
does. An ``in_order`` entity's position travels as one unit, which one writer
settles record by record (a ticket's conversation, message after message).

Stopping: ``drain()`` (first Ctrl-C) stops the producers and lets writers
finish the record in hand; ``abort()`` (second Ctrl-C, or the drain deadline)
cancels everything. The caller flushes the state, shielded.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from migrator.events import Emit, QueueDepth, RecordsRead, StreamFinished, StreamPlanned
from migrator.pipeline.batching import take_batch
from migrator.pipeline.budget import ErrorBudget
from migrator.pipeline.checkpoint import PartitionProgress
from migrator.pipeline.entities import BatchSink, EntitySpec, Item, dependency_levels
from migrator.pipeline.parents import ParentIndex
from migrator.pipeline.state import PartitionState, StateStore
from migrator.pipeline.writer import EntityWriter, WorkItem

__all__ = ["Engine", "EngineOptions"]

log = logging.getLogger(__name__)

Spec = EntitySpec[Any, Any]
# What a producer queues: a record, or an ``in_order`` entity's records at one position.
Queued = WorkItem[Any] | tuple[WorkItem[Any], ...]
_EVERY_RECORD = 2**62  # a verification window no partition can exhaust


@dataclass(frozen=True)
class EngineOptions:
    producers: int = 4
    writers: int = 8
    queue_size: int = 500
    limit: int | None = None  # records per entity, for a first try
    # a delta sync: what was migrated before is brought up to date, not skipped, and
    # Splynx holding records is expected (the id map knows them)
    sync: bool = False

    @property
    def window(self) -> int:
        """Most records a partition may hold beyond its checkpoint."""
        return self.queue_size + self.writers


class _Partition:
    """A partition's live progress, and the event its producer waits on for room."""

    def __init__(self, state: PartitionState) -> None:
        self.state = state
        self.progress = PartitionProgress(state.checkpoint)
        self.room = anyio.Event()

    def covers(self, cursor: int) -> bool:
        return self.state.low <= cursor <= self.state.high

    def settled(self, cursor: int) -> bool:
        return self.state.done or cursor <= self.progress.checkpoint


class Engine:
    """Runs a set of entity specs against one state store."""

    def __init__(
        self,
        specs: Sequence[Spec],
        *,
        store: StateStore,
        options: EngineOptions,
        budget: ErrorBudget,
        run_id: int | None,
        emit: Emit,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.levels = dependency_levels(list(specs))
        self._store = store
        self._options = options
        self._budget = budget
        self._run_id = run_id
        self._emit = emit
        self._parents = ParentIndex(store)
        # Writes in flight across all entities; taking a free slot need not yield to the loop.
        self._slots = anyio.Semaphore(options.writers, fast_acquire=True)
        self._producer_scopes: list[anyio.CancelScope] = []
        self._dispatched: dict[str, int] = {}  # per entity, for --limit
        self._everything = anyio.CancelScope()
        self._finished = {name: anyio.Event() for name in self.specs}
        self.draining = False

    async def run(self) -> None:
        """Migrate every entity; returns when all are done or the run was stopped."""
        for spec in self.specs.values():
            for parent in spec.depends_on:
                if parent not in self.specs:  # migrated by an earlier run, or not at all
                    self._parents.close(parent)
        with self._everything:
            async with anyio.create_task_group() as tg:
                for level in self.levels:
                    for name in level:
                        tg.start_soon(self._entity, self.specs[name])

    def drain(self) -> None:
        """Stop reading; writers finish the record in hand and stop."""
        self.draining = True
        self._parents.stop()
        for scope in self._producer_scopes:
            scope.cancel()

    def abort(self) -> None:
        self.draining = True
        self._everything.cancel()

    async def _plan(self, spec: Spec) -> tuple[list[_Partition], int, bool]:
        """The entity's partitions, how many records of each to look up before creating, and
        whether the entity is fresh (this state file had never planned it).

        A resumed entity verifies its resume window. A fresh one whose Splynx
        collection is not empty verifies everything: those records may come
        from a run whose state file is gone, and must be adopted, not copied.
        """
        planned = self._store.partitions(spec.name)
        resumed = bool(planned)
        # Verified by marker after a resumed checkpoint: what was in flight, and what
        # the store may have held unflushed when the run died.
        verify = self._options.window + self._store.unflushed_at_most if resumed else 0
        if not resumed:
            bounds = await spec.source.partition_bounds(self._options.producers)
            planned = self._store.plan_partitions(spec.name, bounds)
            if self._options.sync:
                return [_Partition(state) for state in planned], 0, False
            if await spec.sink.occupied():
                log.warning(
                    "Splynx already holds %s records this state file does not know: each one "
                    "is looked up by its marker before it is created (slower, never a copy)",
                    spec.name,
                )
                verify = _EVERY_RECORD
        return [_Partition(state) for state in planned], verify, not resumed

    async def _entity(self, spec: Spec) -> None:
        partitions, verify, fresh = await self._plan(spec)
        self._emit(StreamPlanned(spec.name, await spec.source.total()))
        self._parents.track(spec.name, lambda cursor: _settled(partitions, cursor))
        writer = EntityWriter(
            spec,
            store=self._store,
            parents=self._parents,
            budget=self._budget,
            slots=self._slots,
            run_id=self._run_id,
            emit=self._emit,
            fresh=fresh,
            sync=self._options.sync,
        )
        send, receive = anyio.create_memory_object_stream[Queued](self._options.queue_size)
        async with anyio.create_task_group() as tg, send, receive:
            self._start_producers(tg, spec, partitions, send, verify)
            sink = spec.sink
            if isinstance(sink, BatchSink):
                for _ in range(sink.concurrency):
                    tg.start_soon(self._write_batches, writer, sink, partitions, receive.clone())
            else:
                for _ in range(self._options.writers):
                    tg.start_soon(self._write, writer, partitions, receive.clone())
        if not self.draining:
            self._parents.close(spec.name)
            self._finished[spec.name].set()
        self._emit(StreamFinished(spec.name, "stopped" if self.draining else None))

    async def finished(self, names: Iterable[str]) -> None:
        """Return once every entity of ``names`` in this run has finished (not drained)."""
        for name in names:
            if name in self._finished:
                await self._finished[name].wait()

    def _start_producers(
        self,
        tg: TaskGroup,
        spec: Spec,
        partitions: list[_Partition],
        send: MemoryObjectSendStream[Queued],
        verify: int,
    ) -> None:
        if self.draining:
            return
        for partition in partitions:
            if not partition.state.done:
                tg.start_soon(self._produce_in_scope, spec, partition, send.clone(), verify)

    async def _produce_in_scope(self, *args: Any) -> None:
        # Each producer in a scope of its own that drain() can cancel. One drained after it
        # was started but before it first ran is not in the list drain() cancelled: it would
        # read on and send into a stream its writers have left.
        with anyio.CancelScope() as scope:
            self._producer_scopes.append(scope)
            if self.draining:
                scope.cancel()
            await self._produce(*args)

    async def _produce(
        self,
        spec: Spec,
        partition: _Partition,
        send: MemoryObjectSendStream[Queued],
        verify_left: int,
    ) -> None:
        state, progress = partition.state, partition.progress
        async with send:
            async for page in spec.source.pages(state.low, state.high, progress.checkpoint):
                self._emit(RecordsRead(spec.name, len(page)))
                for records in _by_position(page):
                    allowed = self._allowed(spec.name, records)
                    if allowed:
                        await self._dispatch(spec, partition, allowed, send, verify_left)
                        verify_left -= len(allowed)
                    if len(allowed) < len(records):
                        return  # --limit reached
                stats = send.statistics()
                self._emit(
                    QueueDepth(spec.name, stats.current_buffer_used, self._options.queue_size)
                )
            progress.exhausted = True
            self._advance(spec.name, partition)

    def _allowed(self, entity: str, records: list[Item[Any]]) -> list[Item[Any]]:
        """As many of ``records`` as ``--limit`` still allows (all of them without a limit)."""
        limit = self._options.limit
        if limit is None:
            return records
        dispatched = self._dispatched.get(entity, 0)
        allowed = records[: max(0, limit - dispatched)]
        self._dispatched[entity] = dispatched + len(allowed)
        return allowed

    async def _dispatch(
        self,
        spec: Spec,
        partition: _Partition,
        records: list[Item[Any]],
        send: MemoryObjectSendStream[Queued],
        verify_left: int,
    ) -> None:
        """Queue the records at one position (an account's services, say): each on its own,
        or all as one unit for an ``in_order`` entity.

        All are counted before any is queued: queueing may yield, and a writer
        that finished the first before the next was counted would let the
        checkpoint reach a position with a record still to come.
        """
        await self._room(partition, len(records))
        for item in records:
            partition.progress.dispatched(item.cursor)
        part = partition.state.part
        works = [WorkItem(part, item, verify=verify_left > n) for n, item in enumerate(records)]
        if spec.in_order:
            await _put(send, tuple(works))
            return
        for work in works:
            await _put(send, work)

    async def _room(self, partition: _Partition, records: int) -> None:
        """Wait until ``records`` more fit in the partition's window beyond its checkpoint
        (a position with more records than the window goes alone)."""
        progress = partition.progress
        while progress.pending and progress.pending + records > self._options.window:
            partition.room = anyio.Event()
            await partition.room.wait()

    async def _write(
        self,
        writer: EntityWriter[Any, Any],
        partitions: list[_Partition],
        receive: MemoryObjectReceiveStream[Queued],
    ) -> None:
        by_part = {p.state.part: p for p in partitions}
        async with receive:
            while (queued := await _take(receive)) is not None:
                for work in _works(queued):
                    if self.draining:
                        return
                    if not await writer.settle(work):
                        return  # stopped while waiting for a parent: left for the next run
                    self._settled(writer.spec.name, by_part[work.part], work)

    async def _write_batches(
        self,
        writer: EntityWriter[Any, Any],
        sink: BatchSink[Any],
        partitions: list[_Partition],
        receive: MemoryObjectReceiveStream[Queued],
    ) -> None:
        """``_write`` for a sink that writes many records at once."""
        by_part = {p.state.part: p for p in partitions}
        async with receive:
            while (taken := await take_batch(receive, sink.batch_size)) is not None:
                works = [work for queued in taken for work in _works(queued)]
                if self.draining:
                    return
                if not await writer.settle_batch(works, sink):
                    return
                for work in works:
                    self._settled(writer.spec.name, by_part[work.part], work)

    def _settled(self, entity: str, partition: _Partition, work: WorkItem[Any]) -> None:
        """A writer is done with ``work``: move the checkpoint, make room for the producer."""
        if partition.progress.finished(work.item.cursor):
            self._advance(entity, partition)
        partition.room.set()

    def _advance(self, entity: str, partition: _Partition) -> None:
        """Persist the partition's checkpoint (closing it once the producer is through)."""
        progress, state = partition.progress, partition.state
        if progress.done:
            progress.reached(state.high)
        if self._options.limit is None:  # a sample run leaves the checkpoints alone
            self._store.checkpoint(entity, state.part, progress.checkpoint, done=progress.done)
        self._parents.progressed(entity)


async def _put(send: MemoryObjectSendStream[Queued], work: Queued) -> None:
    """Queue ``work``, yielding to the event loop only when the queue is full.

    ``send`` yields on every item even when there is room: one loop turn per
    record, for nothing, when tens of thousands flow through (the producer
    yields anyway at each page it fetches).
    """
    try:
        send.send_nowait(work)
    except anyio.WouldBlock:
        await send.send(work)


async def _take(receive: MemoryObjectReceiveStream[Queued]) -> Queued | None:
    """The next queued item (waiting only when there is none), or None at the end."""
    try:
        try:
            return receive.receive_nowait()
        except anyio.WouldBlock:
            return await receive.receive()
    except anyio.EndOfStream:
        return None


def _works(queued: Queued) -> tuple[WorkItem[Any], ...]:
    """The records of what a producer queued, in their order."""
    return queued if isinstance(queued, tuple) else (queued,)


def _by_position(page: Sequence[Item[Any]]) -> Iterator[list[Item[Any]]]:
    """The page's items in runs that share a cursor (a page holds all of a position's)."""
    for _, records in itertools.groupby(page, key=attrgetter("cursor")):
        yield list(records)


def _settled(partitions: list[_Partition], cursor: int) -> bool:
    """Whether the record at ``cursor`` has been dealt with (in this run or before)."""
    for partition in partitions:
        if partition.covers(cursor):
            return partition.settled(cursor)
    return True  # outside every partition: Sonar has no such record
