"""How subscribers get online: RADIUS accounts (PPPoE logins) and MAC bindings.

Only accounts holding a DATA account service have them, as at a real ISP:

- ~85% of them authenticate with RADIUS: one account per data service (an
  account with two data plans usually has two logins), and ~2% of the others
  a second one (a backup link). Usernames are what installers type: ``jsmith42``,
  ``james.smith@isp.example``, ``smithj``, digits; ~1% are not ASCII
  (``josé.garcía``) and ~0.3% repeat another account's username (a clash a
  migration must reject, not rename). Passwords are mostly set, some with
  symbols; ~3% are null (the login is locked).
- ~40% have their router's MAC bound (an ``UninventoriedMacAddress``): one,
  sometimes two, ``AA:BB:CC:DD:EE:FF``, each unique.

Structure (who has what, ids, usernames) comes from its own random stream,
so these tables never move any other table of a seed; cosmetics (passwords,
the MAC's vendor) from per-record draws.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from migrator.sim.sonar.generate.accounts import PERSON_TYPES, AccountFacts, account_name
from migrator.sim.sonar.generate.common import Columns, IdSequence, Salt, World, common_fields
from migrator.sim.sonar.generate.service_catalog import ServiceCatalog
from migrator.sim.sonar.generate.words import ascii_slug
from migrator.sim.sonar.instance_time import NOW, SECOND
from migrator.sim.sonar.table import Table

__all__ = ["Access", "DataServices", "access_tables", "data_services", "mac_address"]

REALM = "isp.example"
_ACCENTED = ("josé.garcía", "zoë.müller", "françois.lefèvre", "søren.ærø", "łukasz.żółć",
             "núñez.peña", "chloé.brontë", "jürgen.groß")  # fmt: skip
_SYMBOLS = "!@#$%^&*-_=+?."
_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Vendors of the routers customers bring (TP-Link, Netgear, ASUS, Linksys, eero).
_OUIS = ("50:C7:BF", "A0:40:A0", "04:D9:F5", "C0:56:27", "F8:BB:BF")

DataServices = dict[int, list[tuple[int, int]]]
"""Account id → its DATA account services as ``(account service id, started)``, by id."""


def data_services(world: World, tables: dict[str, Table]) -> DataServices:
    catalog: ServiceCatalog = world.facts["catalog"]
    held = tables["account_services"]
    owners, plans = held.columns["account_id"], held.columns["service_id"]
    found: DataServices = defaultdict(list)
    for row in range(len(held)):
        if catalog.by_id[plans[row]].type == "DATA":
            found[owners[row]].append((held.ids[row], held.columns["created_at"][row]))
    return {account: sorted(services) for account, services in sorted(found.items())}


@dataclass
class Access:
    """Per account: its RADIUS account ids and MAC binding ids (what IPs may be put on)."""

    radius: dict[int, list[int]] = field(default_factory=dict)
    macs: dict[int, list[int]] = field(default_factory=dict)


def _username(
    world: World, accounts: AccountFacts, account_id: int, index: int, accented: bool
) -> str:
    draw = world.draw(Salt.RADIUS, account_id, index)
    if draw.chance(0.01) or accented:
        return f"{draw.pick(_ACCENTED)}{draw.between(1, 99)}"
    row = accounts.table.row_of(account_id)
    assert row is not None
    words = [w for w in ascii_slug(account_name(world, accounts, row), "").split(".") if w]
    style = draw.below(10)
    if len(words) < 2 or style < 2:  # the account number, as many ISPs hand them out
        return f"{100000 + account_id}" + (f"-{index + 1}" if index else "")
    first, last = words[0], words[1]
    if accounts.types[row] not in PERSON_TYPES:  # a business: its name, run together
        return f"{first}{last}" + (f"@{REALM}" if style < 5 else str(draw.between(1, 9)))
    if style < 6:
        return f"{first[0]}{last}{draw.between(1, 99)}"
    if style < 8:
        return f"{first}.{last}@{REALM}"
    return f"{last}{first[0]}"


class _Logins:
    """Usernames handed out so far: unique, except the deliberate clashes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.taken, self.order = rng, set[str](), list[str]()
        self.owner: dict[str, int] = {}

    def add(self, wanted: str, account_id: int, record_id: int) -> str:
        """``wanted``, made unique; now and then (and always the 8th) another account's."""
        others = [name for name in self.order[-50:] if self.owner[name] != account_id]
        if others and (self.rng.random() < 0.003 or len(self.order) == 7):
            name = others[int(self.rng.random() * len(others))]  # a clash, on purpose
        else:
            local, at, realm = wanted.partition("@")
            name = wanted if wanted not in self.taken else f"{local}.{record_id}{at}{realm}"
            self.taken.add(name)
            self.owner[name] = account_id
        self.order.append(name)
        return name


