"""What a few days do to existing accounts: renames, status moves, archiving, a contact's new
e-mail, a service added or changed, a note.

Each step takes one account (a row of ``accounts``) and answers whether it
applied: an account without what the step needs (a contact, a service) is
left for another step. Only ``update_account`` and ``archive_account`` touch
the account itself; the others change or add a child and leave the account's
``updated_at`` and ``_version`` alone, as Sonar does (a contact is an entity
of its own).

Statuses are found by the names the generator gives them (``reference.STATUSES``);
for data that names them otherwise (a fixture) any other status serves.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.change_batch import Batch, Record
from migrator.sim.sonar.generate.words import LAST_NAMES, ascii_slug, business_name, person_name
from migrator.sim.sonar.instance_time import local_date

__all__ = [
    "add_service",
    "archive_account",
    "change_contact",
    "change_service",
    "is_person",
    "new_name",
    "note_account",
    "status_named",
    "update_account",
]

# Where a live account's status goes in a few days, the disconnecting kind first.
_DISCONNECTING = ("Disconnected - NonPay", "Inactive", "Suspended")
_MOVES = (*_DISCONNECTING, "Hold", "Active", "Active", "Delinquent", "Seasonal", "Collections")
_GONE = ("Cancelled", "Cancelled", "Moved", "Disconnected - NonPay")  # as archived ones have
_DELINQUENT = frozenset({"Delinquent", "Collections"})
_ARCHIVABLE = frozenset({"Cancelled", "Moved", "Disconnected - NonPay", "Inactive"})
_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
_NOTES = (
    "Customer called to update billing contact details.",
    "Scheduled install for next week; customer asked for a morning slot.",
    "Speed complaint: rebooted CPE remotely, customer confirmed it is fine now.",
    "Customer is moving at the end of the month; asked about service at the new address.",
    "Promised a callback from billing about the last invoice.",
    "Autopay card expired — sent the customer a reminder e-mail 📧",
)


def status_named(batch: Batch, names: tuple[str, ...], current: str | None = None) -> str | None:
    """The id of a status named one of ``names`` (drawn), else of any status but
    ``current``; ``None`` when there is no other."""
    statuses = batch.records("account_statuses")
    named = [s["id"] for name in names for s in statuses if s["name"] == name]
    named = [status for status in named if status != current]
    others = named or [s["id"] for s in statuses if s["id"] != current]
    return batch.rng.choice(others) if others else None


def _status_fields(batch: Batch, account: Record, status: str) -> dict[str, Any]:
    """The account's status and what follows from it (delinquency, archive eligibility)."""
    name = next(s["name"] for s in batch.records("account_statuses") if s["id"] == status)
    fields: dict[str, Any] = {"account_status_id": status, "is_delinquent": name in _DELINQUENT}
    if account["is_eligible_for_archive"] is not None:
        fields["is_eligible_for_archive"] = name in _ARCHIVABLE
    return fields


def is_person(batch: Batch, account: Record) -> bool:
    """Whether the account's type is a person's (residential or senior), not a business's."""
    kinds = {t["id"]: t["type"] for t in batch.records("account_types")}
    return kinds.get(account["account_type_id"]) in ("RESIDENTIAL", "SENIOR_CITIZEN")


def new_name(batch: Batch, person: bool, old: str | None = None) -> str:
    """A name unlike ``old``: a person keeping the first name takes a new last name (a
    marriage), any other gets a whole new one (a business sold or renamed)."""
    draw = batch.draw()
    first = old.split()[0] if person and old and " " in old.strip() else None
    for _ in range(8):
        if first is not None:
            name = f"{first} {draw.pick(LAST_NAMES)}"
        else:
            name = person_name(draw) if person else business_name(draw)
        if name != old:
            return name
    return f"{name} II"


def update_account(batch: Batch, row: int, move: int | None) -> bool:
    """A new name and, when ``move`` is given, a new status: from the disconnecting kind
    for ``move == 0``, drawn from the usual moves otherwise."""
    account = batch.table("accounts").record(row)
    changes: dict[str, Any] = {"name": new_name(batch, is_person(batch, account), account["name"])}
    if move is not None:
        wanted = _DISCONNECTING if move == 0 else _MOVES
        status = status_named(batch, wanted, account["account_status_id"])
        if status is not None:
            changes.update(_status_fields(batch, account, status))
    batch.update("accounts", account, **changes)
    return True


