"""In-memory stand-ins for the engine's two edges: a Sonar ``Source`` and Splynx ``Sink``s.

Both follow the protocols of ``migrator.pipeline.entities`` and write what
happens into one shared journal, in order, so a test can assert the exact
sequence of calls across entities (and, with ``RecordingStore`` from
``engine_rig``, interleaved with the state store's mappings and checkpoints).

Nothing here sleeps: a held write waits on an event the test sets, and
"slow" means a few extra loop turns.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio

from migrator.errors import GaveUp, OutcomeUnknown, Rejected
from migrator.pipeline.entities import Delivered, Item

__all__ = [
    "Entry",
    "FakeSplynx",
    "Gate",
    "MemorySink",
    "MemorySource",
    "Payload",
    "Row",
    "until",
]


@dataclass(frozen=True)
class Row:
    """A Sonar record: its id, its position (``at``, its own id unless given) and its refs.

    ``parent`` names a record of the parent entity (waited for); ``sibling``
    one of the same entity (not waited for, linked afterwards).
    """

    id: int
    parent: int | None = None
    sibling: int | None = None
    cursor: int | None = None

    @property
    def at(self) -> int:
        return self.id if self.cursor is None else self.cursor


@dataclass(frozen=True)
class Payload:
    """What the transform makes of a ``Row``: its id and the Splynx ids of its parents."""

    sonar_id: int
    parents: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One thing that happened: ``kind`` to ``entity``'s record ``key``, with ``info``."""

    kind: str
    entity: str
    key: int
    info: Any = None


async def until(condition: Callable[[], bool], *, turns: int = 10_000) -> None:
    """Yield to the event loop until ``condition`` holds (a bounded number of turns)."""
    for _ in range(turns):
        if condition():
            return
        await anyio.lowlevel.checkpoint()
    raise AssertionError(f"still not true after {turns} loop turns")


class Gate:
    """Holds a write until the test releases it; tells the test when it is reached."""

    def __init__(self) -> None:
        self.entered = anyio.Event()
        self._released = anyio.Event()

    def release(self) -> None:
        self._released.set()

    async def pass_through(self) -> None:
        self.entered.set()
        await self._released.wait()


class MemorySource:
    """An entity's records, paged by cursor like ``SonarSource``, with every read logged."""

    def __init__(
        self,
        rows: Sequence[Row],
        *,
        bounds: Sequence[tuple[int, int]] | None = None,
        page_size: int = 5,
        unreadable: Mapping[int, str] | None = None,
    ) -> None:
        self.rows = sorted(rows, key=lambda row: row.at)
        self._bounds = list(bounds) if bounds is not None else None
        self._page_size = page_size
        self._unreadable = dict(unreadable or {})  # sonar id -> the raw text Sonar sent
        self.reads: list[tuple[int, int, int]] = []  # (low, high, after) of each pages() call
        self.served: list[int] = []  # sonar ids handed over, in order
        self.hold: Gate | None = None  # set: the first page waits for it

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]:
        if self._bounds is not None:
            return list(self._bounds)
        top = max((row.at for row in self.rows), default=1)
        size = -(-top // partitions)
        return [(low, min(low + size - 1, top)) for low in range(1, top + 1, size)]

    async def total(self) -> int | None:
        return len(self.rows)

    async def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[Item[Row]]]:
        self.reads.append((low, high, after))
        if self.hold is not None:
            await self.hold.pass_through()
        start = max(after, low - 1)
        chosen = [row for row in self.rows if start < row.at <= high]
        # A page holds ``page_size`` positions with every record at each (as a Sonar page of
        # accounts holds all of each account's services).
        groups = [list(group) for _, group in itertools.groupby(chosen, key=lambda r: r.at)]
        for first in range(0, len(groups), self._page_size):
            await anyio.lowlevel.checkpoint()  # a page fetch takes at least a loop turn
            page = [row for group in groups[first : first + self._page_size] for row in group]
            self.served.extend(row.id for row in page)
            yield [self._item(row) for row in page]

    def _item(self, row: Row) -> Item[Row]:
        raw = self._unreadable.get(row.id)
        if raw is None:
            return Item(row.at, row.id, row)
        return Item(row.at, row.id, None, Rejected("Sonar sent a record we cannot read", raw=raw))


LostAnswer = Literal["look_up", "escape", "give_up"]


