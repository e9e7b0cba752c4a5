"""What accounts hold: services (~0.88 each), IPs (~0.18, planned here), custom field values.

Live accounts carry their data plan (a few have none) and sometimes an extra
recurring service; a few also hold a monthly discount (a RECURRING CREDIT
service) or a plan paid quarterly or yearly. Archived accounts' services were
removed when they left,
though their billing history still names them. Billing reads the extras
recorded here so debits and account services agree.
"""

from __future__ import annotations

from array import array
from typing import Any

from migrator.sim.sonar.generate.accounts import AccountFacts, plan_for
from migrator.sim.sonar.generate.common import Columns, IdSequence, Salt, World, common_fields
from migrator.sim.sonar.generate.service_catalog import CatalogService, ServiceCatalog
from migrator.sim.sonar.instance_time import DAY, NOW, SECOND, local_date
from migrator.sim.sonar.table import NULL, CodeColumn, Table

__all__ = [
    "IpPlan",
    "generate_account_services",
    "generate_custom_field_data",
    "plan_ip_assignments",
]


def _start(rng: Any, created: int, days: float) -> int:
    return min(created + int(rng.random() * days * DAY), NOW) // SECOND * SECOND


def generate_account_services(world: World, accounts: AccountFacts) -> Table:
    """Each live account's plan (87%), and extras for ~8%; billing reads both back."""
    rng, ids, cols = world.rng, IdSequence(world.rng), Columns()
    catalog: ServiceCatalog = world.facts["catalog"]
    owner, service = cols.column("account_id"), cols.column("service_id")
    removed: dict[int, int] = {}
    extras: dict[int, list[CatalogService]] = {}
    for row, account_id in enumerate(accounts.table.ids):
        created = accounts.created[row]
        chosen: list[CatalogService] = []
        if rng.random() < 0.87:
            chosen.append(plan_for(world, account_id, created))
        else:  # its service was removed at some point; billing stops then
            removed[account_id] = _start(rng, created, (NOW - created) / DAY)
        roll = rng.random()
        for _ in range(0 if roll < 0.92 else 1 if roll < 0.99 else 2):
            extra = catalog.recurring[int(rng.random() * len(catalog.recurring))]
            chosen.append(extra)
            extras.setdefault(account_id, []).append(extra)
        if accounts.archived[row] != NULL:
            continue  # removed when the account was archived
        for item in chosen:
            cols.ids.append(ids.next())
            begun = _start(rng, created, 2 if item.type == "DATA" else 300)
            cols.created.append(begun)
            cols.updated.append(_start(rng, begun, 200) if rng.random() < 0.25 else begun)
            owner.append(account_id)
            service.append(item.id)
    _add_periodic(world, accounts, cols, ids.last)
    world.facts["removed"] = removed
    world.facts["extras"] = extras
    build = lambda row: _account_service(world, cols, row)  # noqa: E731
    return cols.table("account_services", build, ("account_id", "service_id"))


# Per live account holding a plan: (share, group of the catalog) of services added later,
# each its own keyed draw, with ids after the rest so no earlier record moves. Billing
# history does not charge them (it predates them in this model).
_PERIODIC_SHARES = (("credits", 0.03), ("long_plans", 0.01), ("long_recurring", 0.01))


