"""Which fields point at which served entity, and finding the ones that point nowhere.

A foreign key here is a field holding the id of a record of another list
query the simulator serves (``contacts.contactable_id`` → ``accounts`` when
``contactable_type`` is ``Account``). References to entities the simulator
does not serve (credit cards, vendors, roles) are not checked.

The generator must never break one (its tests say so); a fixture may, and
is then served as it is, with a warning: an orphan is exactly the kind of
record a migration must cope with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from migrator.sim.sonar.table import Dataset

__all__ = ["FOREIGN_KEYS", "BrokenReference", "ForeignKey", "broken_references"]


@dataclass(frozen=True)
class ForeignKey:
    """``query.field`` names a record of ``target`` (when ``owner_field`` equals ``owner_type``)."""

    query: str
    field: str
    target: str
    owner_field: str | None = None
    owner_type: str | None = None


def _users(*queries: str) -> list[ForeignKey]:
    return [ForeignKey(query, "user_id", "users") for query in queries]


FOREIGN_KEYS: tuple[ForeignKey, ...] = (
    ForeignKey("accounts", "parent_account_id", "accounts"),
    ForeignKey("accounts", "account_status_id", "account_statuses"),
    ForeignKey("accounts", "account_type_id", "account_types"),
    ForeignKey("accounts", "company_id", "companies"),
    ForeignKey("accounts", "archived_by_user_id", "users"),
    ForeignKey("contacts", "contactable_id", "accounts", "contactable_type", "Account"),
    ForeignKey("phone_numbers", "contact_id", "contacts"),
    ForeignKey("addresses", "addressable_id", "accounts", "addressable_type", "Account"),
    ForeignKey("addresses", "addressable_id", "companies", "addressable_type", "Company"),
    ForeignKey("custom_field_data", "custom_field_id", "custom_fields"),
    ForeignKey(
        "custom_field_data",
        "customfielddataable_id",
        "accounts",
        "customfielddataable_type",
        "Account",
    ),
    ForeignKey("data_service_details", "service_id", "services"),
    ForeignKey("account_services", "account_id", "accounts"),
    ForeignKey("account_services", "service_id", "services"),
    ForeignKey(
        "ip_assignments", "ipassignmentable_id", "accounts", "ipassignmentable_type", "Account"
    ),
    ForeignKey("notes", "noteable_id", "accounts", "noteable_type", "Account"),
    ForeignKey("notes", "noteable_id", "contacts", "noteable_type", "Contact"),
    ForeignKey("invoices", "account_id", "accounts"),
    ForeignKey("debits", "account_id", "accounts"),
    ForeignKey("debits", "invoice_id", "invoices"),
    ForeignKey("debits", "service_id", "services"),
    ForeignKey("credits", "account_id", "accounts"),
    ForeignKey("credits", "invoice_id", "invoices"),
    ForeignKey("credits", "creditable_id", "payments", "creditable_type", "Payment"),
    ForeignKey("payments", "account_id", "accounts"),
    ForeignKey("tickets", "ticketable_id", "accounts", "ticketable_type", "Account"),
    ForeignKey("tickets", "ticket_group_id", "ticket_groups"),
    ForeignKey("tickets", "closed_by_user_id", "users"),
    ForeignKey("ticket_replies", "ticket_id", "tickets"),
    ForeignKey("ticket_comments", "ticket_id", "tickets"),
    *_users("notes", "tickets", "ticket_replies", "ticket_comments", "debits", "payments"),
)


@dataclass(frozen=True)
class BrokenReference:
    key: ForeignKey
    row: int
    value: int


def broken_references(dataset: Dataset, key: ForeignKey) -> Iterator[BrokenReference]:
    """Rows of ``key.query`` whose ``key.field`` names no record of ``key.target``."""
    table, target = dataset.table(key.query), dataset.table(key.target)
    for row in range(len(table)):
        value = table.value(row, key.field)
        if value is None or target.row_of(value) is not None:
            continue
        if key.owner_field is not None and table.value(row, key.owner_field) != key.owner_type:
            continue
        yield BrokenReference(key, row, value)
