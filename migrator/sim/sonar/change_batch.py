"""One batch of changes to a served dataset under way: its moment, its random stream, and
the ids of what it created, updated and archived.

Every write goes through ``Batch``, so every record it touches gets the same
stamp: a change sets ``updated_at`` to the batch's moment and counts one more
``_version`` ("incremented whenever the entity is modified", the reference
says); a creation gets a fresh id above the table's highest, ``created_at =
updated_at`` = the moment, ``_version`` 1 and a new ``sonar_unique_id``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from migrator.sim.sonar.draw import Draw
from migrator.sim.sonar.instance_time import instant_to_iso
from migrator.sim.sonar.table import Dataset, Table
from migrator.sonar.schema import entity_fields

__all__ = ["ARCHIVED_QUERIES", "CREATED_QUERIES", "UPDATED_QUERIES", "Batch", "Record"]

Record = dict[str, Any]

# The list queries a batch may create, update or archive records of, in dependency order.
CREATED_QUERIES: tuple[str, ...] = (
    "accounts",
    "contacts",
    "phone_numbers",
    "addresses",
    "account_services",
    "custom_field_data",
    "account_billing_parameters",
    "tax_exemptions",
    "radius_accounts",
    "uninventoried_mac_addresses",
    "ip_assignments",
    "notes",
    "payments",
)
UPDATED_QUERIES: tuple[str, ...] = ("accounts", "contacts", "account_services")
ARCHIVED_QUERIES: tuple[str, ...] = ("accounts",)
_COMMON = ("id", "sonar_unique_id", "created_at", "updated_at", "_version")


def _bumped(version: str | None) -> str:
    """The next ``_version`` (a record with none, as a fixture may have, was at 1)."""
    return str(int(version) + 1) if version and version.isdigit() else "2"


class Batch:
    """Writes one batch's records into ``dataset`` at the instant ``at``, drawing from
    ``rng``; ``created``/``updated``/``archived`` hold the ids it wrote, per query."""

    def __init__(self, dataset: Dataset, at: int, rng: random.Random) -> None:
        self.dataset, self.at, self.rng = dataset, at, rng
        self.stamp = instant_to_iso(at)
        self.created: dict[str, list[int]] = {query: [] for query in CREATED_QUERIES}
        self.updated: dict[str, list[int]] = {query: [] for query in UPDATED_QUERIES}
        self.archived: dict[str, list[int]] = {query: [] for query in ARCHIVED_QUERIES}
        self._memo: dict[str, Any] = {}

    def table(self, query: str) -> Table:
        return self.dataset.table(query)

    def draw(self) -> Draw:
        """A fresh stream for cosmetic values (names, digits), taken from the batch's."""
        return Draw(self.rng.getrandbits(64))

    def memo(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per batch (a lookup the batch's steps share)."""
        if name not in self._memo:
            self._memo[name] = build()
        return self._memo[name]

    def next_id(self, query: str) -> int:
        table = self.table(query)
        return table.ids[-1] + 1 if len(table) else 1

    def create(self, query: str, values: Mapping[str, Any]) -> Record:
        """A new record of ``query``: ``values`` for its own fields (common ones are the
        batch's); ``KeyError`` naming a field ``values`` lacks."""
        record_id = self.next_id(query)
        common = {
            "id": str(record_id),
            "sonar_unique_id": self.draw().uuid(),
            "created_at": self.stamp,
            "updated_at": self.stamp,
            "_version": "1",
        }
        record = {}
        for name in entity_fields(query):
            if name in common:
                record[name] = common[name]
            elif name in values:
                record[name] = values[name]
            else:
                raise KeyError(f"a new {query} record needs {name!r}")
        self.dataset.put(query, record)
        self.created[query].append(record_id)
        return record

    def update(
        self, query: str, record: Record, *, archived: bool = False, **changes: Any
    ) -> Record:
        """``record`` with ``changes``, stamped as modified now; listed as archived or updated."""
        unknown = (set(changes) - set(record)) | (set(changes) & set(_COMMON))
        if unknown:
            raise KeyError(f"cannot change {sorted(unknown)} of a {query} record")
        changed = {**record, **changes}
        changed["updated_at"] = self.stamp
        changed["_version"] = _bumped(record["_version"])
        self.dataset.put(query, changed)
        (self.archived if archived else self.updated)[query].append(int(record["id"]))
        return changed

    def children(
        self, query: str, key: str, owner_id: int, kind: tuple[str, str] | None = None
    ) -> Iterator[Record]:
        """Records of ``query`` whose ``key`` names ``owner_id`` (and, for a polymorphic
        key, whose ``kind[0]`` field is ``kind[1]``), in id order."""
        table = self.table(query)
        for row in table.index(key).lookup(owner_id):
            if kind is None or table.value(row, kind[0]) == kind[1]:
                yield table.record(row)

    def records(self, query: str) -> list[Record]:
        """Every record of a small table (statuses, users, services), read once per batch."""
        found: list[Record] = self.memo(
            f"records:{query}", lambda: list(self.dataset.records(query))
        )
        return found

    def staff(self) -> str | None:
        """The id of an enabled user of the ISP (not Sonar's own support login); ``None``
        for data without users."""
        users = self.records("users")
        staff = [u["id"] for u in users if u["enabled"] and not u["is_sonar_staff"]]
        chosen = staff or [u["id"] for u in users]
        return self.rng.choice(chosen) if chosen else None
