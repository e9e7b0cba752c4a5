"""Which relations of an account migrator reads nested, and which of them each reader asks for.

``FINANCE_RELATIONS`` (invoices, debits, credits, payments: connections of
``Account`` in the real schema, each with its own paginator) are kept apart
from ``ACCOUNT_RELATIONS``: a reader that asks for every relation by default
(the preflight's sample page) must not carry a ledger, which outweighs all
the rest of an account ninefold. They are read only when named.

``ACCOUNT_RELATIONS`` is a tree: an account's connections, some with connections of
their own (a contact's phone numbers, a RADIUS account's IPs). The documents in
``migrator.sonar.queries`` are built from it, and a parent with more children than one
nested page holds is completed with ``relation_page_document(parent, field)``, at any
depth of the tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from migrator.sonar.ledger_models import ledger_fields

__all__ = [
    "ACCOUNT_OBJECTS",
    "ACCOUNT_RELATIONS",
    "CUSTOMER_RELATIONS",
    "FINANCE_FIELDS",
    "FINANCE_RELATIONS",
    "SERVICE_RELATIONS",
    "TICKET_RELATIONS",
    "Relation",
    "account_objects",
    "account_relations",
    "find_relation",
    "relation_tree",
]


@dataclass(frozen=True)
class Relation:
    """A connection fetched nested under its parent: ``field`` holds ``query``'s entities,
    each with ``fields`` (None: every scalar field of the type)."""

    field: str
    query: str
    children: tuple[Relation, ...] = ()
    fields: tuple[str, ...] | None = None


ACCOUNT_RELATIONS: tuple[Relation, ...] = (
    Relation("contacts", "contacts", (Relation("phone_numbers", "phone_numbers"),)),
    Relation("addresses", "addresses"),
    Relation("account_services", "account_services"),
    Relation("custom_field_data", "custom_field_data"),
    Relation("notes", "notes"),
    Relation("ip_assignments", "ip_assignments"),
    Relation("radius_accounts", "radius_accounts", (Relation("ip_assignments", "ip_assignments"),)),
    Relation(
        "uninventoried_mac_addresses",
        "uninventoried_mac_addresses",
        (Relation("ip_assignments", "ip_assignments"),),
    ),
)


# An account's ledger: about 94 records per account on the generated ISP (80% of its rows).
# Only the fields the money transforms read (``ledger_models``): most of a ledger page's cost.
FINANCE_RELATIONS: tuple[Relation, ...] = tuple(
    Relation(name, name, fields=ledger_fields(name))
    for name in ("invoices", "debits", "credits", "payments")
)
FINANCE_FIELDS: tuple[str, ...] = tuple(relation.field for relation in FINANCE_RELATIONS)


# A ticket's conversation: its replies and internal comments, read nested under a page of
# tickets (one request per page; only a ticket whose thread overflowed costs follow-ups).
TICKET_RELATIONS: tuple[Relation, ...] = (
    Relation("ticket_replies", "ticket_replies"),
    Relation("ticket_comments", "ticket_comments"),
)


# One-to-one relations of an account: one object (or null) each, nothing to page. Read
# nested rather than looked up by account id: one request per page of accounts either way.
ACCOUNT_OBJECTS: tuple[Relation, ...] = (
    Relation("account_billing_parameter", "account_billing_parameters"),
)


# What the services entities need of an account: its services, its IPs, its RADIUS
# credentials and MAC bindings (each with the IPs assigned to it), and its billing
# parameters (whether Sonar exempts it from tax).
SERVICE_RELATIONS: tuple[str, ...] = (
    "account_services",
    "ip_assignments",
    "radius_accounts",
    "uninventoried_mac_addresses",
    "account_billing_parameter",
)
# What a customer is made of: its notes and services are entities of their own, read apart.
CUSTOMER_RELATIONS: tuple[str, ...] = (
    "contacts",
    "addresses",
    "custom_field_data",
    "account_billing_parameter",
)


def account_relations(fields: tuple[str, ...] | None = None) -> tuple[Relation, ...]:
    """The connections named in ``fields`` (all of ``ACCOUNT_RELATIONS`` for None; the
    finance ones only when named)."""
    if fields is None:
        return ACCOUNT_RELATIONS
    many = (*ACCOUNT_RELATIONS, *FINANCE_RELATIONS)
    known = {relation.field for relation in (*many, *ACCOUNT_OBJECTS)}
    unknown = set(fields) - known
    if unknown:
        raise KeyError(f"accounts has no nested relation {', '.join(sorted(unknown))}")
    return tuple(relation for relation in many if relation.field in fields)


def account_objects(fields: tuple[str, ...] | None = None) -> tuple[Relation, ...]:
    """The one-to-one relations of ``ACCOUNT_OBJECTS`` named in ``fields`` (all for None)."""
    if fields is None:
        return ACCOUNT_OBJECTS
    return tuple(relation for relation in ACCOUNT_OBJECTS if relation.field in fields)


def relation_tree() -> Iterator[tuple[str, Relation]]:
    """Every nested relation migrator reads, with the list query of its parent, at any depth."""
    pending = [("accounts", relation) for relation in (*ACCOUNT_RELATIONS, *FINANCE_RELATIONS)]
    pending += [("tickets", relation) for relation in TICKET_RELATIONS]
    while pending:
        parent_query, relation = pending.pop(0)
        yield parent_query, relation
        pending += [(relation.query, child) for child in relation.children]


def find_relation(parent_query: str, field: str) -> Relation:
    """The relation ``field`` of ``parent_query``'s entities, wherever it sits in the tree."""
    for parent, relation in relation_tree():
        if parent == parent_query and relation.field == field:
            return relation
    raise KeyError(f"{parent_query}.{field} is not a nested relation migrator reads")
