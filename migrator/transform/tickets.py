"""Sonar tickets -> Splynx tickets; their replies and comments -> ticket messages, in order.

A ticket is created with its first message nested (blueprint ``Ticket Base
Create``): the Sonar ticket's description. It carries its Sonar id in the
additional field ``sonar_id`` (module ``ticket``), its marker. A ticket on an
account belongs to that account's customer; one on anything else (a network
site, or nothing) has no customer, and its origin is kept in its ``note``.

Replies and internal comments become the ticket's messages, in Sonar's order
(``created_at``, then id): an incoming reply is the customer's, an outgoing
one the administrator's who wrote it, a comment an administrator's note
hidden from the customer. Each waits for its ticket; a conversation is
written message after message (one writer each, ``EntitySpec.in_order``, or
one batch), so Splynx's ids read in the conversation's order. Replies and comments are
numbered apart in Sonar, so a message's key in the id map is ``2 * id`` for
a reply and ``2 * id + 1`` for a comment (``message_key``).

Bodies are kept exactly (HTML stays HTML, emoji, right-to-left text, 64 KB):
only a lone UTF-16 surrogate, which no UTF-8 column can hold, is replaced
(noted); an empty body or one above ``MESSAGE_LIMIT`` bytes is rejected with
its reason, never cut.

Attachments are not moved, and not named either: the files of a reply are a
``files`` connection (``File.filename``) the pruned schema does not carry yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import TicketComment, TicketReply, TicketStatus
from migrator.sonar.tickets import TicketWithConversation
from migrator.splynx.payloads import Ticket, TicketMessage
from migrator.transform.cleaning import Notes, encodable, name_text
from migrator.transform.dates import splynx_datetime
from migrator.transform.support_targets import SupportTargets

__all__ = [
    "MESSAGE_LIMIT",
    "MessageRecord",
    "message_key",
    "message_parents",
    "message_records",
    "splynx_message",
    "splynx_ticket",
    "ticket_marker",
    "ticket_parents",
]

MESSAGE_LIMIT = 16_777_215  # ticket_messages.message: MEDIUMTEXT, in bytes
SUBJECT_LIMIT = 256  # ticket.subject varchar(256)
Kind = Literal["reply", "comment"]


def ticket_marker(ticket_id: int) -> str:
    return str(ticket_id)


def message_key(kind: Kind, sonar_id: int) -> int:
    """The message's key in the id map: replies and comments have ids of their own."""
    return 2 * sonar_id + (1 if kind == "comment" else 0)


def _on_account(ticket: TicketWithConversation) -> bool:
    return ticket.ticketable_type == "Account" and ticket.ticketable_id is not None


def ticket_parents(ticket: TicketWithConversation) -> list[ParentRef]:
    refs = []
    if _on_account(ticket):
        assert ticket.ticketable_id is not None
        refs.append(ParentRef("customers", ticket.ticketable_id, "ticketable_id"))
    if ticket.user_id is not None:
        refs.append(ParentRef("administrators", ticket.user_id, "user_id", required=False))
    return refs


def _body(text: str, field_name: str, notes: Notes) -> str:
    """The text exactly, or a refusal naming why it cannot be stored whole."""
    kept = encodable(text, field_name, notes)
    if not kept.strip():
        raise Rejected(f"{field_name} is empty", [FieldError(field_name, "empty")])
    size = len(kept.encode("utf-8"))
    if size > MESSAGE_LIMIT:
        message = f"{size} bytes; a Splynx ticket message holds at most {MESSAGE_LIMIT}"
        raise Rejected(f"{field_name} too long", [FieldError(field_name, message)])
    return kept


def _when(value: dt.datetime, zone: ZoneInfo) -> tuple[str, str]:
    stamp = splynx_datetime(value, zone)
    assert stamp is not None
    day, time = stamp.split(" ")
    return day, time


def _first_message(
    ticket: TicketWithConversation, customer: int | None, admin: int | None,
    zone: ZoneInfo, notes: Notes,
) -> TicketMessage | None:  # fmt: skip
    """The description, as the ticket's first message: the customer's on an account.

    Sonar does not say who wrote a description; on no account there is no customer,
    so it is filed as the ticket's user's (Sonar's ``user_id``), or no administrator's.
    """
    if not ticket.description.strip():
        return None
    day, time = _when(ticket.created_at, zone)
    author: Literal["customer", "admin"] = "customer" if customer is not None else "admin"
    return TicketMessage(
        message=_body(ticket.description, "description", notes),
        customer_id=customer, admin_id=admin if author == "admin" else None,
        author_type=author, date=day, time=time, hide_for_customer=False,
    )  # fmt: skip


