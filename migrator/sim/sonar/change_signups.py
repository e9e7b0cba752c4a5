"""New accounts (sign-ups): an existing account's shape, with new ids, names and addresses.

A sign-up copies a *template*, a live account with a contact and a service,
and everything of it a migrator reads nested (``migrator.sonar.relations``:
contacts and their phone numbers, the account's own addresses, services,
custom field values, billing parameters, tax exemptions, RADIUS logins, MAC
bindings and IPs). What must be its own is made anew: names, e-mail
addresses, phone digits, the street line, usernames and passwords, MACs
(unique) and IP blocks (free ones, see ``change_ips``). It signed up today:
pending install or already active, no ledger yet (the first invoice comes
with the next billing run), no equipment (installed later), and a custom
field marked unique (a legacy account number) left unset, as a new customer
has none.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.change_batch import Batch, Record
from migrator.sim.sonar.change_edits import is_person, new_name
from migrator.sim.sonar.change_ips import fresh_block
from migrator.sim.sonar.generate.words import STREETS, ascii_slug, person_name
from migrator.sim.sonar.instance_time import local_date

__all__ = ["sign_up"]

_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A router vendor's prefix the generated MACs never use (they use five others). ASSUMPTION:
# a fixture's MACs do not use it either (they are not checked, as usernames are not).
_OUI = "3C:84:6A"
Owner = tuple[str, int]  # (owner type, owner id) of an IP assignment


def sign_up(batch: Batch, template_row: int) -> bool:
    """A new account shaped like the one at ``template_row`` (``False`` if that one has no
    contact or no service to copy)."""
    template = batch.table("accounts").record(template_row)
    old = int(template["id"])
    contacts = list(
        batch.children("contacts", "contactable_id", old, ("contactable_type", "Account"))
    )
    services = list(batch.children("account_services", "account_id", old))
    if not contacts or not services:
        return False
    account = _account(batch, template)
    new = int(account["id"])
    _contacts(batch, template, account, contacts)
    _addresses(batch, old, new)
    for service in services:
        batch.create("account_services", _service(batch, service, new))
    _custom_fields(batch, old, new)
    for query in ("account_billing_parameters", "tax_exemptions"):
        for record in list(batch.children(query, "account_id", old)):
            batch.create(query, {**record, "account_id": str(new)})
    owners: dict[Owner, Owner] = {("Account", old): ("Account", new)}
    owners.update(_logins(batch, account, old))
    owners.update(_macs(batch, old, new))
    _ips(batch, owners)
    return True


def _status(batch: Batch, name: str, fallback: str) -> str:
    found = [s["id"] for s in batch.records("account_statuses") if s["name"] == name]
    return found[0] if found else fallback


def _next_month(batch: Batch) -> str:
    today = local_date(batch.at)
    year, month = today.year + today.month // 12, today.month % 12 + 1
    return f"{year:04d}-{month:02d}-01"


def _account(batch: Batch, template: Record) -> Record:
    """Pending install (most) or installed already (active since today)."""
    pending = batch.rng.random() < 0.6
    status = _status(
        batch, "Pending Install" if pending else "Active", template["account_status_id"]
    )
    eligible = template["is_eligible_for_archive"]
    values = {
        **template,
        "account_status_id": status,
        "activation_date": None if pending else local_date(batch.at).isoformat(),
        "activation_time": None if pending else batch.stamp[11:16] + ":00",
        "archived_at": None,
        "archived_by_user_id": None,
        "data_usage_percentage": None if pending else 0,
        "is_delinquent": False,
        "is_eligible_for_archive": None if eligible is None else False,
        "name": new_name(batch, is_person(batch, template)),
        "next_bill_date": _next_month(batch),
        "parent_account_id": None,
    }
    return batch.create("accounts", values)


def _digits(batch: Batch, number: str) -> str:
    """The same area code (and country prefix), a new line number."""
    line = str(batch.rng.randint(2_000_000, 9_999_999))
    return number[:-7] + line if len(number) >= 7 else line


def _formatted(number: str) -> str:
    local = number[-10:]
    return f"({local[:3]}) {local[3:6]}-{local[6:]}" if len(local) == 10 else number


def _contacts(batch: Batch, template: Record, account: Record, contacts: list[Record]) -> None:
    """Each contact anew: the account's name where the template's carried its account's."""
    for contact in contacts:
        contact_id = batch.next_id("contacts")
        same = contact["primary"] and contact["name"] == template["name"]
        name = account["name"] if same else person_name(batch.draw())
        local = ascii_slug(name, f"customer{contact_id}")
        email = f"{local}@{batch.rng.choice(_DOMAINS)}" if contact["email_address"] else None
        username = f"{ascii_slug(name, 'user')}{contact_id}" if contact["username"] else None
        phones = list(batch.children("phone_numbers", "contact_id", int(contact["id"])))
        values = {**contact, "contactable_id": account["id"], "email_address": email}
        batch.create("contacts", {**values, "name": name, "username": username})
        for phone in phones:
            number = _digits(batch, phone["number"])
            shown = None if phone["number_formatted"] is None else _formatted(number)
            fields = {"contact_id": str(contact_id), "number": number, "number_formatted": shown}
            batch.create("phone_numbers", {**phone, **fields})


