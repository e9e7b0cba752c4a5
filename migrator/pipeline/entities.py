"""What the engine needs to know about one entity, and the order entities run in.

An ``EntitySpec`` names the Sonar side (a ``Source`` of records, paged by id
range), the Splynx side (a ``Sink`` that creates a record and finds one by its
marker), the pure transform between them, the marker that makes a created
record recognisable, and the parent records each record needs in Splynx
first. The engine knows nothing more specific than this.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from migrator.errors import ConfigError, Rejected
from migrator.records import Cleaned, ParentRef, Resolved

__all__ = [
    "BatchSink",
    "Delivered",
    "EntitySpec",
    "Item",
    "Sink",
    "Source",
    "Updatable",
    "dependency_levels",
]

R = TypeVar("R")
P = TypeVar("P")
R_co = TypeVar("R_co", covariant=True)
P_contra = TypeVar("P_contra", contravariant=True)


@dataclass(frozen=True)
class Item(Generic[R_co]):
    """One record as a source hands it over.

    ``cursor`` is its position in the partition (the Sonar id the source
    pages by; several records may share one, e.g. an account's services all
    sit at the account's id); ``sonar_id`` is the record's own id, its key in
    the id map. A record Sonar sent but we could not read arrives with
    ``rejected`` set instead of ``record``, so it is kept, not lost.
    """

    cursor: int
    sonar_id: int
    record: R_co | None
    rejected: Rejected | None = None


class Source(Protocol[R_co]):
    """Pages of one entity's items, in non-decreasing cursor order within an id range.

    ``partition_bounds`` splits the cursor space into at most ``partitions``
    inclusive ranges; ``pages`` reads one range from just after ``after``.
    """

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]: ...

    def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[Item[R_co]]]: ...

    async def total(self) -> int | None: ...


@dataclass(frozen=True)
class Delivered:
    """Where a record ended up: its Splynx id, and how (created, adopted, existing)."""

    splynx_id: int
    how: Literal["created", "adopted", "existing", "checked"] = "created"


class Sink(Protocol[P_contra]):
    """Where records go.

    ``deliver`` creates the record unless it is already there. With
    ``verify`` it looks for the record's marker first (the resume window);
    either way a create whose answer was lost is looked up before it is ever
    sent again. Refusals raise ``Rejected``; lost causes raise ``Fatal``.
    """

    async def deliver(self, payload: P_contra, *, verify: bool) -> Delivered: ...

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        """Set a reference that had to wait (``ParentRef.wait`` False)."""

    async def occupied(self) -> bool:
        """Whether Splynx already holds records where this sink writes (any of them)."""


@runtime_checkable
class Updatable(Protocol[P_contra]):
    """A sink that can bring a record it wrote up to date (a delta sync): it reads the
    record back, compares the fields the transform maps, and changes only those that
    differ (never a secret: a password set since is the customer's). Returns the
    fields it changed; none when the record was already as Sonar has it. ``can_update``
    is False where Splynx takes no change (a customer comment: no PUT)."""

    can_update: bool

    async def update(self, splynx_id: int, payload: P_contra) -> tuple[str, ...]: ...


@runtime_checkable
class BatchSink(Sink[P_contra], Protocol[P_contra]):
    """A sink that writes many records at once (rows straight into Splynx's tables).

    ``deliver_many`` settles each payload, in order: delivered (created, or
    adopted when its marker was there already: it always looks first), or
    refused alone with its reason. The engine hands it up to ``batch_size``
    records at a time from ``concurrency`` writers.
    """

    batch_size: int
    concurrency: int

    async def deliver_many(self, payloads: Sequence[P_contra]) -> list[Delivered | Rejected]: ...


@dataclass(frozen=True)
class EntitySpec(Generic[R, P]):
    """Everything about one entity the engine runs."""

    name: str
    source: Source[R]
    sink: Sink[P]
    transform: Callable[[R, Resolved], Cleaned[P]]
    parents: Callable[[R], Sequence[ParentRef]] = lambda record: ()
    depends_on: tuple[str, ...] = ()
    describe: Callable[[R], dict[str, Any]] = lambda record: {}
    # The records at one position (a ticket's messages) are written one after another, in
    # order, by one writer, while other writers take other positions: none of them waits
    # on a record another writer holds.
    in_order: bool = False


def dependency_levels(specs: Sequence[EntitySpec[Any, Any]]) -> list[list[str]]:
    """Entity names grouped by depth (parents before children); rejects cycles.

    Only parents among ``specs`` count: a parent left out (``--only`` / ``--skip``)
    was migrated by an earlier run or is not wanted, and its children find its
    records in the state store or are rejected naming it.
    """
    by_name = {spec.name: spec for spec in specs}
    depth: dict[str, int] = {}

    def visit(name: str, trail: tuple[str, ...]) -> int:
        if name in trail:
            raise ConfigError(f"entity dependencies form a cycle: {' -> '.join((*trail, name))}")
        if name not in depth:
            parents = [p for p in by_name[name].depends_on if p in by_name]
            depth[name] = 1 + max((visit(p, (*trail, name)) for p in parents), default=-1)
        return depth[name]

    for spec in specs:
        visit(spec.name, ())
    levels: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for spec in specs:
        levels[depth[spec.name]].append(spec.name)
    return levels
