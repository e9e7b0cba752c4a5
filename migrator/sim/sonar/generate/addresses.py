"""Addresses: ~3.4 per account, as the real instance has, most of them not the account's own.

Per account: a serviceable physical address (2% have none, 3% a second
site), a mailing address for ~90%, and billing addresses of the account's
credit cards (~1.4) and bank accounts. Besides: the company's address, tower
sites, and now and then a serviceable address nobody owns yet (no
``addressable``). A client migrating accounts must pick the ``Account``-owned
ones and tell physical from mailing.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from migrator.sim.sonar.generate.accounts import AccountFacts, account_location
from migrator.sim.sonar.generate.common import Columns, IdSequence, Salt, World, common_fields
from migrator.sim.sonar.generate.reference import ORIGIN
from migrator.sim.sonar.generate.words import CITIES, STREETS
from migrator.sim.sonar.table import NULL, CodeColumn, IntColumn, Table

__all__ = ["generate_addresses"]

ADDRESSABLE = (
    "Account",
    "InventoryLocation",
    "BankAccount",
    "CreditCard",
    "NetworkSite",
    "Company",
)


class Kind(IntEnum):
    SERVICE = 0
    SECOND_SITE = 1
    MAILING = 2
    CARD = 3
    BANK = 4
    TOWER = 5
    COMPANY = 6
    UNOWNED = 7


_OWNER_TYPE = {
    Kind.SERVICE: 0, Kind.SECOND_SITE: 0, Kind.MAILING: 0, Kind.CARD: 3, Kind.BANK: 2,
    Kind.TOWER: 4, Kind.COMPANY: 5, Kind.UNOWNED: -1,
}  # fmt: skip
_PHYSICAL = frozenset({Kind.SERVICE, Kind.SECOND_SITE, Kind.TOWER, Kind.COMPANY, Kind.UNOWNED})
_SERVICEABLE = frozenset({Kind.SERVICE, Kind.SECOND_SITE, Kind.UNOWNED})


def _kinds(rng: Any) -> list[Kind]:
    """The addresses one account brings, in the order they are created."""
    kinds = []
    roll = rng.random()
    kinds += (
        [] if roll < 0.02 else [Kind.SERVICE] if roll < 0.97 else [Kind.SERVICE, Kind.SECOND_SITE]
    )
    if rng.random() < 0.9:
        kinds.append(Kind.MAILING)
    roll = rng.random()
    kinds += [Kind.CARD] * (0 if roll < 0.2 else 1 if roll < 0.55 else 2 if roll < 0.85 else 3)
    if rng.random() < 0.08:
        kinds.append(Kind.BANK)
    return kinds


def generate_addresses(world: World, accounts: AccountFacts) -> Table:
    rng, ids, cols = world.rng, IdSequence(world.rng), Columns()
    owner, kind = cols.column("owner"), cols.column("kind", "b")
    owned_by, cards = cols.column("owner_type", "b"), 0

    def add(owner_id: int, what: Kind, created: int) -> None:
        cols.ids.append(ids.next())
        cols.created.append(created)
        cols.updated.append(created)
        owner.append(owner_id)
        kind.append(what)
        owned_by.append(_OWNER_TYPE[what])

    add(1, Kind.COMPANY, ORIGIN)
    for row, account_id in enumerate(accounts.table.ids):
        created = accounts.created[row]
        for what in _kinds(rng):
            cards += what in (Kind.CARD, Kind.BANK)
            add(cards if what in (Kind.CARD, Kind.BANK) else account_id, what, created)
        if row % 150 == 149:
            add(1 + row // 150, Kind.TOWER, created)
        if row % 200 == 199:
            add(NULL, Kind.UNOWNED, created)
    table = cols.table("addresses", lambda row: _address(world, cols, row))
    table.columns["addressable_id"] = IntColumn(owner)
    table.columns["addressable_type"] = CodeColumn(owned_by, ADDRESSABLE)
    return table


def _place(world: World, what: Kind, owner_id: int, draw: Any) -> tuple[Any, float, float]:
    if what is Kind.SERVICE:
        return account_location(world, owner_id)
    city = draw.pick(CITIES)
    return city, city[4] + (draw.unit() - 0.5) * 0.2, city[5] + (draw.unit() - 0.5) * 0.2


def _address(world: World, cols: Columns, row: int) -> dict[str, Any]:
    address_id, what = cols.ids[row], Kind(cols.extra["kind"][row])
    draw = world.draw(Salt.ADDRESS, address_id, 1)
    owner_id, owner_type = cols.extra["owner"][row], cols.extra["owner_type"][row]
    city, lat, lon = _place(world, what, owner_id, draw)
    physical, serviceable = what in _PHYSICAL, what in _SERVICEABLE
    line1 = f"{draw.between(100, 29999)} {draw.pick(STREETS)}"
    if what is Kind.MAILING and draw.chance(0.15):
        line1 = f"PO Box {draw.between(1, 9999)}"
    if draw.chance(0.005):
        line1 = line1 + " (enter via the gravel road behind the feed store, gate code 4411)" * 4
    incomplete = what is Kind.MAILING and draw.chance(0.01)
    zip_code = f"{city[3]}{draw.between(0, 99):02d}"
    record = common_fields(draw, address_id, cols.created[row], cols.updated[row])
    record.update(
        address_status_id="1" if serviceable else None,
        addressable_id=None if owner_id == NULL else str(owner_id),
        addressable_type=None if owner_type < 0 else ADDRESSABLE[owner_type],
        anchor_address_id=None,
        attainable_download_speed=draw.pick((25000, 100000, 1000000)) if serviceable else None,
        attainable_upload_speed=draw.pick((5000, 20000, 1000000)) if serviceable else None,
        avalara_pcode=None,
        billing_default_id=None,
        census_year=2020 if physical else None,
        city=None if incomplete else city[0],
        country="US",
        county=city[2] if physical else None,
        fips=f"{city[2][7:]}{draw.between(10000, 99999)}{draw.between(1000, 4999)}"
        if physical
        else None,
        fips_source="FCC" if physical else None,
        is_anchor=False,
        latitude=round(lat, 6) if physical else None,
        line1=line1,
        line2=f"Apt {draw.between(1, 40)}{draw.pick('ABCD')}" if draw.chance(0.15) else None,
        longitude=round(lon, 6) if physical else None,
        serviceable=serviceable,
        subdivision=city[1],
        timezone="AMERICACHICAGO",
        type="PHYSICAL" if physical else "MAILING",
        zip=None
        if incomplete
        else zip_code + (f"-{draw.between(1000, 9999)}" if draw.chance(0.1) else ""),
    )
    return record