class FakeSplynx:
    """Splynx as the sinks see it: per entity, records by marker (the Sonar id)."""

    def __init__(self, journal: list[Entry]) -> None:
        self.journal = journal
        self.tables: dict[str, dict[int, int]] = {}  # entity -> sonar id -> splynx id
        self.payloads: dict[tuple[str, int], Payload] = {}
        self._ids = itertools.count(1001)
        self._sinks: dict[str, MemorySink] = {}

    def sink(self, entity: str) -> MemorySink:
        """The entity's sink (one per entity, made on first use)."""
        if entity not in self._sinks:
            self.tables.setdefault(entity, {})
            self._sinks[entity] = MemorySink(self, entity)
        return self._sinks[entity]

    def new_id(self) -> int:
        return next(self._ids)

    def calls(
        self, entity: str | None = None, *kinds: str, since: int = 0
    ) -> list[tuple[str, int]]:
        """(kind, sonar id) of the sinks' calls, in order (all kinds unless named), from
        journal entry ``since`` on."""
        sink_kinds = kinds or ("deliver", "find", "create", "link")
        return [
            (e.kind, e.key)
            for e in self.journal[since:]
            if e.kind in sink_kinds and (entity is None or e.entity == entity)
        ]

    def created(self, entity: str, *, since: int = 0) -> list[int]:
        """Sonar ids of the records created in ``entity``, in order (a copy shows twice)."""
        return [key for kind, key in self.calls(entity, "create", since=since)]

    def delivered(self, entity: str, *, verify: bool, since: int = 0) -> list[int]:
        """Sonar ids delivered with this ``verify`` flag, in order."""
        return [
            e.key
            for e in self.journal[since:]
            if e.kind == "deliver" and e.entity == entity and e.info is verify
        ]


class MemorySink:
    """A conforming ``Sink``: looks up by marker when told to, or after a lost answer.

    The test scripts single records: ``refuse``, ``lose_answer`` (created, but
    the answer is lost; then the sink finds it itself, or lets the unknown
    outcome escape), ``hold`` (a gate before or after the create).
    """

    def __init__(self, splynx: FakeSplynx, entity: str) -> None:
        self._splynx = splynx
        self.entity = entity
        self._table = splynx.tables[entity]
        self._refused: dict[int, str] = {}
        self._lost: dict[int, LostAnswer] = {}
        self._holds: dict[int, tuple[Gate, bool]] = {}
        self._uncertain: set[int] = set()
        self.turns: Callable[[int], int] = lambda sonar_id: 0  # extra loop turns per write

    def jitter(self, rng: random.Random, most: int) -> None:
        """Each write takes 0 to ``most`` extra loop turns, drawn from ``rng`` (seeded)."""
        self.turns = lambda sonar_id: rng.randint(0, most)

    def refuse(self, sonar_id: int, reason: str = "Splynx refused it") -> None:
        self._refused[sonar_id] = reason

    def lose_answer(self, sonar_id: int, then: LostAnswer) -> None:
        self._lost[sonar_id] = then

    def hold(self, sonar_id: int, *, after_create: bool = False) -> Gate:
        gate = Gate()
        self._holds[sonar_id] = (gate, after_create)
        return gate

    def _note(self, kind: str, key: int, info: Any = None) -> None:
        self._splynx.journal.append(Entry(kind, self.entity, key, info))

    def _find(self, sonar_id: int) -> int | None:
        self._note("find", sonar_id)
        return self._table.get(sonar_id)

    async def deliver(self, payload: Payload, *, verify: bool) -> Delivered:
        sonar_id = payload.sonar_id
        self._note("deliver", sonar_id, verify)
        if verify or sonar_id in self._uncertain:
            found = self._find(sonar_id)
            if found is not None:
                return Delivered(found, "adopted")
        gate, after_create = self._holds.pop(sonar_id, (None, False))
        for _ in range(self.turns(sonar_id)):
            await anyio.lowlevel.checkpoint()
        if gate is not None and not after_create:
            await gate.pass_through()
        if sonar_id in self._refused:
            raise Rejected(self._refused[sonar_id], raw='{"error": "refused"}')
        splynx_id = self._create(payload)
        if gate is not None and after_create:
            await gate.pass_through()
        return self._answer(sonar_id, splynx_id)

    def _create(self, payload: Payload) -> int:
        self._note("create", payload.sonar_id)
        splynx_id = self._splynx.new_id()
        self._table[payload.sonar_id] = splynx_id
        self._splynx.payloads[(self.entity, payload.sonar_id)] = payload
        return splynx_id

    def _answer(self, sonar_id: int, splynx_id: int) -> Delivered:
        lost = self._lost.pop(sonar_id, None)
        if lost is None:
            return Delivered(splynx_id, "created")
        if lost == "look_up":  # what create_once does: look before it would send again
            found = self._find(sonar_id)
            assert found is not None
            return Delivered(found, "adopted")
        self._uncertain.add(sonar_id)
        unknown = OutcomeUnknown(f"create {self.entity} {sonar_id}: no answer")
        if lost == "escape":
            raise unknown
        raise GaveUp(f"create {self.entity} {sonar_id}", 3, unknown) from unknown

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        self._note("link", splynx_id, (field, target_id))

    async def occupied(self) -> bool:
        return bool(self._table)
