"""Extraction: any list query as id-range partitions of keyset pages, read concurrently.

The unit of work and of checkpointing is the ``Partition``: the ids in
``(after, upto]`` of one query. A partition is read one keyset page at a time
(id ascending, ``id > last id seen``, page 1), so each ``Page`` carries the
last id it covered: a caller that has handled every record of that page (and
of the pages before it) can checkpoint ``last_id`` and later resume with
``partition.resumed(last_id)``, neither skipping nor repeating a record.

``Extractor.plan`` probes a query once (lowest id, highest id, count: one
request) and splits its ids into partitions; ``Extractor.pages`` reads one
partition; ``Extractor.run`` reads several concurrently into a bounded
stream (``producers`` at a time), so the shared rate limiter always has a
request waiting and the Sonar budget stays saturated, never exceeded.

What a page holds is decided by a ``reader`` (``readers.FlatRecords`` for a
list query's own entities, ``readers.NestedAccounts`` for accounts with their
relations).
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from migrator.errors import ConfigError, ProtocolError, Rejected
from migrator.policy.time_slice import TimeSlice
from migrator.sonar.client import SonarClient
from migrator.sonar.queries import probe_document
from migrator.sonar.readers import FlatRecords, Reader
from migrator.sonar.variables import Window, probe_variables

__all__ = ["Extractor", "Page", "Partition", "QueryPlan", "split"]

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partition:
    """The ids ``after < id <= upto`` of ``query`` (``upto`` None: no upper bound)."""

    query: str
    index: int
    count: int
    after: int
    upto: int | None

    def resumed(self, last_id: int) -> Partition:
        """The rest of this partition once every id up to ``last_id`` is handled."""
        return replace(self, after=max(self.after, last_id))

    @property
    def label(self) -> str:
        return f"{self.query} partition {self.index + 1}/{self.count}"


@dataclass(frozen=True)
class QueryPlan:
    """What the probe found and how the ids were split."""

    query: str
    total_count: int
    lowest: int | None
    highest: int | None
    partitions: tuple[Partition, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a partition.

    ``last_id`` is the highest id the page covered (``partition.after`` if it was
    empty); ``remaining`` is how many records of the partition come after it
    (from Sonar's total_count); ``rejects`` are entities that did not fit their
    model, each with its raw text and reason.
    """

    partition: Partition
    number: int
    records: list[T]
    last_id: int
    remaining: int
    rejects: list[Rejected] = field(default_factory=list)

    @property
    def done(self) -> bool:
        """True on the last page of the partition."""
        return self.remaining <= 0


def split(query: str, lowest: int, highest: int, parts: int) -> tuple[Partition, ...]:
    """``parts`` partitions of equal id width covering ``lowest..highest``.

    The last one has no upper bound, so records created while the run goes on
    are read too rather than silently left out.
    """
    parts = max(1, min(parts, highest - lowest + 1))
    width = (highest - lowest + 1) / parts
    bounds = [lowest - 1 + round(i * width) for i in range(parts)]
    return tuple(
        Partition(query, i, parts, bounds[i], bounds[i + 1] if i + 1 < parts else None)
        for i in range(parts)
    )


def _probe(query: str, data: dict[str, Any]) -> tuple[int, int | None, int | None]:
    try:
        lowest = data["lowest"]
        total = int(lowest["page_info"]["total_count"])
        first = lowest["entities"]
        last = data["highest"]["entities"]
        low = int(first[0]["id"]) if first else None
        high = int(last[0]["id"]) if last else None
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ProtocolError(f"Sonar's answer to the {query} probe is malformed: {exc!r}") from exc
    return total, low, high


