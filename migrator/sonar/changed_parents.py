"""A delta's parents whose children changed while they did not.

Sonar bumps a record's ``updated_at`` when the record itself changes, not when a
child of it does: a contact's new e-mail leaves its account as it was, a service
added to an account does not touch the account. An entity read nested under its
parents (a customer is an account with its contacts and addresses; an account's
services sit under it; a ticket's messages under it) would miss those changes if
its delta filtered the parents alone. ``ChangedParents`` reads each child query
flat, only what changed since the window opened, and gives the ids of the
parents they belong to: the nested read then takes the changed parents *and*
these (``Window.also``).

Only one level down: a phone number changed under an unchanged contact, or an IP
moved onto an unchanged RADIUS account, is not followed to its account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio

from migrator.sonar.extract import Extractor, Partition
from migrator.sonar.readers import FlatRecords

__all__ = [
    "ACCOUNT_LEDGER",
    "CUSTOMER_CHILDREN",
    "SERVICE_CHILDREN",
    "TICKET_CHILDREN",
    "ChangedParents",
    "ChildLink",
]


@dataclass(frozen=True)
class ChildLink:
    """A child list query, the field naming its parent, and for a child that may belong
    to several kinds of parent (a contact of an account or of a vendor), the field
    naming the kind and the parent's kind."""

    query: str
    parent: str
    kind: tuple[str, str] | None = None

    def parent_of(self, record: Mapping[str, Any]) -> int | None:
        if self.kind is not None and record.get(self.kind[0]) != self.kind[1]:
            return None
        value = record.get(self.parent)
        return None if value is None else int(value)


def _account(query: str, parent: str = "account_id", kind: str | None = None) -> ChildLink:
    return ChildLink(query, parent, None if kind is None else (kind, "Account"))


# What a customer is made of (``CUSTOMER_RELATIONS``), child by child.
CUSTOMER_CHILDREN = (
    _account("contacts", "contactable_id", "contactable_type"),
    _account("addresses", "addressable_id", "addressable_type"),
    _account("custom_field_data", "customfielddataable_id", "customfielddataable_type"),
    _account("account_billing_parameters"),
)
# What an account's services are read with (``SERVICE_RELATIONS``).
SERVICE_CHILDREN = (
    _account("account_services"),
    _account("ip_assignments", "ipassignmentable_id", "ipassignmentable_type"),
    _account("radius_accounts"),
    _account("uninventoried_mac_addresses"),
    _account("account_billing_parameters"),
)
# An account's ledger: the money entities read it nested under the account.
ACCOUNT_LEDGER = tuple(_account(query) for query in ("invoices", "debits", "credits", "payments"))
# A ticket's conversation.
TICKET_CHILDREN = (
    ChildLink("ticket_replies", "ticket_id"),
    ChildLink("ticket_comments", "ticket_id"),
)


def _raw(record: Mapping[str, Any]) -> Mapping[str, Any]:
    return record


class ChangedParents:
    """The ids of the parents of what changed in each child query, read on first ask.

    ``extractor`` must read a window (``Extractor.window``): changed records only. One
    per run, shared by every entity, so each child query costs its pages once (the
    customers and the services both ask for the billing parameters).
    """

    def __init__(self, extractor: Extractor) -> None:
        if extractor.window is None:
            raise ValueError("ChangedParents reads a delta: the extractor needs a window")
        self._extractor = extractor
        self._locks: dict[ChildLink, anyio.Lock] = {}
        self._found: dict[ChildLink, frozenset[int]] = {}

    async def of(self, links: Sequence[ChildLink]) -> frozenset[int]:
        """The parents of the changed children of ``links``."""
        found: set[int] = set()
        for link in links:
            found |= await self._parents(link)
        return frozenset(found)

    async def _parents(self, link: ChildLink) -> frozenset[int]:
        async with self._locks.setdefault(link, anyio.Lock()):
            if link not in self._found:
                self._found[link] = await self._read(link)
            return self._found[link]

    async def _read(self, link: ChildLink) -> frozenset[int]:
        reader = FlatRecords(link.query, decode=_raw)
        everything = Partition(link.query, 0, 1, 0, None)
        found: set[int] = set()
        async for page in self._extractor.pages(everything, reader):
            for record in page.records:
                parent = link.parent_of(record)
                if parent is not None:
                    found.add(parent)
        return frozenset(found)
