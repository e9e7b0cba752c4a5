"""Contacts (~1.05 per account) and their phone numbers (~1.15 per contact).

About 2% of accounts have no contact and 7% have several; the first one is
primary. A residential account's primary contact carries the account's name,
awkward spelling included. About 6% of contacts have no e-mail, a few share
a family address, some shout in capitals or use plus-addressing. A handful
of contacts belong to vendors and network sites, not accounts. About 2% of
addresses are ones Sonar took and Splynx would not as they are: accented
letters before the @, an internationalized domain, doubled dots, an underscore
in the domain (never two addresses: Sonar's ``EmailAddress`` is one). Phone numbers
are digits only (Sonar's ``Numeric``), a few without area code or with a
leading country code.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.generate.accounts import PERSON_TYPES, AccountFacts, account_name
from migrator.sim.sonar.generate.common import Columns, IdSequence, Salt, World, common_fields
from migrator.sim.sonar.generate.words import NameStyle, ascii_slug, person_name
from migrator.sim.sonar.instance_time import DAY, NOW, SECOND
from migrator.sim.sonar.table import CodeColumn, IntColumn, Table

__all__ = ["generate_contacts", "generate_phone_numbers"]

CONTACTABLE = ("Account", "NetworkSite", "Vendor")
_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
_ROLES = ("Billing", "Spouse", "Tenant", "Office manager", "IT contact")


def _later(rng: Any, start: int, limit_days: float) -> int:
    moment = start + int(rng.random() * limit_days * DAY)
    return min(moment, NOW) // SECOND * SECOND


def generate_contacts(world: World, accounts: AccountFacts) -> Table:
    rng, ids, cols = world.rng, IdSequence(world.rng), Columns()
    owner, kind, ordinal = (
        cols.column("owner"),
        cols.column("kind", "b"),
        cols.column("ordinal", "b"),
    )

    def add(owner_id: int, owner_kind: int, index: int, created: int) -> None:
        cols.ids.append(ids.next())
        cols.created.append(created)
        cols.updated.append(_later(rng, created, 400) if rng.random() < 0.3 else created)
        owner.append(owner_id)
        kind.append(owner_kind)
        ordinal.append(index)

    for row, account_id in enumerate(accounts.table.ids):
        roll = rng.random()
        count = 0 if roll < 0.02 else 1 if roll < 0.93 else 2 if roll < 0.98 else 3
        for index in range(count):
            add(account_id, 0, index, _later(rng, accounts.created[row], 30 * index))
        if row % 500 == 499:  # a vendor's or a tower site's contact now and then
            add(1 + row // 500, 1 + row // 500 % 2, 0, _later(rng, accounts.created[row], 1))
    table = cols.table("contacts", lambda row: _contact(world, accounts, cols, row))
    table.columns["contactable_id"] = IntColumn(owner)
    table.columns["contactable_type"] = CodeColumn(kind, CONTACTABLE)
    return table


def _email(draw: Any, name: str, contact_id: int) -> str | None:
    if draw.chance(0.06):
        return None
    local = ascii_slug(name, f"customer{contact_id}")
    if draw.chance(0.01):
        local = f"family{contact_id % 40}"  # one address shared by several accounts
    elif draw.chance(0.03):
        local = f"{local}+billing"
    email = f"{local}@{draw.pick(_DOMAINS)}"
    return email.upper() if draw.chance(0.03) else email


def _messy(draw: Any, email: str | None) -> str | None:
    """About 2% of addresses in a form Sonar took and Splynx refuses as it is."""
    if email is None or not draw.chance(0.02):
        return email
    local, _, domain = email.partition("@")
    return draw.pick(
        (
            f"{local[:1]}é{local[1:]}@{domain}",  # accented local part: dropped
            f"{local}@bücher.example",  # an IDN domain: written as punycode
            f"{local.replace('.', '..') if '.' in local else local + '..x'}@{domain}",
            f"{local}@mail_{domain}",  # an underscore in the domain
        )
    )


def _contact(world: World, accounts: AccountFacts, cols: Columns, row: int) -> dict[str, Any]:
    contact_id = cols.ids[row]
    draw = world.draw(Salt.CONTACT, contact_id)
    owner_id = cols.extra["owner"][row]
    owner_kind = CONTACTABLE[cols.extra["kind"][row]]
    primary = cols.extra["ordinal"][row] == 0
    name = person_name(draw)
    if owner_kind == "Account" and primary:
        account_row = accounts.table.row_of(owner_id)
        assert account_row is not None
        person = accounts.types[account_row] in PERSON_TYPES
        if person or accounts.styles[account_row] != NameStyle.PLAIN:
            name = account_name(world, accounts, account_row)
    record = common_fields(draw, contact_id, cols.created[row], cols.updated[row])
    record.update(
        contactable_id=str(owner_id),
        contactable_type=owner_kind,
        email_address=_email(draw, name, contact_id),
        language=None if draw.chance(0.02) else "fr" if draw.chance(0.03) else "en",
        marketing_opt_in=None if draw.chance(0.2) else draw.chance(0.4),
        name=name,
        primary=primary,
        role=None if primary else draw.pick(_ROLES),
        username=f"{ascii_slug(name, 'user')}{contact_id}" if draw.chance(0.3) else None,
    )
    record["email_address"] = _messy(draw, record["email_address"])  # drawn last
    return record


def generate_phone_numbers(world: World, contacts: Table) -> Table:
    rng, ids, cols = world.rng, IdSequence(world.rng), Columns()
    contact_ids = cols.column("contact_id")
    for row, contact_id in enumerate(contacts.ids):
        roll = rng.random()
        count = 0 if roll < 0.08 else 1 if roll < 0.80 else 2 if roll < 0.97 else 3
        created = contacts.columns["created_at"][row]
        for _ in range(count):
            cols.ids.append(ids.next())
            cols.created.append(created)
            cols.updated.append(_later(rng, created, 700) if rng.random() < 0.2 else created)
            contact_ids.append(contact_id)
    return cols.table("phone_numbers", lambda row: _phone(world, cols, row), ("contact_id",))


def _phone(world: World, cols: Columns, row: int) -> dict[str, Any]:
    phone_id = cols.ids[row]
    draw = world.draw(Salt.PHONE, phone_id)
    area, line = draw.pick(("512", "737", "830", "254", "580")), draw.between(2000000, 9999999)
    digits = f"{area}{line}"
    formatted: str | None = f"({area}) {str(line)[:3]}-{str(line)[3:]}"
    if draw.chance(0.02):
        digits, formatted = str(line), None  # no area code
    elif draw.chance(0.02):
        digits = "1" + digits
    record = common_fields(draw, phone_id, cols.created[row], cols.updated[row])
    record.update(
        contact_id=str(cols.extra["contact_id"][row]),
        country="CA" if draw.chance(0.01) else "US",
        extension=str(draw.between(100, 999)) if draw.chance(0.03) else None,
        number=digits,
        number_formatted=None if draw.chance(0.1) else formatted,
        phone_number_type_id=str(draw.between(1, 4)),
        sms_opt_in=draw.chance(0.3),
    )
    return record