def _addresses(batch: Batch, old: int, new: int) -> None:
    """The account's own addresses at a new house number and street (same town)."""
    street = f"{batch.rng.randint(100, 29999)} {batch.rng.choice(STREETS)}"
    owner = ("addressable_type", "Account")
    for address in list(batch.children("addresses", "addressable_id", old, owner)):
        box = (address["line1"] or "").startswith("PO Box")
        line1 = f"PO Box {batch.rng.randint(1, 9999)}" if box else street
        values = {"addressable_id": str(new), "line1": line1, "line2": None}
        batch.create("addresses", {**address, **values})


def _service(batch: Batch, service: Record, new: int) -> dict[str, Any]:
    """The same service and quantity at list price, added today."""
    prorated = service["addition_prorate_date"]
    return {
        **service,
        "account_id": str(new),
        "addition_prorate_date": None if prorated is None else local_date(batch.at).isoformat(),
        "data_usage_last_calculated_date": None,
        "name_override": None,
        "next_bill_date": None,
        "number_of_times_billed": None,
        "price_override": None,
        "price_override_reason": None,
    }


def _custom_fields(batch: Batch, old: int, new: int) -> None:
    unique = {f["id"] for f in batch.records("custom_fields") if f["unique"]}
    owner = ("customfielddataable_type", "Account")
    for value in list(batch.children("custom_field_data", "customfielddataable_id", old, owner)):
        if value["custom_field_id"] not in unique:
            batch.create("custom_field_data", {**value, "customfielddataable_id": str(new)})


def _username(account: Record, record_id: int, index: int) -> str:
    """``jsmith.153`` from a person's or business's name, else the account number.

    Unique without looking: the generator's usernames have no dot (but ``x.<id>`` with
    an id of its own, below this one) or an ``@``; account numbers are ``100000 + id``
    of an account that did not exist. ASSUMPTION: a fixture's usernames clash with
    neither scheme (they are not checked: that would read every login per batch)."""
    words = [w for w in ascii_slug(account["name"], "").split(".") if w]
    if len(words) >= 2:
        return f"{words[0][0]}{words[1]}.{record_id}"
    number = str(100000 + int(account["id"]))
    return f"{number}-{index + 1}" if index else number


def _logins(batch: Batch, account: Record, old: int) -> dict[Owner, Owner]:
    moved = {}
    for index, login in enumerate(list(batch.children("radius_accounts", "account_id", old))):
        record_id = batch.next_id("radius_accounts")
        password = "".join(batch.rng.choice(_LETTERS) for _ in range(batch.rng.randint(10, 14)))
        batch.create(
            "radius_accounts",
            {
                **login,
                "account_id": account["id"],
                "password": None if login["password"] is None else password,
                "username": _username(account, record_id, index),
            },
        )
        moved[("RadiusAccount", int(login["id"]))] = ("RadiusAccount", record_id)
    return moved


def _mac(record_id: int) -> str:
    """A vendor prefix the generator never uses, then the id scrambled by an odd multiplier
    (a bijection on 24 bits, as the generator's): unique for ids below 2**24."""
    suffix = (record_id * 0x9E3779 + 0x5A5A5A) & 0xFFFFFF
    return _OUI + "".join(f":{b:02X}" for b in suffix.to_bytes(3, "big"))


def _macs(batch: Batch, old: int, new: int) -> dict[Owner, Owner]:
    moved = {}
    for binding in list(batch.children("uninventoried_mac_addresses", "account_id", old)):
        record_id = batch.next_id("uninventoried_mac_addresses")
        values = {"account_id": str(new), "mac_address": _mac(record_id)}
        batch.create("uninventoried_mac_addresses", {**binding, **values})
        moved[("UninventoriedMacAddress", int(binding["id"]))] = (
            "UninventoriedMacAddress",
            record_id,
        )
    return moved


def _ips(batch: Batch, owners: dict[Owner, Owner]) -> None:
    """The template's IPs on the account, its logins and MACs, each at a free block."""
    for (kind, old), (_, new) in owners.items():
        held = batch.children("ip_assignments", "ipassignmentable_id", old)
        for ip in [ip for ip in held if ip["ipassignmentable_type"] == kind]:
            block = fresh_block(batch, ip)
            if block is None:
                continue
            values = {"ipassignmentable_id": str(new), "reference": None, "subnet": block}
            batch.create("ip_assignments", {**ip, **values})
