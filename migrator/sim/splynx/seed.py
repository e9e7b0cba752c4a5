"""The rows a freshly installed Splynx already has, so the simulator starts like one.

From the live instance (reference §7-§9, ``splynx_tables.json`` samples):
partner 1 and location 1 "Main"; administrator 1 "admin" (super-administrator);
the base roles; payment methods 1 Cash, 2 Bank transfer, 3 Credit card,
5 Other, 6 Refill card (4 absent there too); transaction categories 1-5;
ticket types Question, Incident, Problem. Our own choice (the reference names
no more than counts): the other ticket types (7 in all), the 5 ticket statuses
and the 3 ticket groups.

Seeding happens only into an empty store (a fresh database), never on top of
existing data.
"""

from __future__ import annotations

import logging
from typing import Any

from migrator.sim.splynx.query import Query
from migrator.sim.splynx.store import Store

__all__ = ["SEED_ROWS", "seed_store"]

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
}


async def seed_store(store: Store) -> bool:
    """Insert the fresh-install rows if the store holds no partner yet; True if it did."""
    async with store.session(write=True) as session:
        if await session.count("partners", Query()):
            return False
        for table, rows in SEED_ROWS.items():
            for row in rows:
                await session.insert(table, dict(row))
    log.info("seeded a fresh Splynx: partner, location, admin, payment methods, ticket setup")
    return True
