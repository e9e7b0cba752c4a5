"""What Splynx should hold after a migration, computed from the Sonar simulator's own data.

The joins here are written independently of the extraction client: they read
the simulator's dataset table by table and assemble each account's relations
by their foreign keys, so a relation the client fails to read shows up as a
difference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from migrator.sonar.models import AccountWithRelations

__all__ = ["nested_accounts"]


def _by(records: list[dict[str, Any]], key: str, kind_key: str | None = None) -> dict[str, list]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if kind_key is None or record.get(kind_key) == "Account":
            grouped[str(record[key])].append(record)
    return grouped


def nested_accounts(dataset: Any) -> list[AccountWithRelations]:
    """Every account with its contacts (and their phones), addresses, services, IPs, notes."""
    phones = _by(list(dataset.records("phone_numbers")), "contact_id")
    contacts = _by(list(dataset.records("contacts")), "contactable_id", "contactable_type")
    addresses = _by(list(dataset.records("addresses")), "addressable_id", "addressable_type")
    custom = _by(
        list(dataset.records("custom_field_data")),
        "customfielddataable_id",
        "customfielddataable_type",
    )
    held = _by(list(dataset.records("account_services")), "account_id")
    ips = _by(
        list(dataset.records("ip_assignments")), "ipassignmentable_id", "ipassignmentable_type"
    )
    notes = _by(list(dataset.records("notes")), "noteable_id", "noteable_type")
    accounts = []
    for account in dataset.records("accounts"):
        key = str(account["id"])
        accounts.append(
            AccountWithRelations.model_validate(
                {
                    **account,
                    "contacts": [
                        {**c, "phone_numbers": phones.get(str(c["id"]), [])}
                        for c in contacts.get(key, [])
                    ],
                    "addresses": addresses.get(key, []),
                    "custom_field_data": custom.get(key, []),
                    "account_services": held.get(key, []),
                    "ip_assignments": ips.get(key, []),
                    "notes": notes.get(key, []),
                }
            )
        )
    return accounts
