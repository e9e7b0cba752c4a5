"""What a rollback deletes and what it keeps, decided once before anything is deleted.

The candidates are the id map's records our runs created, of one run or all;
never ``existing`` ones, matched by name to what the ISP had. ``adopted`` ones
(found by our marker: after a crash of our own run, or made by a run of
another state file) are kept and listed unless ``adopted`` is asked for: this
state file cannot prove it made them. Each is looked for in Splynx (a
record already gone needs nothing more) and, unless ``--force``, held
against what the run would write now: a record ``migrator verify`` finds
different (the same re-read of Sonar and the same transform, field by field)
was changed by someone since, so it is kept and named. A customer with a kept
record under it is kept too: deleting it would orphan that record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from migrator.entity_map import ENTITY_ORDER, mapped
from migrator.pipeline.state import Planned, StateStore
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import endpoint
from migrator.verify.checks import CHECKS

__all__ = ["ADOPTED", "CUSTOMER_CHILDREN", "ROLLBACK_ORDER", "Kept", "Plan", "build_plan"]

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


async def build_plan(
    store: StateStore,
    splynx: SplynxClient,
    *,
    run_id: int | None,
    changed: Changed,
    undeletable: Undeletable,
    adopted: bool = False,
) -> Plan:
    """Decide every record's fate, entity by entity (nothing is written anywhere)."""
    plan = Plan()
    for entity in ROLLBACK_ORDER:
        ours = store.ours(entity, run_id)
        if not ours:
            continue
        live = await _live(splynx, entity, {splynx_id for _, splynx_id, _ in ours})
        for sonar_id, splynx_id, how in ours:
            if splynx_id not in live:
                plan.gone.setdefault(entity, []).append(sonar_id)
                continue
            reason = ADOPTED if how == "adopted" and not adopted else ""
            reason = reason or _keep_reason(entity, splynx_id, changed, undeletable)
            if reason:
                plan.kept.append(Kept(entity, sonar_id, splynx_id, reason, live[splynx_id]))
            else:
                row = Planned(entity, sonar_id, splynx_id, live[splynx_id])
                plan.deletes.setdefault(entity, []).append(row)
    _keep_parents(plan)
    return plan


def _keep_reason(entity: str, splynx_id: int, changed: Changed, undeletable: Undeletable) -> str:
    if entity in undeletable:
        return undeletable[entity]
    fields = changed.get(entity, {}).get(splynx_id)
    if fields:
        return f"changed in Splynx since the run: {', '.join(sorted(set(fields)))}"
    return ""


def _keep_parents(plan: Plan) -> None:
    """Customers holding a kept record stay, with it."""
    holders = {
        k.customer_id: f"{k.entity} {k.splynx_id}"
        for k in plan.kept
        if k.entity in CUSTOMER_CHILDREN and k.customer_id is not None
    }
    remaining = []
    for row in plan.deletes.get("customers", []):
        if row.splynx_id in holders:
            reason = f"it holds a record that is kept ({holders[row.splynx_id]})"
            plan.kept.append(Kept("customers", row.sonar_id, row.splynx_id, reason))
        else:
            remaining.append(row)
    if "customers" in plan.deletes:
        plan.deletes["customers"] = remaining


async def _live(splynx: SplynxClient, entity: str, wanted: set[int]) -> dict[int, int | None]:
    """Of ``wanted``, the records Splynx lists now, with the customer each belongs to."""
    check = CHECKS[entity]
    found: dict[int, int | None] = {}
    async for record in splynx.iterate(endpoint(check.endpoint), check.search):
        if record.id in wanted:
            customer = record.fields().get("customer_id")
            found[record.id] = int(customer) if customer not in (None, "") else None
    return found
