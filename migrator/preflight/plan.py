"""What a migration touches, as the pre-flight sees it: endpoints, Sonar reads, Splynx writes.

These are defaults describing the migration engine's entity map (DESIGN §4,
as the ``pipeline`` branch wires it: partners, locations, tariffs, customers
with their customer-info, services, comments). The engine can pass its own
``MigrationPlan`` to ``preflight`` once finance and tickets join, so the check
and the run never disagree about what is needed.

- ``endpoints``: every Splynx endpoint the run writes (names of
  ``migrator.splynx.endpoints.ENDPOINTS``); each is probed for permission, for
  its marker field when the marker is an additional field, and for existing data.
- ``reads``: the Sonar list queries the run pages through, and how many times
  (the engine reads the small reference tables once for look-ups and again for
  their own entity, and accounts once per entity that comes from them).
- ``writes``: which Sonar records become how many Splynx requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.splynx.endpoints import Endpoint, endpoint

__all__ = [
    "DEFAULT_PLAN",
    "FRESH_INSTALL",
    "MIGRATION_ENDPOINTS",
    "MigrationPlan",
    "Read",
    "Writes",
]

MIGRATION_ENDPOINTS: tuple[str, ...] = (
    "partners",
    "locations",
    "internet_tariffs",
    "recurring_tariffs",
    "customers",
    "customer_info",
    "customer_notes",
    "internet_services",
    "recurring_services",
)

# Records a freshly installed Splynx already holds (partner 1 and location 1
# "Main", reference §7-§9): more than this is data somebody put there.
FRESH_INSTALL: dict[str, int] = {"partners": 1, "locations": 1}


@dataclass(frozen=True)
class Read:
    """``query`` is paged through ``times`` times; ``nested``: accounts with their relations."""

    query: str
    times: int = 1
    nested: bool = False


@dataclass(frozen=True)
class Writes:
    """Each record of ``query`` (or ``fixed`` records) costs ``per_record`` Splynx requests."""

    label: str
    query: str | None = None
    per_record: int = 1
    fixed: int = 0


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


DEFAULT_PLAN = MigrationPlan(
    endpoints=MIGRATION_ENDPOINTS,
    reads=(
        Read("companies", 2),  # look-ups, then partners
        Read("account_statuses"),
        Read("account_types"),
        Read("custom_fields"),
        Read("services", 3),  # look-ups, then internet and recurring tariffs
        Read("data_service_details"),
        # customers, internet services, recurring services: account_services,
        # contacts, addresses... come nested in the account pages
        Read("accounts", 3, nested=True),
        Read("notes"),
    ),
    writes=(
        Writes("partners", "companies"),
        Writes("locations", fixed=1),  # the profile's default location
        Writes("tariffs", "services"),  # internet or recurring, by service type
        Writes("customers + customer info", "accounts", per_record=2),  # POST, then PUT
        Writes("services", "account_services"),  # internet or recurring
        Writes("comments", "notes"),  # those on accounts
    ),
)
