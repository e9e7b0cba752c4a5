"""IP assignments: each planned one given an owner, a kind and an address in the plan.

Which accounts hold an IP, and since when, was decided in the shared stream
(``holdings.plan_ip_assignments``: ~20% of accounts with a data plan, a few
two; one tower device per 300 accounts). Here each gets, by a per-record draw:

- a kind: 70% a static IPv4 address (``/32``), 4% a routed block (``/30`` or
  ``/29``), 19% a dynamic address from a pool (``soft``, with ``ip_pool_id``),
  7% an IPv6 prefix (a ``/56`` delegation or a ``/64``);
- an owner among what the account holds: the account itself, one of its
  RADIUS accounts, one of its MAC bindings, or its CPE (the inventory item
  delivering its data service). Dynamic addresses go to a RADIUS account or a
  MAC where there is one (that is who DHCP or RADIUS hands them to);
- an address: the next free block of its kind, in a subnet whose CIDR holds it.

And the mess a migration must report: about one static in 250 is outside
every subnet (``192.0.2.x``, while its ``subnet_id`` names the subnet it
should be in) and one in 300 repeats another account's static address. A
small dataset still gets one of each (its 3rd and its 5th static).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from migrator.sim.sonar.draw import Draw
from migrator.sim.sonar.generate.access import Access
from migrator.sim.sonar.generate.common import Columns, Salt, World, common_fields
from migrator.sim.sonar.generate.holdings import IpPlan
from migrator.sim.sonar.generate.network import AddressPlan, Purpose
from migrator.sim.sonar.table import NULL, CodeColumn, IntColumn, Table

__all__ = ["OWNER_TYPES", "assignment_tables"]

OWNER_TYPES = ("Account", "InventoryItem", "RadiusAccount", "UninventoriedMacAddress")
ACCOUNT, ITEM, RADIUS, MAC = range(4)
_OWNER_QUERIES = {
    ITEM: "inventory_items",
    RADIUS: "radius_accounts",
    MAC: "uninventoried_mac_addresses",
}


class Kind(IntEnum):
    STATIC = 0
    ROUTED = 1
    SOFT = 2
    V6 = 3
    TOWER = 4
    OUTSIDE = 5  # a static whose address lies outside its subnet
    REPEATED = 6  # a static holding another account's address


_DESCRIPTIONS = {
    Kind.STATIC: ("Static IP", None, None),
    Kind.ROUTED: ("Routed block", "Business routed block"),
    Kind.SOFT: (None,),
    Kind.V6: ("IPv6 prefix", None),
    Kind.TOWER: ("Tower management",),
    Kind.OUTSIDE: ("Static IP", None),
    Kind.REPEATED: ("Static IP", None),
}


def _kind(draw: Draw) -> Kind:
    roll = draw.unit()
    return Kind.STATIC if roll < 0.70 else Kind.ROUTED if roll < 0.74 else (
        Kind.SOFT if roll < 0.93 else Kind.V6
    )  # fmt: skip


def _owner(draw: Draw, kind: Kind, held: dict[int, list[int]]) -> tuple[int, int]:
    """``(owner type code, owner id)``: what of the account's holdings the IP is put on."""
    roll = draw.unit()
    wanted: tuple[int, ...]
    if kind in (Kind.SOFT, Kind.V6):
        wanted = (RADIUS, MAC) if roll < 0.8 else (MAC, RADIUS)
    elif kind is Kind.ROUTED:
        wanted = (ITEM,) if roll < 0.4 else ()
    else:
        wanted = (ACCOUNT,) if roll < 0.4 else (RADIUS,) if roll < 0.65 else (
            (MAC,) if roll < 0.8 else (ITEM,)
        )  # fmt: skip
    for code in wanted:
        if held.get(code):
            return code, draw.pick(held[code])
    return ACCOUNT, held[ACCOUNT][0]


