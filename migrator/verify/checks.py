"""Per entity: how verify finds its records in Splynx, and which fields it compares.

Adding an entity is one ``EntityCheck`` in ``CHECKS``: the Splynx endpoint
its records live at (the marker comes with the endpoint; ``key`` pairs records
where it has none, as for ticket messages), how
to tell one of our records from the ISP's own (``ours``, for the records in
Splynx that no Sonar record accounts for) and the fields Splynx does not give
back as they were sent (``skip``: ``migrator.splynx.compare.UNRETURNED``, each with its
reason). The Sonar side and
the transform come from the run's own wiring (``migrator.pipeline.wiring``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from migrator.splynx.compare import unreturned_fields
from migrator.splynx.query import Search, where

__all__ = ["CHECKS", "EntityCheck", "Key", "Ours", "message_key"]

# Is the Splynx record with this marker value (and this id) one of ours? ``state_ids``
# are the ids our runs created or adopted for the entity.
Ours = Callable[[str, int, frozenset[int]], bool]


def _by_state(marker: str, splynx_id: int, state_ids: frozenset[int]) -> bool:
    """A natural key (a name, a title) says nothing: ours when our state holds its id."""
    return splynx_id in state_ids


def _marked(marker: str, splynx_id: int, state_ids: frozenset[int]) -> bool:
    """A ``sonar_id`` additional field is only ever set by us."""
    return True


def _prefixed(prefix: str) -> Ours:
    def ours(marker: str, splynx_id: int, state_ids: frozenset[int]) -> bool:
        return marker.startswith(prefix) or splynx_id in state_ids

    return ours


def _prefixed_any(*prefixes: str) -> Ours:
    def ours(marker: str, splynx_id: int, state_ids: frozenset[int]) -> bool:
        return marker.startswith(prefixes) or splynx_id in state_ids

    return ours


_ANY = Search(main={"id": where(">", 0)})  # services: listed across customers this way

# What pairs a Splynx record with its Sonar one when the endpoint has no marker: the
# value from a request body or a record read back (None: cannot be paired).
Key = Callable[[Mapping[str, Any]], str | None]


def message_key(fields: Mapping[str, Any]) -> str | None:
    """A ticket message is known by its ticket, date, time, author type and exact text
    (as the run finds one it may have sent: ``pipeline.support_sinks``); the text by its
    digest, so that a report naming the key stays short."""
    if not fields.get("ticket_id"):
        return None
    text = hashlib.sha256(str(fields.get("message") or "").encode()).hexdigest()[:16]
    when = f"{fields.get('date') or ''} {fields.get('time') or ''}"
    return f"ticket {fields['ticket_id']} {when} {fields.get('author_type') or ''} text {text}"


@dataclass(frozen=True)
class EntityCheck:
    """How one entity's records are found in Splynx and compared."""

    endpoint: str
    ours: Ours = _by_state
    skip: frozenset[str] = frozenset()
    search: Search | None = None
    # natural keys: a record matched to one the ISP already had is used as it is,
    # never changed by the run, so its fields are not ours to compare
    natural_key: bool = False
    key: Key | None = None  # instead of the endpoint's marker, where it has none


CHECKS: Mapping[str, EntityCheck] = {
    "partners": EntityCheck("partners", natural_key=True),
    "locations": EntityCheck("locations", natural_key=True),
    "internet_tariffs": EntityCheck("internet_tariffs", natural_key=True),
    "recurring_tariffs": EntityCheck("recurring_tariffs", natural_key=True),
    "ipv4_networks": EntityCheck(
        "ipv4_networks", natural_key=True, skip=unreturned_fields("ipv4_networks")
    ),
    "ipv6_networks": EntityCheck("ipv6_networks", natural_key=True),
    "customers": EntityCheck("customers", _marked),
    "internet_services": EntityCheck("internet_services", _marked, search=_ANY),
    "recurring_services": EntityCheck("recurring_services", _marked, search=_ANY),
    "customer_notes": EntityCheck("customer_notes", _prefixed("sonar:note:")),
    # Money. An invoice's number is Sonar's id (or the profile's prefix and it): only
    # our state tells ours from the ISP's. Payments and transactions carry a tag.
    "invoices": EntityCheck("invoices", skip=unreturned_fields("invoices")),
    "payments": EntityCheck("payments", _prefixed("sonar:pay:")),
    "transactions": EntityCheck("transactions", _prefixed_any("sonar:debit:", "sonar:credit:")),
    "opening_balances": EntityCheck("transactions", _prefixed("sonar:opening:")),
    # matched by login (then e-mail) to the ISP's own: only those we created are compared
    "administrators": EntityCheck(
        "administrators", natural_key=True, skip=unreturned_fields("administrators")
    ),
    "tickets": EntityCheck("tickets", _marked, skip=unreturned_fields("tickets")),
    # a ticket's first message came with its create and is not in our state: not extra
    "ticket_messages": EntityCheck("ticket_messages", search=_ANY, key=message_key),
}
