"""Where an entity's records come from: Sonar list queries, or the profile.

``SonarSource`` adapts the extraction client (``migrator.sonar.extract``) to
the engine's ``Source``: partitions become inclusive cursor ranges, pages
become items, and an entity Sonar sent but we could not read becomes an item
carrying its rejection, so it is kept rather than dropped. ``explode`` turns
one Sonar record into the entity's records (an account into its services,
say), all at the account's cursor; ``keep`` filters records that belong to
another entity (a note on a contact is not a customer comment);
``max_partitions`` caps how many ranges are read at once (pages that weigh a
lot in memory, such as accounts with their whole ledger). In a delta, ``also``
names the records to read besides those that changed (accounts whose contacts
changed: ``changed_parents``), and ``changed=False`` reads only those.

``StaticSource`` serves records the profile defines (the default location).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

from migrator.errors import Rejected
from migrator.pipeline.entities import Item
from migrator.sonar.changed_parents import ChangedParents, ChildLink
from migrator.sonar.extract import Extractor, Page, Partition
from migrator.sonar.readers import Reader

__all__ = ["MAX_CURSOR", "SonarSource", "StaticSource", "one_each", "widening"]

T = TypeVar("T")
R = TypeVar("R")

MAX_CURSOR = 2**63 - 1  # the open end of the last partition (Sonar ids are Int64Bit)


def one_each(record: Any) -> Iterable[tuple[int, Any]]:
    """The default ``explode``: a record is itself, keyed by its own id."""
    return ((record.id, record),)


def _rejected_id(rejected: Rejected) -> int:
    """The Sonar id inside a rejected raw entity, or a stable negative stand-in."""
    raw = rejected.raw or ""
    try:
        return int(json.loads(raw)["id"])
    except (ValueError, KeyError, TypeError):
        return -zlib.crc32(raw.encode("utf-8"))


def widening(
    changed: ChangedParents | None, links: Sequence[ChildLink], *, own: bool = True
) -> dict[str, Any]:
    """``SonarSource`` options for a delta read nested under parents: also the parents
    of the changed children in ``links`` (and, unless ``own`` is False, the parents that
    changed themselves). Nothing outside a delta (``changed`` None)."""
    if changed is None:
        return {}
    return {"also": partial(changed.of, tuple(links)), "changed": own}


class SonarSource(Generic[T, R]):
    """An entity read from one Sonar list query through the shared extractor."""

    def __init__(
        self,
        extractor: Extractor,
        query: str,
        reader: Reader[T],
        *,
        explode: Callable[[T], Iterable[tuple[int, R]]] = one_each,
        keep: Callable[[T], bool] = lambda record: True,
        max_partitions: int | None = None,
        also: Callable[[], Awaitable[frozenset[int]]] | None = None,
        changed: bool = True,
    ) -> None:
        self._extractor = extractor
        self._also = also
        self._changed = changed
        self._query = query
        self._reader = reader
        self._explode = explode
        self._keep = keep
        self._max_partitions = max_partitions
        self._total: int | None = None

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]:
        if self._max_partitions is not None:
            partitions = min(partitions, self._max_partitions)
        plan = await (await self._reading()).plan(self._query, partitions=partitions)
        self._total = plan.total_count
        return [(p.after + 1, MAX_CURSOR if p.upto is None else p.upto) for p in plan.partitions]

    async def total(self) -> int | None:
        """Sonar's count of the query's records (the display's "of").

        None when one Sonar record becomes several of ours (an account's
        services): the query's count says nothing about how many there are.
        """
        if self._explode is not one_each:
            return None
        if self._total is None:
            plan = await (await self._reading()).plan(self._query, partitions=1)
            self._total = plan.total_count
        return self._total

    async def _reading(self) -> Extractor:
        """The extractor, its delta window widened to ``also`` (a delta's parents)."""
        window = self._extractor.window
        if self._also is None or window is None:
            return self._extractor
        return self._extractor.within(window.widened(await self._also(), changed=self._changed))

    async def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[Item[R]]]:
        upto = None if high >= MAX_CURSOR else high
        partition = Partition(self._query, 0, 1, max(after, low - 1), upto)
        async for page in (await self._reading()).pages(partition, self._reader):
            yield self._items(page)

    def _items(self, page: Page[T]) -> list[Item[R]]:
        items: list[Item[R]] = []
        for record in page.records:
            if not self._keep(record):
                continue
            cursor = int(record.id)  # type: ignore[attr-defined]
            items.extend(Item(cursor, sonar_id, part) for sonar_id, part in self._explode(record))
        for rejected in page.rejects:
            sonar_id = _rejected_id(rejected)
            cursor = sonar_id if sonar_id > 0 else page.last_id
            items.append(Item(cursor, sonar_id, None, rejected))
        items.sort(key=lambda item: item.cursor)
        return items


class StaticSource(Generic[R]):
    """A handful of records known up front (from the profile), ids 1..n."""

    def __init__(self, records: Sequence[R]) -> None:
        self._records = list(records)

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]:
        return [(1, max(1, len(self._records)))]

    async def total(self) -> int | None:
        return len(self._records)

    async def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[Item[R]]]:
        yield [
            Item(number, number, record)
            for number, record in enumerate(self._records, start=1)
            if max(low, after + 1) <= number <= high
        ]