class _Assignments:
    """The assignment columns under construction, and the address plan they fill."""

    def __init__(self, world: World, tables: dict[str, Table]) -> None:
        self.world, self.tables, self.plan = world, tables, AddressPlan()
        self.cols, self.cidrs = Columns(), list[str]()
        for name in ("owner", "subnet_id", "ip_pool_id"):
            self.cols.column(name)
        self.cols.column("owner_type", "b")
        self.cols.column("kind", "b")
        self.statics: list[tuple[int, str, int]] = []  # (account, CIDR, subnet) of each static
        self.soft_by_pool: dict[int, int] = {}

    def _created_of(self, code: int, owner: int, planned: int) -> int:
        """Not before its owner existed."""
        if code == ACCOUNT:
            return planned
        table = self.tables[_OWNER_QUERIES[code]]
        row = table.row_of(owner)
        assert row is not None
        return max(planned, table.columns["created_at"][row])

    def add(self, record_id: int, kind: Kind, owner: tuple[int, int], created: int) -> None:
        draw = self.world.draw(Salt.IP, record_id, 1)
        pool, (subnet, cidr) = NULL, self._address(kind, draw)
        if kind is Kind.SOFT:
            pool = 1 + [s.id for s in self.plan.pool_subnets()].index(subnet)
            self.soft_by_pool[pool] = self.soft_by_pool.get(pool, 0) + 1
        for name, value in (("owner", owner[1]), ("owner_type", owner[0]), ("kind", kind),
                            ("subnet_id", subnet), ("ip_pool_id", pool)):  # fmt: skip
            self.cols.extra[name].append(value)
        self.cols.ids.append(record_id)
        at = self._created_of(owner[0], owner[1], created)
        self.cols.created.append(at)
        self.cols.updated.append(at)
        self.cidrs.append(cidr)

    def _address(self, kind: Kind, draw: Draw) -> tuple[int, str]:
        if kind is Kind.REPEATED:
            return self.statics[-1][2], self.statics[-1][1]
        purpose, prefix = {
            Kind.STATIC: (Purpose.STATIC, 32),
            Kind.OUTSIDE: (Purpose.STATIC, 32),
            Kind.ROUTED: (Purpose.ROUTED, draw.pick((30, 30, 29))),
            Kind.SOFT: (Purpose.POOL, 32),
            Kind.TOWER: (Purpose.INFRA, 32),
            Kind.V6: draw.pick(((Purpose.DELEGATION, 56), (Purpose.LAN64, 64))),
        }[kind]
        subnet, cidr = self.plan.allocate(purpose, prefix, draw)
        if kind is Kind.OUTSIDE:  # TEST-NET-1: in no supernet of the plan
            cidr = f"192.0.2.{1 + len(self.statics) % 254}/32"
        return subnet, cidr

    def table(self) -> Table:
        cols, cidrs, world = self.cols, self.cidrs, self.world

        def build(row: int) -> dict[str, Any]:
            record_id, extra = cols.ids[row], cols.extra
            draw = world.draw(Salt.IP, record_id)
            pool = extra["ip_pool_id"][row]
            record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
            record.update(
                description=draw.pick(_DESCRIPTIONS[Kind(extra["kind"][row])]),
                ip_pool_id=None if pool == NULL else str(pool),
                ipassignmentable_id=str(extra["owner"][row]),
                ipassignmentable_type=OWNER_TYPES[extra["owner_type"][row]],
                reference=f"WO-{10000 + record_id}" if draw.chance(0.05) else None,
                soft=extra["kind"][row] == Kind.SOFT,
                subnet=cidrs[row],
                subnet_id=str(extra["subnet_id"][row]),
            )
            return record

        table = cols.table("ip_assignments", build, ("subnet_id", "ip_pool_id"))
        table.columns["ipassignmentable_id"] = IntColumn(cols.extra["owner"])
        table.columns["ipassignmentable_type"] = CodeColumn(cols.extra["owner_type"], OWNER_TYPES)
        return table


def _kind_of(world: World, record_id: int, statics: int, accounts: int) -> Kind:
    """The kind of an account's assignment; the mess among statics."""
    draw = world.draw(Salt.IP, record_id)
    kind = _kind(draw)
    if kind is not Kind.STATIC:
        return kind
    if statics == 2 or draw.chance(0.004):
        return Kind.OUTSIDE
    if (statics == 4 or draw.chance(0.003)) and accounts:
        return Kind.REPEATED
    return Kind.STATIC


def assignment_tables(
    world: World, tables: dict[str, Table], plan: IpPlan, held: dict[int, dict[int, list[int]]]
) -> dict[str, Table]:
    """``ip_assignments`` and the address plan holding them (``supernets``, ``subnets``,
    ``ip_pools``). ``held``: account id → owner type code → the ids it holds."""
    built = _Assignments(world, tables)
    for i, record_id in enumerate(plan.ids):
        holder, created = plan.holders[i], plan.created[i]
        if plan.on_tower[i]:
            built.add(record_id, Kind.TOWER, (ITEM, holder), created)
            continue
        others = sum(1 for account, _, _ in built.statics[-1:] if account != holder)
        kind = _kind_of(world, record_id, len(built.statics), others)
        mine = held.get(holder, {ACCOUNT: [holder]})
        owner = _owner(world.draw(Salt.IP, record_id, 2), kind, mine)
        built.add(record_id, kind, owner, created)
        if kind in (Kind.STATIC, Kind.OUTSIDE, Kind.REPEATED):
            built.statics.append((holder, built.cidrs[-1], built.cols.extra["subnet_id"][-1]))
    result = built.plan.tables(world, built.soft_by_pool)
    result["ip_assignments"] = built.table()
    return result


def holdings(access: Access, cpe: dict[int, int]) -> dict[int, dict[int, list[int]]]:
    """Account id → owner type code → ids: what an account's IPs may be put on."""
    accounts = set(access.radius) | set(access.macs) | set(cpe)
    return {
        account: {
            ACCOUNT: [account],
            RADIUS: access.radius.get(account, []),
            MAC: access.macs.get(account, []),
            ITEM: [cpe[account]] if account in cpe else [],
        }
        for account in accounts
    }
