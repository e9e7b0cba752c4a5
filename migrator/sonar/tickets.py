"""Tickets read with their whole conversation: replies and internal comments nested.

One request carries a page of tickets and each one's replies and comments
(``nested_tickets_document``); only a ticket whose thread is longer than one
nested page costs follow-up requests, fetched before the page is handed on
(``NestedRecords``, as accounts are read), so every ticket arrives
whole. Read flat, the replies and comments would cost as many requests again
as the tickets themselves, which the Sonar budget of a 10,000-account
migration cannot spare.
"""

from __future__ import annotations

from migrator.sonar.entities import Ticket, TicketComment, TicketReply
from migrator.sonar.models import decode_as
from migrator.sonar.queries import TICKET_RELATIONS, nested_tickets_document
from migrator.sonar.readers import NestedRecords

__all__ = ["NestedTickets", "TicketWithConversation"]


class TicketWithConversation(Ticket):
    """A ticket with every reply and comment it holds (id ascending, as Sonar sorts them)."""

    ticket_replies: tuple[TicketReply, ...] = ()
    ticket_comments: tuple[TicketComment, ...] = ()


class NestedTickets(NestedRecords):
    """Pages of tickets, each with its replies and comments complete."""

    query = "tickets"

    def __init__(self, nested_page_size: int = 100) -> None:
        self.nested_page_size = nested_page_size
        self.document = nested_tickets_document()
        self.relations = TICKET_RELATIONS
        self.decode = decode_as(TicketWithConversation, "tickets")
