"""The streaming engine: partitioned producers → a bounded stream → writers, per entity.

Every entity runs at once; a child record waits only for its own parents
(``ParentIndex``). Per entity, one producer per id-range partition pages
through Sonar and sends records into a bounded memory stream; a pool of
writers settles them. Backpressure is end to end: a full stream stops the
producers, and each partition may have at most ``window`` records between its
checkpoint and its newest dispatched record, so memory does not grow with the
dataset and the resume window stays bounded.

Stopping: ``drain()`` (first Ctrl-C) stops the producers and lets writers
finish the record in hand; ``abort()`` (second Ctrl-C, or the drain deadline)
cancels everything. State is flushed by the caller, shielded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from migrator.pipeline.budget import ErrorBudget
from migrator.pipeline.checkpoint import PartitionProgress
from migrator.pipeline.entities import EntitySpec, dependency_levels
from migrator.pipeline.parents import ParentIndex
from migrator.pipeline.state import PartitionState, StateStore
from migrator.pipeline.stats import RunStats
from migrator.pipeline.writer import EntityWriter, WorkItem
from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["Engine", "EngineOptions"]

log = logging.getLogger(__name__)

Spec = EntitySpec[Any, Any]


@dataclass(frozen=True)
class EngineOptions:
    producers: int = 4
    writers: int = 8
    queue_size: int = 500
    limit: int | None = None  # records per entity, for a first try

    @property
    def window(self) -> int:
        """Most records a partition may have in flight beyond its checkpoint."""
        return self.queue_size + self.writers


class _Partition:
    """A partition's live progress plus the event its producer waits on for room."""

    def __init__(self, state: PartitionState) -> None:
        self.state = state
        self.progress = PartitionProgress(state.checkpoint)
        self.room = anyio.Event()

    def contains(self, sonar_id: int) -> bool:
        return self.state.low <= sonar_id <= self.state.high

    def settled(self, sonar_id: int) -> bool:
        return self.state.done or sonar_id <= self.progress.checkpoint