def splynx_ticket(
    ticket: TicketWithConversation, resolved: Resolved, *, targets: SupportTargets, zone: ZoneInfo
) -> Cleaned[Ticket]:
    notes = Notes()
    subject = name_text(ticket.subject, "subject", SUBJECT_LIMIT, True, notes)
    if not subject:
        subject = f"Sonar ticket {ticket.id}"
        notes.add("subject", f"empty; titled {subject!r}")
    customer = resolved.id_for("ticketable_id")
    admin = resolved.id_for("user_id")
    if ticket.user_id is not None and admin is None:
        notes.add("user_id", f"Sonar user {ticket.user_id} is not in Splynx; left unassigned")
    group = targets.group_for(ticket.ticket_group_id)
    origin = None
    if not _on_account(ticket):
        kind = ticket.ticketable_type or "nothing"
        origin = f"Sonar ticket {ticket.id} on {kind} {ticket.ticketable_id or ''}".rstrip()
    payload = Ticket(
        subject=subject, priority=targets.rules.priority[ticket.priority],
        type_id=targets.type_id, status_id=targets.statuses[ticket.status],
        closed=ticket.status is TicketStatus.CLOSED, customer_id=customer,
        reporter_type="customer" if customer is not None else None,
        reporter_id=customer, assign_to=admin, group_id=group,
        created_at=splynx_datetime(ticket.created_at, zone),
        updated_at=splynx_datetime(ticket.updated_at, zone), note=origin,
        message=_first_message(ticket, customer, admin, zone, notes),
        additional_attributes={"sonar_id": ticket_marker(ticket.id)},
    )  # fmt: skip
    return Cleaned(payload, tuple(notes.lines))


@dataclass(frozen=True)
class MessageRecord:
    """One reply or comment of a ticket."""

    ticket: TicketWithConversation
    kind: Kind
    entry: TicketReply | TicketComment

    @property
    def key(self) -> int:
        return message_key(self.kind, self.entry.id)


def message_records(ticket: TicketWithConversation) -> list[tuple[int, MessageRecord]]:
    """The ticket's replies and comments in Sonar's order (created_at, then id)."""
    entries: list[tuple[Kind, TicketReply | TicketComment]] = [
        *(("reply", reply) for reply in ticket.ticket_replies),
        *(("comment", comment) for comment in ticket.ticket_comments),
    ]
    entries.sort(key=lambda pair: (pair[1].created_at, pair[1].id, pair[0]))
    records = [MessageRecord(ticket, kind, entry) for kind, entry in entries]
    return [(record.key, record) for record in records]


def _writer(record: MessageRecord) -> int | None:
    """The Sonar user who wrote it: none for an incoming reply (the customer did)."""
    entry = record.entry
    if isinstance(entry, TicketReply) and entry.incoming:
        return None
    return entry.user_id


def message_parents(record: MessageRecord) -> list[ParentRef]:
    """Its ticket and who wrote it. Order within the conversation needs no reference: the
    API path writes a ticket's messages one after another (``EntitySpec.in_order``), a
    batch keeps its rows' order."""
    ticket = record.ticket
    refs = [ParentRef("tickets", ticket.id, "ticket_id")]
    writer = _writer(record)
    if writer is not None:
        refs.append(ParentRef("administrators", writer, "user_id", required=False))
    if _on_account(ticket) and ticket.ticketable_id is not None:
        refs.append(ParentRef("customers", ticket.ticketable_id, "customer_id", required=False))
    return refs


def splynx_message(
    record: MessageRecord, resolved: Resolved, *, zone: ZoneInfo
) -> Cleaned[TicketMessage]:
    notes = Notes()
    entry = record.entry
    day, time = _when(entry.created_at, zone)
    incoming = isinstance(entry, TicketReply) and entry.incoming
    admin = resolved.id_for("user_id")
    writer = _writer(record)
    if writer is not None and admin is None:
        notes.add("user_id", f"Sonar user {writer} is not in Splynx; written by no administrator")
    payload = TicketMessage(
        ticket_id=resolved.parents["ticket_id"],
        message=_body(entry.body, "body", notes),
        customer_id=resolved.id_for("customer_id"),
        admin_id=None if incoming else admin,
        author_type="customer" if incoming else "admin",
        source="incoming" if incoming else "administration",
        date=day, time=time,
        hide_for_customer=record.kind == "comment",
    )  # fmt: skip
    return Cleaned(payload, tuple(notes.lines))
