"""What a rollback deletes and what it keeps, decided once before anything is deleted.

The candidates are the id map's records our runs created, of one run or all;
never ``existing`` ones, matched by name to what the ISP had. ``adopted`` ones
(found by our marker: after a crash of our own run, or made by a run of
another state file) are kept and listed unless ``adopted`` is asked for: this
state file cannot prove it made them. Each is looked for in Splynx (a
record already gone needs nothing more) and, unless ``--force``, held
against what the run would write now: a record ``migrator verify`` finds
different (the same re-read of Sonar and the same transform, field by field)
was changed by someone since, so it is kept and named. What a kept record
names (its customer, its tariff, the customer's partner and location) is kept
too: deleting it would orphan the record, and Splynx may refuse it anyway. A
kept ticket keeps its whole conversation, and a ticket somebody answered in
Splynx since counts as changed (``conversations``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrator.entity_map import ENTITY_ORDER, mapped
from migrator.pipeline.state import Planned, StateStore
from migrator.rollback.db_delete import DB_TABLES
from migrator.splynx.client import SplynxClient
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.endpoints import endpoint
from migrator.splynx.finance_sql import rows_by_id
from migrator.verify.checks import CHECKS

__all__ = [
    "ADOPTED",
    "CUSTOMER_CHILDREN",
    "REFERENCES",
    "ROLLBACK_ORDER",
    "Kept",
    "Plan",
    "build_plan",
    "keep_conversations",
    "keep_parents",
]

ROLLBACK_ORDER: tuple[str, ...] = tuple(reversed(ENTITY_ORDER))
# entities whose records hang from a customer (services' and comments' URLs name it)
CUSTOMER_CHILDREN = frozenset(
    name for name in ENTITY_ORDER if "customers" in mapped(name).depends_on
)


@dataclass(frozen=True)
class Kept:
    """A record of ours left in Splynx, and why."""

    entity: str
    sonar_id: int
    splynx_id: int
    reason: str
    customer_id: int | None = None


@dataclass
class Plan:
    """Per entity, the records to delete; the ones kept; the ones already gone."""

    deletes: dict[str, list[Planned]] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    gone: dict[str, list[int]] = field(default_factory=dict)  # sonar ids
    resumed: bool = False

    @property
    def empty(self) -> bool:
        return not any(self.deletes.values()) and not any(self.gone.values())


ADOPTED = "adopted, not created, by this state file's runs (--adopted deletes it)"
# (entity, splynx id) -> the fields verify found different
Changed = Mapping[str, Mapping[int, list[str]]]
# entity -> why none of its records can be deleted (no way to delete them)
Undeletable = Mapping[str, str]


# The references a kept record holds to records that must then stay too:
# entity -> {field of its Splynx record: the entity that field names}.
_CUSTOMER = {"customer_id": "customers"}
REFERENCES: Mapping[str, Mapping[str, str]] = {
    **{name: _CUSTOMER for name in CUSTOMER_CHILDREN},
    "internet_services": {**_CUSTOMER, "tariff_id": "internet_tariffs"},
    "recurring_services": {**_CUSTOMER, "tariff_id": "recurring_tariffs"},
    "customers": {"partner_id": "partners", "location_id": "locations"},
    "tickets": {**_CUSTOMER, "assign_to": "administrators"},
    "ticket_messages": {**_CUSTOMER, "ticket_id": "tickets", "admin_id": "administrators"},
}
Refs = dict[str, int]  # entity -> the id of its record this one names


async def build_plan(
    store: StateStore,
    splynx: SplynxClient,
    *,
    run_id: int | None,
    changed: Changed,
    undeletable: Undeletable,
    adopted: bool = False,
    db: SplynxDatabase | None = None,
) -> Plan:
    """Decide every record's fate, entity by entity (nothing is written anywhere).

    With ``db``, the entities rolled back in the database are looked for there, by id:
    at 10,000 accounts listing their million rows through the API took minutes."""
    plan = Plan()
    refs: dict[tuple[str, int], Refs] = {}
    for entity in ROLLBACK_ORDER:
        ours = store.ours(entity, run_id)
        if not ours:
            continue
        wanted = {splynx_id for _, splynx_id, _ in ours}
        if db is not None and entity in DB_TABLES:
            live = await _live_rows(db, entity, wanted)
        else:
            live = await _live(splynx, entity, wanted)
        for sonar_id, splynx_id, how in ours:
            if splynx_id not in live:
                plan.gone.setdefault(entity, []).append(sonar_id)
                continue
            refs[(entity, splynx_id)] = live[splynx_id]
            customer = live[splynx_id].get("customers")
            reason = ADOPTED if how == "adopted" and not adopted else ""
            reason = reason or _keep_reason(entity, splynx_id, changed, undeletable)
            if reason:
                plan.kept.append(Kept(entity, sonar_id, splynx_id, reason, customer))
            else:
                row = Planned(entity, sonar_id, splynx_id, customer)
                plan.deletes.setdefault(entity, []).append(row)
    keep_parents(plan, refs)
    while keep_conversations(plan, refs):  # a message kept keeps its parents in turn
        keep_parents(plan, refs)
    return plan


def _keep_reason(entity: str, splynx_id: int, changed: Changed, undeletable: Undeletable) -> str:
    if entity in undeletable:
        return undeletable[entity]
    fields = changed.get(entity, {}).get(splynx_id)
    if fields:
        return f"changed in Splynx since the run: {', '.join(sorted(set(fields)))}"
    return ""


def keep_parents(plan: Plan, refs: Mapping[tuple[str, int], Refs]) -> None:
    """A record a kept one names (its customer, tariff, partner...) stays, with it.

    Children come first in ``ROLLBACK_ORDER``, so a parent kept for its child
    is known before the parent's own parents are looked at.
    """
    held: dict[tuple[str, int], str] = {}

    def hold(kept: Kept) -> None:
        for parent, parent_id in refs.get((kept.entity, kept.splynx_id), {}).items():
            held.setdefault((parent, parent_id), f"{kept.entity} {kept.splynx_id}")

    for kept in plan.kept:
        hold(kept)
    for entity in ROLLBACK_ORDER:
        remaining = []
        for row in plan.deletes.get(entity, []):
            holder = held.get((entity, row.splynx_id))
            if holder is None:
                remaining.append(row)
                continue
            reason = f"a record that is kept names it ({holder})"
            kept = Kept(entity, row.sonar_id, row.splynx_id, reason, row.customer_id)
            plan.kept.append(kept)
            hold(kept)
        if entity in plan.deletes:
            plan.deletes[entity] = remaining


def keep_conversations(plan: Plan, refs: Mapping[tuple[str, int], Refs]) -> bool:
    """Our messages on a kept ticket stay with it (a conversation is kept whole); whether
    any did."""
    tickets = {k.splynx_id for k in plan.kept if k.entity == "tickets"}
    remaining, moved = [], False
    for row in plan.deletes.get("ticket_messages", []):
        ticket = refs.get(("ticket_messages", row.splynx_id), {}).get("tickets")
        if ticket in tickets:
            reason = f"its ticket is kept (tickets {ticket})"
            plan.kept.append(Kept(row.entity, row.sonar_id, row.splynx_id, reason, row.customer_id))
            moved = True
        else:
            remaining.append(row)
    if moved:
        plan.deletes["ticket_messages"] = remaining
    return moved


async def _live(splynx: SplynxClient, entity: str, wanted: set[int]) -> dict[int, Refs]:
    """Of ``wanted``, the records Splynx lists now, with the records each one names."""
    check = CHECKS[entity]
    fields = REFERENCES.get(entity, {})
    found: dict[int, Refs] = {}
    async for record in splynx.iterate(endpoint(check.endpoint), check.search):
        if record.id in wanted:
            found[record.id] = _refs(record.fields(), fields)
    return found


async def _live_rows(db: SplynxDatabase, entity: str, wanted: set[int]) -> dict[int, Refs]:
    """Of ``wanted``, the live rows of the entity's table, with the records each names."""
    fields = REFERENCES[entity]
    async with db.transaction(f"look for the {entity} to roll back", commit=False) as tx:
        rows = await rows_by_id(tx, DB_TABLES[entity], tuple(fields), wanted, lock=False)
    return {row_id: _refs(values, fields) for row_id, values in rows.items()}


def _refs(values: Mapping[str, Any], fields: Mapping[str, str]) -> Refs:
    """The records a record names (a field holding 0 or nothing names none)."""
    return {
        parent: int(values[field])
        for field, parent in fields.items()
        if str(values.get(field) or "0").isdigit() and int(values.get(field) or 0)
    }