def archive_account(batch: Batch, row: int) -> bool:
    """Archived as the generator's archived accounts are: gone status, who archived it, no
    next bill. ASSUMPTION: its services, logins and IPs stay (no hard deletes: Sonar
    removes them only when someone does, and a delta by ``updated_at`` could not see it)."""
    account = batch.table("accounts").record(row)
    status = status_named(batch, _GONE, account["account_status_id"])
    changes = _status_fields(batch, account, status) if status is not None else {}
    changes.update(
        archived_at=batch.stamp,
        archived_by_user_id=batch.staff(),
        data_usage_percentage=None,
        next_bill_date=None,
        next_recurring_charge_amount=None,
    )
    if account["is_eligible_for_archive"] is not None:
        changes["is_eligible_for_archive"] = True
    batch.update("accounts", account, archived=True, **changes)
    return True


def _account_id(batch: Batch, row: int) -> int:
    return batch.table("accounts").ids[row]


def change_contact(batch: Batch, row: int) -> bool:
    """One of the account's contacts gets a new e-mail address (the account is not bumped)."""
    owner = ("contactable_type", "Account")
    contacts = list(batch.children("contacts", "contactable_id", _account_id(batch, row), owner))
    if not contacts:
        return False
    contact = batch.rng.choice(contacts)
    old = contact["email_address"]
    domains = [d for d in _DOMAINS if not (old or "").lower().endswith("@" + d)]
    local = ascii_slug(contact["name"] or "", f"customer{contact['id']}")
    email = f"{local}@{batch.rng.choice(domains)}"
    batch.update("contacts", contact, email_address=email)
    return True


def _services(batch: Batch) -> dict[str, Record]:
    return {s["id"]: s for s in batch.records("services")}


def add_service(batch: Batch, row: int) -> bool:
    """A recurring add-on (a router rental, a static IP...) ordered today, at list price."""
    account_id = _account_id(batch, row)
    held = {s["service_id"] for s in batch.children("account_services", "account_id", account_id)}
    offered = [
        s["id"]
        for s in _services(batch).values()
        if s["type"] == "RECURRING" and s["application"] == "DEBIT" and s["enabled"]
    ]
    choices = [service for service in offered if service not in held] or offered
    if not choices:
        return False
    values = dict.fromkeys(
        ("data_usage_last_calculated_date", "name_override", "next_bill_date",
         "number_of_times_billed", "package_id", "price_override", "price_override_reason",
         "unique_package_relationship_id"),
    )  # fmt: skip
    values.update(
        account_id=str(account_id),
        addition_prorate_date=local_date(batch.at).isoformat(),
        quantity=1,
        service_id=batch.rng.choice(choices),
    )
    batch.create("account_services", values)
    return True


def change_service(batch: Batch, row: int) -> bool:
    """One of the account's services changes: one more of a recurring add-on, or a price
    override given (a retention offer) or ended (the account is not bumped)."""
    held = list(batch.children("account_services", "account_id", _account_id(batch, row)))
    if not held:
        return False
    service = batch.rng.choice(held)
    plan = _services(batch).get(service["service_id"])
    if plan is None:
        return False
    if plan["type"] == "RECURRING" and plan["application"] == "DEBIT":
        batch.update("account_services", service, quantity=service["quantity"] + 1)
    elif service["price_override"] is not None:
        batch.update("account_services", service, price_override=None, price_override_reason=None)
    elif plan["amount"] > 1000:
        offer = {
            "price_override": plan["amount"] - 1000,
            "price_override_reason": "Retention offer",
        }
        batch.update("account_services", service, **offer)
    else:
        return False
    return True


def note_account(batch: Batch, row: int) -> bool:
    """A staff note on the account (the account is not bumped)."""
    draw = batch.draw()
    batch.create(
        "notes",
        {
            "message": draw.pick(_NOTES),
            "noteable_id": str(_account_id(batch, row)),
            "noteable_type": "Account",
            "priority": "NORMAL" if draw.chance(0.9) else "STICKY",
            "user_id": batch.staff(),
        },
    )
    return True
