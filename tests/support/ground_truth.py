"""What Splynx should hold after a migration, computed from the Sonar simulator's own data.

The joins here are written independently of the extraction client: they read
the simulator's dataset table by table and assemble each account's relations
by their foreign keys, so a relation the client fails to read shows up as a
difference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from migrator.sonar.models import AccountWithFinance, AccountWithRelations

__all__ = ["account_finance", "account_ip_assignments", "nested_accounts"]


def _by(
    records: list[dict[str, Any]], key: str, kind_key: str | None = None, kind: str = "Account"
) -> dict[str, list]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if kind_key is None or record.get(kind_key) == kind:
            grouped[str(record[key])].append(record)
    return grouped


def _with_ips(records: list[dict[str, Any]], ips: dict[str, list]) -> dict[str, list]:
    """``records`` by account, each with the IP assignments ``ips`` holds for its id."""
    return _by([{**r, "ip_assignments": ips.get(str(r["id"]), [])} for r in records], "account_id")


def account_ip_assignments(dataset: Any) -> list[tuple[int, str]]:
    """``(account id, subnet)`` of every IP associated with an account, by assignment id: on
    the account, its RADIUS accounts, its MACs, or equipment delivering its services."""
    accounts = {record["id"] for record in dataset.records("accounts")}
    owners = {("Account", a): a for a in accounts}
    for query, kind in (("radius_accounts", "RadiusAccount"),
                        ("uninventoried_mac_addresses", "UninventoriedMacAddress")):  # fmt: skip
        owners.update(((kind, r["id"]), r["account_id"]) for r in dataset.records(query))
    held = {s["id"]: s["account_id"] for s in dataset.records("account_services")}
    for item in dataset.records("inventory_items"):
        if item["account_service_id"] in held:
            owners[("InventoryItem", item["id"])] = held[item["account_service_id"]]
    found = []
    for ip in dataset.records("ip_assignments"):
        account = owners.get((ip["ipassignmentable_type"], ip["ipassignmentable_id"]))
        if account in accounts:
            found.append((int(account), ip["subnet"]))
    return found


def nested_accounts(dataset: Any) -> list[AccountWithRelations]:
    """Every account with its contacts (and their phones), addresses, services, IPs, notes,
    RADIUS accounts and MACs (each with its IPs)."""
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
    all_ips = list(dataset.records("ip_assignments"))
    radius = _with_ips(
        list(dataset.records("radius_accounts")),
        _by(all_ips, "ipassignmentable_id", "ipassignmentable_type", "RadiusAccount"),
    )
    macs = _with_ips(
        list(dataset.records("uninventoried_mac_addresses")),
        _by(all_ips, "ipassignmentable_id", "ipassignmentable_type", "UninventoriedMacAddress"),
    )
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
                    "radius_accounts": radius.get(key, []),
                    "uninventoried_mac_addresses": macs.get(key, []),
                    "notes": notes.get(key, []),
                }
            )
        )
    return accounts


def account_finance(dataset: Any) -> list[AccountWithFinance]:
    """Every account with its invoices, debits, credits and payments, from the flat tables
    (each in id order, as the tables keep them)."""
    ledger = {
        query: _by(list(dataset.records(query)), "account_id")
        for query in ("invoices", "debits", "credits", "payments")
    }
    return [
        AccountWithFinance.model_validate(
            {**account, **{q: rows.get(str(account["id"]), []) for q, rows in ledger.items()}}
        )
        for account in dataset.records("accounts")
    ]