def _add_periodic(world: World, accounts: AccountFacts, cols: Columns, last_id: int) -> None:
    """Keyed draws per account; a small dataset still gets one of each (its 3rd, 6th, 9th
    eligible account), so every case is exercised at any scale."""
    catalog: ServiceCatalog = world.facts["catalog"]
    owners = set(cols.extra["account_id"])
    eligible = [
        (row, account_id)
        for row, account_id in enumerate(accounts.table.ids)
        if account_id in owners and accounts.archived[row] == NULL
    ]
    for index, (group, share) in enumerate(_PERIODIC_SHARES):
        fallback = eligible[3 * index + 2][1] if len(eligible) > 3 * index + 2 else None
        held = [
            (row, account_id)
            for row, account_id in eligible
            if world.draw(Salt.PERIODIC_HOLDING, account_id, index).chance(share)
        ]
        if not held and fallback is not None:
            held = [(row, a) for row, a in eligible if a == fallback]
        for row, account_id in held:
            draw = world.draw(Salt.PERIODIC_HOLDING, account_id, index, 1)
            item: CatalogService = draw.pick(getattr(catalog, group))
            begun = min(accounts.created[row] + draw.between(1, 700) * DAY, NOW)
            _append(cols, last_id := last_id + 1, account_id, item.id, begun // SECOND * SECOND)


def _append(cols: Columns, record_id: int, account_id: int, service_id: int, at: int) -> None:
    cols.ids.append(record_id)
    cols.created.append(at)
    cols.updated.append(at)
    cols.extra["account_id"].append(account_id)
    cols.extra["service_id"].append(service_id)


def _account_service(world: World, cols: Columns, row: int) -> dict[str, Any]:
    record_id = cols.ids[row]
    draw = world.draw(Salt.ACCOUNT_SERVICE, record_id)
    catalog: ServiceCatalog = world.facts["catalog"]
    service = catalog.by_id[cols.extra["service_id"][row]]
    overridden = draw.chance(0.05) and service.amount > 1000
    record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
    record.update(
        account_id=str(cols.extra["account_id"][row]),
        addition_prorate_date=local_date(cols.created[row]).isoformat()
        if draw.chance(0.3)
        else None,
        data_usage_last_calculated_date="2025-05-31" if service.type == "DATA" else None,
        name_override=f"{service.name} (grandfathered)" if draw.chance(0.03) else None,
        next_bill_date=None,
        number_of_times_billed=None,
        package_id=None,
        price_override=service.amount - 1000 if overridden else None,
        price_override_reason="Loyalty discount" if overridden else None,
        quantity=2
        if service.type == "RECURRING" and service.application == "DEBIT" and draw.chance(0.1)
        else 1,
        service_id=str(service.id),
        unique_package_relationship_id=None,
    )
    return record


class IpPlan:
    """Who holds an IP assignment and since when, decided in the shared random stream at
    the place the assignments were once generated (so every later table of a seed stays as
    it was); ``addressing`` gives each its owner, kind and address once accounts' RADIUS
    logins, MACs and equipment exist."""

    def __init__(self) -> None:
        self.ids, self.created = array("q"), array("q")
        self.holders = array("q")  # an account's id, or a tower device's
        self.on_tower = array("b")

    def add(self, record_id: int, holder: int, on_tower: bool, created: int) -> None:
        self.ids.append(record_id)
        self.holders.append(holder)
        self.on_tower.append(on_tower)
        self.created.append(created)


def plan_ip_assignments(world: World, accounts: AccountFacts) -> IpPlan:
    """~20% of accounts with a data plan hold an IP (3% of them two); one tower device per
    300 accounts holds a management address."""
    rng, ids, plan = world.rng, IdSequence(world.rng), IpPlan()
    removed = world.facts["removed"]
    for row, account_id in enumerate(accounts.table.ids):
        if row % 300 == 299:
            plan.add(ids.next(), 1 + row // 300, True, accounts.created[row])
        if accounts.archived[row] != NULL or account_id in removed or rng.random() >= 0.2:
            continue
        begun = _start(rng, accounts.created[row], 60)
        for _ in range(2 if rng.random() < 0.03 else 1):
            plan.add(ids.next(), account_id, False, begun)
    return plan


def generate_custom_field_data(world: World, accounts: AccountFacts) -> Table:
    """Values of the three account custom fields, for roughly one account in eight."""
    rng, ids, cols = world.rng, IdSequence(world.rng), Columns()
    owner, field_id = cols.column("customfielddataable_id"), cols.column("custom_field_id")
    for row, account_id in enumerate(accounts.table.ids):
        for field, share in ((1, 0.05), (2, 0.03), (3, 0.04)):
            if rng.random() < share:
                cols.ids.append(ids.next())
                begun = _start(rng, accounts.created[row], 400)
                cols.created.append(begun)
                cols.updated.append(begun)
                owner.append(account_id)
                field_id.append(field)
    exposed = ("customfielddataable_id", "custom_field_id")
    table = cols.table("custom_field_data", lambda row: _field_data(world, cols, row), exposed)
    table.columns["customfielddataable_type"] = CodeColumn(
        array("b", bytes(len(cols.ids))), ["Account"]
    )
    return table


def _field_data(world: World, cols: Columns, row: int) -> dict[str, Any]:
    record_id, field = cols.ids[row], cols.extra["custom_field_id"][row]
    draw = world.draw(Salt.FIELD_DATA, record_id)
    owner = cols.extra["customfielddataable_id"][row]
    value = (
        f"LEG-{owner:06d}"
        if field == 1
        else draw.pick(("North Tower", "South Tower", "Mesa Ridge"))
        if field == 2
        else draw.pick(("true", "false"))
    )
    record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
    record.update(
        custom_field_id=str(field),
        customfielddataable_id=str(owner),
        customfielddataable_type="Account",
        value=value,
    )
    return record