def _radius(
    world: World, accounts: AccountFacts, services: DataServices, rng: random.Random
) -> tuple[Columns, list[str], Access]:
    """The RADIUS accounts' columns and usernames; a small dataset still gets a non-ASCII
    username (the 4th) and a clash (the 8th)."""
    cols, ids, access = Columns(), IdSequence(rng), Access()
    owner, logins = cols.column("account_id"), _Logins(rng)
    for account_id, held in services.items():
        draw = world.draw(Salt.RADIUS, account_id)
        if not draw.chance(0.85):
            continue
        count = len(held) if len(held) > 1 and draw.chance(0.8) else 1
        count = 2 if count == 1 and draw.chance(0.02) else count
        for index in range(count):
            record_id = ids.next()
            started = held[min(index, len(held) - 1)][1]
            created = min(started + draw.below(36 * 3600) * SECOND, NOW)
            changed = created + int(draw.unit() * (NOW - created)) if draw.chance(0.2) else created
            cols.ids.append(record_id)
            cols.created.append(created)
            cols.updated.append(changed // SECOND * SECOND)
            owner.append(account_id)
            wanted = _username(world, accounts, account_id, index, len(logins.order) == 3)
            logins.add(wanted, account_id, record_id)
            access.radius.setdefault(account_id, []).append(record_id)
    return cols, logins.order, access


def _password(world: World, record_id: int) -> str | None:
    draw = world.draw(Salt.RADIUS, record_id, -1)
    if draw.chance(0.03):
        return None
    length = draw.between(8, 14)
    text = "".join(draw.pick(_LETTERS) for _ in range(length))
    if draw.chance(0.25):  # a symbol or two, where a router's UI allows them
        text = text[:3] + draw.pick(_SYMBOLS) + text[3:] + draw.pick(_SYMBOLS)
    return text


def _radius_builder(
    world: World, cols: Columns, names: list[str]
) -> Callable[[int], dict[str, Any]]:
    def build(row: int) -> dict[str, Any]:
        record_id = cols.ids[row]
        draw = world.draw(Salt.RADIUS, record_id, -2)
        record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
        record.update(
            account_id=str(cols.extra["account_id"][row]),
            password=_password(world, record_id),
            username=names[row],
        )
        return record

    return build


def _macs(world: World, services: DataServices, rng: random.Random, access: Access) -> Columns:
    cols, ids = Columns(), IdSequence(rng)
    owner = cols.column("account_id")
    for account_id, held in services.items():
        draw = world.draw(Salt.MAC, account_id)
        if not draw.chance(0.4):
            continue
        for _ in range(2 if draw.chance(0.15) else 1):
            record_id = ids.next()
            created = min(held[0][1] + draw.below(30 * 86400) * SECOND, NOW)
            cols.ids.append(record_id)
            cols.created.append(created)
            cols.updated.append(created)
            owner.append(account_id)
            access.macs.setdefault(account_id, []).append(record_id)
    return cols


def mac_address(world: World, record_id: int) -> str:
    """A MAC unique per record: a vendor prefix, then the id scrambled by an odd multiplier
    (a bijection on 24 bits)."""
    suffix = (record_id * 0x9E3779 + 0x5A5A5A) & 0xFFFFFF
    vendor = world.draw(Salt.MAC, record_id, -1).pick(_OUIS)
    return vendor + "".join(f":{b:02X}" for b in suffix.to_bytes(3, "big"))


def _mac_builder(world: World, cols: Columns) -> Callable[[int], dict[str, Any]]:
    def build(row: int) -> dict[str, Any]:
        record_id = cols.ids[row]
        draw = world.draw(Salt.MAC, record_id)
        record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
        record.update(
            account_id=str(cols.extra["account_id"][row]),
            mac_address=mac_address(world, record_id),
        )
        return record

    return build


def access_tables(
    world: World, tables: dict[str, Table], services: DataServices
) -> tuple[dict[str, Table], Access]:
    """``radius_accounts`` and ``uninventoried_mac_addresses``, and who holds which."""
    accounts: AccountFacts = world.facts["accounts"]
    rng = random.Random(f"access-{world.seed}")
    radius, names, access = _radius(world, accounts, services, rng)
    macs = _macs(world, services, rng, access)
    built = {
        "radius_accounts": radius.table(
            "radius_accounts", _radius_builder(world, radius, names), ("account_id",)
        ),
        "uninventoried_mac_addresses": macs.table(
            "uninventoried_mac_addresses", _mac_builder(world, macs), ("account_id",)
        ),
    }
    return built, access
