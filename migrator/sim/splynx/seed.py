"""The rows a freshly installed Splynx already has, so the simulator starts like one.

From the live instance (reference §7-§9, ``splynx_tables.json`` samples):
partner 1 and location 1 "Main"; administrator 1 "admin" (super-administrator);
the base roles; payment methods 1 Cash, 2 Bank transfer, 3 Credit card,
5 Other, 6 Refill card (4 absent there too); transaction categories 1-5;
ticket types Question, Incident, Problem. Our own choice (the reference names
no more than counts): the other ticket types (7 in all), the 5 ticket statuses,
the 3 ticket groups, and one IP network category and one IP host category, id 1
"Default" (the blueprint's examples name category 1, L6736 and L6760).

Logins (blueprint L553-L566: ``admin`` and ``customer`` logins need a login
and a password): administrator 1 gets the configured password
(``--admin-password``), so ``auth_type=admin`` works on a fresh simulator. A
portal customer (login and password, ``--portal-customer``) is seeded only when
asked: a fresh Splynx holds no customers, and ``migrator check`` rightly
counts any as data already there.

Seeding happens only into an empty store (a fresh database), never on top of
existing data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from migrator.sim.splynx.passwords import hashed
from migrator.sim.splynx.query import Query
from migrator.sim.splynx.store import Store

__all__ = ["SEED_ROWS", "SeedLogins", "seed_store"]

log = logging.getLogger(__name__)

_ROLES = (
    ("administrator", "Administrator"),
    ("customer-creator", "Customer creator"),
    ("engineer", "Engineer"),
    ("financial-manager", "Financial manager"),
    ("manager", "Manager"),
    ("super-administrator", "Super administrator"),
)
_PAYMENT_METHODS = (
    (1, "Cash", ("Payer",)),
    (2, "Bank transfer", ("Account", "Transaction ID")),
    (3, "Credit card", ("Number", "Transaction ID")),
    (5, "Other", ()),
    (6, "Refill card", ("Card",)),
)
_STATUSES = (
    ("New", "New", "primary", "open,unresolved"),
    ("Work in progress", "In progress", "warning", "open,unresolved"),
    ("Resolved", "Resolved", "success", "closed"),
    ("Waiting on customer", "Waiting on you", "info", "open"),
    ("Waiting on agent", "In progress", "danger", "open,unresolved"),
)
_TICKET_TYPES = ("Question", "Incident", "Problem", "Feature request", "Lead", "Task", "Other")
_TICKET_GROUPS = ("Support", "Billing", "Sales")


def _payment_method(ident: int, name: str, labels: tuple[str, ...]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": ident, "name": name, "is_active": "1"}
    row.update({f"name_{n}": label for n, label in enumerate(labels, 1)})
    return row


SEED_ROWS: dict[str, list[dict[str, Any]]] = {
    "partners": [{"id": 1, "name": "Main"}],
    "locations": [{"id": 1, "name": "Main"}],
    "roles": [{"name": name, "title": title, "is_base": "1"} for name, title in _ROLES],
    "admins": [
        {
            "id": 1,
            "partner_id": 0,
            "role_name": "super-administrator",
            "login": "admin",
            "name": "Main Admin",
            "email": "admin1@splynx.com",
            "password": "",
        }
    ],
    "payments_types": [_payment_method(*method) for method in _PAYMENT_METHODS],
    "billing_transactions_categories": [
        {"id": n, "name": name, "is_base": "1"}
        for n, name in enumerate(("Service", "Discount", "Payment", "Refund", "Correction"), 1)
    ],
    "ticket_statuses": [
        {"id": n, "title_for_agent": a, "title_for_customer": c, "label": label, "mark": mark}
        for n, (a, c, label, mark) in enumerate(_STATUSES, 1)
    ],
    "ticket_groups": [{"id": n, "title": title} for n, title in enumerate(_TICKET_GROUPS, 1)],
    "ticket_agent_to_group": [{"group_id": 1, "admin_id": 1}],
    "ticket_types": [{"id": n, "title": title} for n, title in enumerate(_TICKET_TYPES, 1)],
    "ip_network_categories": [{"id": 1, "title": "Default"}],
    "ip_host_categories": [{"id": 1, "title": "Default"}],
}


@dataclass(frozen=True)
class SeedLogins:
    """Who can log in on a fresh simulator: the administrator, and a portal customer if any."""

    admin_password: str
    portal_customer: tuple[str, str] | None = None  # (login, password)
    today: str = "0000-00-00"  # the portal customer's date_add


def _login_rows(logins: SeedLogins) -> dict[str, list[dict[str, Any]]]:
    admin = {**SEED_ROWS["admins"][0], "password": hashed(logins.admin_password)}
    rows: dict[str, list[dict[str, Any]]] = {"admins": [admin]}
    if logins.portal_customer is not None:
        login, password = logins.portal_customer
        rows["customers"] = [
            {"id": 1, "login": login, "password": password, "name": "Portal Customer",
             "status": "active", "category": "person", "partner_id": 1, "location_id": 1,
             "billing_type": "recurring", "added_by": "admin", "added_by_id": 1,
             "date_add": logins.today}
        ]  # fmt: skip
        rows["customer_info"] = [{"customer_id": 1}]
        rows["customer_billing"] = [{"customer_id": 1}]
        rows["customer_cap"] = [{"customer_id": 1}]
    return rows


async def seed_store(store: Store, logins: SeedLogins) -> bool:
    """Insert the fresh-install rows if the store holds no partner yet; True if it did."""
    tables = {**SEED_ROWS, **_login_rows(logins)}
    async with store.session(write=True) as session:
        if await session.count("partners", Query()):
            return False
        for table, rows in tables.items():
            for row in rows:
                await session.insert(table, dict(row))
    log.info("seeded a fresh Splynx: partner, location, admin, payment methods, ticket setup")
    return True
