"""How the support entities are wired: administrators, tickets and their messages.

- ``administrators``: Sonar users, matched to Splynx administrators by login,
  then e-mail (``also_by``), created otherwise (``transform.staff``).
- ``tickets`` and ``ticket_messages`` both read tickets with their replies and
  comments nested (``NestedTickets``: one request per page of tickets); the
  first takes each ticket, the second its conversation, message by message in
  Sonar's order (``transform.tickets``).

Splynx's ticket statuses, groups and type cannot be created through the API:
``load_support_targets`` finds the ones the profile names by title before the
first ticket, and a name Splynx lacks stops the run at once, named (``migrator
check`` lists them too). A dry run has no Splynx to ask: it uses stand-in ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, cast
from zoneinfo import ZoneInfo

from migrator.entity_map import MappedEntity
from migrator.errors import ConfigError, Rejected
from migrator.pipeline.entities import BatchSink, EntitySpec, Sink
from migrator.pipeline.sources import SonarSource, widening
from migrator.pipeline.state import StateStore
from migrator.profile_rules import SupportRules
from migrator.sonar.changed_parents import TICKET_CHILDREN, ChangedParents
from migrator.sonar.entities import Ticket, TicketStatus
from migrator.sonar.extract import Extractor
from migrator.sonar.models import decode_as
from migrator.sonar.readers import FlatRecords, Reader
from migrator.sonar.shared_pages import SharedPages
from migrator.sonar.tickets import NestedTickets, TicketWithConversation
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import Marker
from migrator.splynx.ticket_settings import read_ticket_settings
from migrator.transform.staff import administrator
from migrator.transform.support_targets import SupportTargets, missing_targets, support_targets
from migrator.transform.tickets import (
    message_parents,
    message_records,
    splynx_message,
    splynx_ticket,
    ticket_parents,
)

__all__ = [
    "SUPPORT_ENTITIES",
    "load_support_targets",
    "password_resets",
    "stand_in_targets",
    "support_makers",
]

SUPPORT_ENTITIES = frozenset({"administrators", "tickets", "ticket_messages"})
SinkFactory = Callable[..., Sink[Any]]
Maker = Callable[[MappedEntity], EntitySpec[Any, Any]]


def _describe(record: Any) -> dict[str, Any]:
    entry = getattr(record, "entry", None)
    if entry is not None:  # a message: the reply or comment itself
        return {"kind": record.kind, **entry.model_dump(mode="json", by_alias=True)}
    dumped: dict[str, Any] = record.model_dump(
        mode="json", by_alias=True, exclude={"ticket_replies", "ticket_comments"}
    )
    return dumped


_CONVERSATION = ("ticket_replies", "ticket_comments")
# Pages of tickets kept for the entity behind: messages wait for their tickets, which wait
# for their customers, so the two read several pages apart in each partition (a page
# dropped before the messages took it costs a request more). About 100 tickets with their
# conversations each: a few MB in all, whatever the dataset's size.
TICKET_PAGES_KEPT = 32
_decode_ticket = decode_as(Ticket, "tickets")


def _ticket_alone(raw: Mapping[str, Any]) -> Ticket | Rejected:
    """A ticket of a shared page without its conversation (a copy: the page is shared)."""
    return _decode_ticket({key: value for key, value in raw.items() if key not in _CONVERSATION})


def support_makers(
    rules: SupportRules,
    extractor: Extractor,
    sink: SinkFactory,
    zone: ZoneInfo,
    targets: SupportTargets,
    *,
    nested_page_size: int,
    consumers: int = 2,
    changed: ChangedParents | None = None,
) -> dict[str, Maker]:
    """The makers of the support entities' specs (see ``wiring.build_specs``).

    Tickets and their messages page through the same tickets with their conversations:
    one request per page for both (``SharedPages``; ``consumers`` is how many of the two
    this run makes). In a delta (``changed``) the tickets read for messages are those with
    a new message too.
    """
    shared = SharedPages(NestedTickets(nested_page_size), consumers, keep=TICKET_PAGES_KEPT)
    conversations = cast(Reader[TicketWithConversation], shared.view(shared.reader.decode))
    bare = shared.view(_ticket_alone)

    def administrators(row: MappedEntity) -> EntitySpec[Any, Any]:
        return EntitySpec(
            row.name,
            SonarSource(extractor, "users", FlatRecords("users")),
            sink(row.endpoint, natural_key=True, also_by=(Marker("email"),)),
            partial(administrator, rules=rules),
            depends_on=row.depends_on,
            describe=_describe,
        )

    def tickets(row: MappedEntity) -> EntitySpec[Any, Any]:
        return EntitySpec(
            row.name,
            SonarSource(extractor, "tickets", bare),
            sink(row.endpoint),
            partial(splynx_ticket, targets=targets, zone=zone),
            parents=ticket_parents,
            depends_on=row.depends_on,
            describe=_describe,
        )

    def messages(row: MappedEntity) -> EntitySpec[Any, Any]:
        written = sink(row.endpoint)
        return EntitySpec(
            row.name,
            SonarSource(
                extractor,
                "tickets",
                conversations,
                explode=message_records,
                **widening(changed, TICKET_CHILDREN),
            ),
            written,
            partial(splynx_message, zone=zone),
            parents=message_parents,
            depends_on=row.depends_on,
            describe=_describe,
            # one by one, a conversation per writer, message after message (a batch of rows
            # keeps their order itself)
            in_order=not isinstance(written, BatchSink),
        )

    return {"administrators": administrators, "tickets": tickets, "ticket_messages": messages}


def stand_in_targets(rules: SupportRules) -> SupportTargets:
    """A dry run's: every status, the type and the default group at id 1."""
    return SupportTargets(rules, dict.fromkeys(TicketStatus, 1), 1, default_group=1)


async def load_support_targets(
    client: SplynxClient, rules: SupportRules, sonar_groups: Mapping[int, str]
) -> SupportTargets:
    """The ids of what the profile names, read by title from Splynx (a ``ConfigError``
    naming each one Splynx lacks)."""
    found = await read_ticket_settings(client)
    missing = missing_targets(rules, found)
    if missing:
        raise ConfigError(
            "Splynx lacks " + "; ".join(missing) + ": create them in Splynx (its API cannot) "
            "or name existing ones in the profile's [support]"
        )
    return support_targets(rules, found, sonar_groups)


def password_resets(store: StateStore) -> str:
    """The summary's line on administrators created with a password nobody knows."""
    created = sum(c.created for c in store.counts() if c.entity == "administrators")
    if not created:
        return ""
    return (
        f"{created:,} administrators were created with a random password never shown: "
        "each must reset their password (Splynx's forgotten-password link, or a super "
        "administrator)"
    )