class Extractor:
    """Plans and reads list queries through one ``SonarClient``."""

    def __init__(
        self,
        client: SonarClient,
        *,
        page_size: int = 100,
        producers: int = 4,
        window: Window | None = None,
    ) -> None:
        self.client = client
        self.page_size = page_size
        if window is not None and window.since.utcoffset() is None:
            raise ConfigError("--since needs a time zone (e.g. 2024-05-01T00:00:00+00:00)")
        self.producers = producers
        self.window = window  # a delta: only what changed (None: everything)

    def within(self, window: Window) -> Extractor:
        """The same client, paging and producers, reading ``window``."""
        return Extractor(
            self.client, page_size=self.page_size, producers=self.producers, window=window
        )

    async def plan(self, query: str, *, partitions: int | None = None) -> QueryPlan:
        """Probe ``query`` and split its ids into (by default ``producers``) partitions.

        Never more partitions than pages: a 13-row table is one partition.
        """
        data = await self.client.execute(
            probe_document(query),
            probe_variables(query, window=self.window),
            operation=f"{query} probe",
        )
        total, low, high = _probe(query, data)
        if total == 0 or low is None or high is None:
            return QueryPlan(query, total, low, high, ())
        wanted = partitions or self.producers
        parts = split(query, low, high, min(wanted, math.ceil(total / self.page_size)))
        return QueryPlan(query, total, low, high, parts)

    async def pages(self, partition: Partition, reader: Reader[T]) -> AsyncIterator[Page[T]]:
        """Read ``partition`` page by page until it is exhausted."""
        after, number = partition.after, 0
        while True:
            number += 1
            operation = f"{partition.label} page {number} (id > {after})"
            batch = await reader.read(
                self.client, after, partition.upto, self.page_size, self.window, operation
            )
            last_id = batch.last_id if batch.entities else after
            if batch.entities and last_id <= after:
                raise ProtocolError(f"{operation}: Sonar ignored the id filter (last id {last_id})")
            records, rejects = await _decode(reader, batch.entities)
            sent = len(batch.entities)
            remaining = batch.total_count - sent
            del batch  # the raw page is decoded: not held while the consumer works on it
            if not sent:
                if remaining > 0:  # counted, then gone: deleted while we read, most likely
                    log.warning("%s: Sonar counted %d more but sent none", operation, remaining)
                remaining = 0
            yield Page(partition, number, records, last_id, remaining, rejects)
            if remaining <= 0:
                return
            after = last_id

    async def run(
        self,
        partitions: Iterable[Partition],
        reader: Reader[T],
        send: MemoryObjectSendStream[Page[T]],
    ) -> None:
        """Read ``partitions`` concurrently (``producers`` at a time) into ``send``.

        Closes ``send`` when every partition is read, so the consumer's loop ends.
        """
        slots = anyio.CapacityLimiter(self.producers)
        async with send, anyio.create_task_group() as group:
            for partition in partitions:
                group.start_soon(self._run_one, partition, reader, send.clone(), slots)

    async def _run_one(
        self,
        partition: Partition,
        reader: Reader[T],
        send: MemoryObjectSendStream[Page[T]],
        slots: anyio.CapacityLimiter,
    ) -> None:
        async with send, slots:
            async for page in self.pages(partition, reader):
                await send.send(page)

    @asynccontextmanager
    async def stream(
        self, query: str, reader: Reader[T] | None = None, *, buffer: int = 4
    ) -> AsyncIterator[MemoryObjectReceiveStream[Page[T]]]:
        """``async with extractor.stream("accounts") as pages: async for page in pages``.

        Plans ``query`` and reads all its partitions concurrently; at most
        ``buffer`` pages wait in memory for the consumer (backpressure).
        """
        chosen: Reader[Any] = reader if reader is not None else FlatRecords(query)
        plan = await self.plan(query)
        send, receive = anyio.create_memory_object_stream[Page[T]](buffer)
        async with anyio.create_task_group() as group, receive:
            group.start_soon(self.run, plan.partitions, chosen, send)
            yield receive
            group.cancel_scope.cancel()

    async def read_all(self, query: str, *, strict: bool = True) -> list[Any]:
        """Every record of a small list query (a reference table), sorted by id.

        ``strict``: a record that does not fit its model stops the reading with a
        ``ConfigError`` naming the query (the run cannot map what it cannot read);
        otherwise such records are left out (a report lists what it could read).
        """
        found: list[Any] = []
        pages: MemoryObjectReceiveStream[Page[Any]]
        page: Page[Any]
        async with self.stream(query) as pages:
            async for page in pages:
                found.extend(page.records)
                if strict and page.rejects:
                    raise ConfigError(f"Sonar's {query} cannot be read: {page.rejects[0]}")
        return sorted(found, key=lambda record: record.id)


async def _decode(
    reader: Reader[T], entities: Sequence[dict[str, Any]]
) -> tuple[list[T], list[Rejected]]:
    """Decode a page, letting the event loop run now and then (``TimeSlice``).

    An account with its whole ledger is a few hundred models: a page of them
    decoded in one go would hold the loop for a tenth of a second, and every
    writer waiting on Splynx with it (the API idles while we decode).
    """
    records: list[T] = []
    rejects: list[Rejected] = []
    turns = TimeSlice()
    for raw in entities:
        decoded = reader.decode(raw)
        if isinstance(decoded, Rejected):
            rejects.append(decoded)
        else:
            records.append(decoded)
        await turns.share()
    return records, rejects
