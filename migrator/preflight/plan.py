"""What a migration touches, as the pre-flight sees it: endpoints, Sonar reads, Splynx writes.

Derived from the entity map (``migrator.entity_map``), the table the engine
runs from too, so the check and the run never disagree about what is needed:

- ``endpoints``: every Splynx endpoint the run writes (names of
  ``migrator.splynx.endpoints.ENDPOINTS``); each is probed for permission, for
  its marker field when the marker is an additional field, and for existing data.
- ``reads``: the Sonar list queries the run pages through, and how many times
  (the engine reads the small reference tables once for look-ups and again for
  their own entity, and accounts once per entity that comes from them).
- ``writes``: which Sonar records become how many Splynx requests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from migrator.entity_map import ENTITIES, LOOKUPS, MappedEntity, Writes
from migrator.splynx.endpoints import Endpoint, endpoint

__all__ = [
    "DEFAULT_PLAN",
    "FRESH_INSTALL",
    "MIGRATION_ENDPOINTS",
    "MigrationPlan",
    "Read",
    "Writes",
    "plan_for",
]


def _endpoints_of(entities: Iterable[MappedEntity]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for entity in entities for name in entity.endpoints))


MIGRATION_ENDPOINTS: tuple[str, ...] = _endpoints_of(ENTITIES)

# Records a freshly installed Splynx already holds (partner 1, location 1 and admin 1
# "Main", reference §7-§9): more than this is data somebody put there.
FRESH_INSTALL: dict[str, int] = {"partners": 1, "locations": 1, "administrators": 1}


@dataclass(frozen=True)
class Read:
    """``query`` is paged through ``times`` times; ``nested``: accounts with their relations."""

    query: str
    times: int = 1
    nested: bool = False


@dataclass(frozen=True)
class MigrationPlan:
    endpoints: tuple[str, ...] = MIGRATION_ENDPOINTS
    reads: tuple[Read, ...] = ()
    writes: tuple[Writes, ...] = ()

    def resolved(self) -> list[Endpoint]:
        """The endpoints as registry entries (a name not in the registry is a ``ConfigError``)."""
        return [endpoint(name) for name in self.endpoints]

    def queries(self) -> frozenset[str]:
        """The Sonar list queries the migration reads or counts its writes by."""
        return frozenset(r.query for r in self.reads) | {w.query for w in self.writes if w.query}

    def marked(self) -> list[Endpoint]:
        """Endpoints whose marker is an additional field that must exist in Splynx."""
        return [e for e in self.resolved() if e.marker is not None and e.marker.additional]


def plan_for(entities: Iterable[MappedEntity], lookups: Iterable[str] = LOOKUPS) -> MigrationPlan:
    """The plan of a run of ``entities`` (rows of the entity map), after reading ``lookups``."""
    chosen = list(entities)
    times = Counter(lookups)  # in the order first read
    for entity in chosen:
        if entity.query is not None:
            times[entity.query] += 1
    nested = {entity.query for entity in chosen if entity.nested}
    return MigrationPlan(
        endpoints=_endpoints_of(chosen),
        reads=tuple(Read(query, count, query in nested) for query, count in times.items()),
        writes=tuple(dict.fromkeys(entity.writes for entity in chosen)),
    )


DEFAULT_PLAN = plan_for(ENTITIES)