class Engine:
    """Runs a set of entity specs against one state store."""

    def __init__(
        self,
        specs: Sequence[Spec],
        *,
        store: StateStore,
        options: EngineOptions,
        budget: ErrorBudget,
        stats: RunStats,
        run_id: int | None,
        resume_extra: int = 0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.specs = list(specs)
        self.levels = dependency_levels(self.specs)
        self._store = store
        self._options = options
        self._budget = budget
        self._stats = stats
        self._run_id = run_id
        self._resume_window = options.window + resume_extra
        self._clock = clock
        self._parents = ParentIndex(store)
        self._slots = anyio.CapacityLimiter(options.writers)
        self._producer_scopes: list[anyio.CancelScope] = []
        self._all: anyio.CancelScope | None = None
        self.draining = False

    async def run(self) -> None:
        """Migrate every entity; returns when all are done or the run was stopped."""
        selected = {spec.name for spec in self.specs}
        for spec in self.specs:
            for parent in spec.depends_on:
                if parent not in selected:
                    self._parents.close(parent)
            self._stats.entity(spec.name).queue_size = self._options.queue_size
        with anyio.CancelScope() as everything:
            self._all = everything
            async with anyio.create_task_group() as tg:
                for level in self.levels:
                    for name in level:
                        tg.start_soon(self._entity, self._spec(name))

    def drain(self) -> None:
        """Stop reading; writers finish the record in hand and stop."""
        self.draining = True
        self._parents.stop()
        for scope in self._producer_scopes:
            scope.cancel()

    def abort(self) -> None:
        self.draining = True
        if self._all is not None:
            self._all.cancel()

    def _spec(self, name: str) -> Spec:
        return next(spec for spec in self.specs if spec.name == name)

    async def _plan(self, spec: Spec) -> tuple[list[_Partition], bool]:
        planned = self._store.partitions(spec.name)
        resumed = bool(planned)
        if not planned:
            bounds = await spec.source.partition_bounds(self._options.producers)
            planned = self._store.plan_partitions(spec.name, bounds)
        return [_Partition(state) for state in planned], resumed

    async def _entity(self, spec: Spec) -> None:
        stats = self._stats.entity(spec.name)
        stats.state, stats.started = "running", self._clock.now()
        partitions, resumed = await self._plan(spec)
        self._parents.track(spec.name, lambda sid: self._settled(partitions, sid))
        writer = EntityWriter(
            spec,
            store=self._store,
            parents=self._parents,
            stats=stats,
            budget=self._budget,
            slots=self._slots,
            run_id=self._run_id,
            clock=self._clock,
        )
        send, receive = anyio.create_memory_object_stream[WorkItem[Any]](self._options.queue_size)
        async with anyio.create_task_group() as tg, send, receive:
            self._start_producers(tg, spec, partitions, send, resumed)
            for _ in range(self._options.writers):
                tg.start_soon(self._write, writer, partitions, receive.clone())
        if not self.draining:
            self._parents.close(spec.name)
        stats.finished = self._clock.now()
        stats.state = "stopped" if self.draining else "done"

    def _start_producers(
        self,
        tg: TaskGroup,
        spec: Spec,
        partitions: list[_Partition],
        send: MemoryObjectSendStream[WorkItem[Any]],
        resumed: bool,
    ) -> None:
        if self.draining:
            return
        for partition in partitions:
            if not partition.state.done:
                tg.start_soon(self._produce_in, spec, partition, send.clone(), resumed)

    async def _produce_in(self, *args: Any) -> None:
        # Each producer in a scope of its own that drain() can cancel.
        with anyio.CancelScope() as scope:
            self._producer_scopes.append(scope)
            await self._produce(*args)

    async def _produce(
        self,
        spec: Spec,
        partition: _Partition,
        send: MemoryObjectSendStream[WorkItem[Any]],
        resumed: bool,
    ) -> None:
        stats = self._stats.entity(spec.name)
        state, progress = partition.state, partition.progress
        verify_left = self._resume_window if resumed else 0
        async with send:
            async for page in spec.source.pages(state.low, state.high, progress.checkpoint):
                for record in page:
                    if self._options.limit is not None and stats.extracted >= self._options.limit:
                        return
                    while progress.pending >= self._options.window:
                        partition.room = anyio.Event()
                        await partition.room.wait()
                    sonar_id = spec.sonar_id(record)
                    progress.dispatched(sonar_id)
                    await send.send(WorkItem(state.part, sonar_id, record, verify=verify_left > 0))
                    verify_left -= 1
                    stats.extracted += 1
                    stats.queue_depth = send.statistics().current_buffer_used
            progress.exhausted = True
            self._advance(spec.name, partition)

    async def _write(
        self,
        writer: EntityWriter[Any, Any],
        partitions: list[_Partition],
        receive: MemoryObjectReceiveStream[WorkItem[Any]],
    ) -> None:
        by_part = {p.state.part: p for p in partitions}
        async with receive:
            async for item in receive:
                if self.draining:
                    return
                if not await writer.settle(item):
                    return  # stopped while waiting for a parent: leave it for the next run
                partition = by_part[item.part]
                if partition.progress.finished(item.sonar_id):
                    self._advance(writer.spec.name, partition)
                partition.room.set()

    def _advance(self, entity: str, partition: _Partition) -> None:
        """Persist the partition's checkpoint (closing it when the producer is through)."""
        progress, state = partition.progress, partition.state
        if progress.done:
            progress.reached(state.high)
        if self._options.limit is None:  # a sample run leaves the checkpoints alone
            self._store.checkpoint(entity, state.part, progress.checkpoint, done=progress.done)
        self._parents.progressed(entity)

    @staticmethod
    def _settled(partitions: list[_Partition], sonar_id: int) -> bool:
        for partition in partitions:
            if partition.contains(sonar_id):
                return partition.settled(sonar_id)
        return True  # outside every partition: Sonar has no such record
