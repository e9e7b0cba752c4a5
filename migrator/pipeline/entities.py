"""What the engine needs to know about one entity, and the order entities run in.

An ``EntitySpec`` names the Sonar side (a ``Source`` of records, paged by id
range), the Splynx side (a ``Sink`` that creates a record and finds one by its
marker), the pure transform between them, the marker that makes a created
record recognisable, and the parent records each record needs in Splynx
first. The engine knows nothing more specific than this.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from migrator.errors import ConfigError

__all__ = [
    "EntitySpec",
    "ParentRef",
    "Resolved",
    "Sink",
    "Source",
    "dependency_levels",
]

R = TypeVar("R")
P = TypeVar("P")
R_co = TypeVar("R_co", covariant=True)
P_contra = TypeVar("P_contra", contravariant=True)


@dataclass(frozen=True)
class ParentRef:
    """A record of another entity this one needs in Splynx first.

    ``field`` is the Sonar field that refers to it (named in reject reasons);
    ``required`` False means a missing parent is dropped rather than fatal for
    the record (e.g. an optional parent account).
    """

    entity: str
    sonar_id: int
    field: str
    required: bool = True


@dataclass(frozen=True)
class Resolved:
    """The Splynx ids of a record's parents, keyed by the Sonar field that named them."""

    parents: Mapping[str, int] = field(default_factory=dict)

    def id_for(self, sonar_field: str) -> int | None:
        return self.parents.get(sonar_field)


class Source(Protocol[R_co]):
    """Pages of records of one entity, in ascending id order within an id range."""

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]: ...

    def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[R_co]]: ...


class Sink(Protocol[P_contra]):
    """Where records go: create one (returning its Splynx id), or find one by marker."""

    async def create(self, payload: P_contra) -> int: ...

    async def find(self, marker: str) -> int | None: ...


@dataclass(frozen=True)
class EntitySpec(Generic[R, P]):
    """Everything about one entity the engine runs."""

    name: str
    source: Source[R]
    sink: Sink[P]
    transform: Callable[[R, Resolved], P]
    marker: Callable[[R], str]
    sonar_id: Callable[[R], int]
    parents: Callable[[R], Sequence[ParentRef]] = lambda record: ()
    depends_on: tuple[str, ...] = ()
    describe: Callable[[R], dict[str, Any]] = lambda record: {}


def dependency_levels(specs: Sequence[EntitySpec[Any, Any]]) -> list[list[str]]:
    """Entity names grouped by depth (parents before children); rejects cycles and unknowns."""
    by_name = {spec.name: spec for spec in specs}
    depth: dict[str, int] = {}

    def visit(name: str, trail: tuple[str, ...]) -> int:
        if name in trail:
            raise ConfigError(f"entity dependencies form a cycle: {' -> '.join((*trail, name))}")
        if name not in depth:
            parents = by_name[name].depends_on
            missing = [p for p in parents if p not in by_name]
            if missing:
                raise ConfigError(f"{name} depends on {', '.join(missing)}, which is not selected")
            depth[name] = 1 + max((visit(p, (*trail, name)) for p in parents), default=-1)
        return depth[name]

    for spec in specs:
        visit(spec.name, ())
    levels: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for spec in specs:
        levels[depth[spec.name]].append(spec.name)
    return levels
