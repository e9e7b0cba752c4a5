"""What Splynx fills when it saves a ticket or a message: pure rules shared by the two ways in.

The Splynx simulator's API (``migrator/sim/splynx``: ``finance_support_endpoints``
and ``behaviours_support``) is our model of what a real Splynx's application
writes when its API creates a ticket or a ticket message; the database path
(``support_db``) must leave exactly the same rows. So the rules live here,
once, and both import them, as ``finance_rules`` does for money:

- a ticket created through the API starts in status 1 ("New",
  ``splynx_docs_facts.md`` "Support": created -> New), from source ``api``, read
  by nobody yet on the staff side (``unread_by_admin = '1'``) and not unread by
  the customer; the reporter is the caller (``reporter_type`` who asks,
  ``reporter_id`` their id) and both times are "now" unless given;
- a message takes its customer from its ticket when none is given, and a
  message hidden from the customer is a note (``message_type``);
- a ticket may carry its first message (``message``, blueprint ``Ticket Base
  Create``), with only the keys ``NESTED_MESSAGE_KEYS``, stamped now and written
  with the ticket's customer;
- a new message touches its ticket's ``updated_at`` (the simulator's choice,
  ``behaviours_support``).

Rows are dicts under Splynx's real column names, values in the text form the
columns keep (flags ``'0'``/``'1'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "NESTED_MESSAGE_KEYS",
    "TICKET_DEFAULTS",
    "first_message",
    "message_customer",
    "message_type",
]

# Fixed values a ticket created through the API gets for columns left out; the
# reporter and the times come from the request (who asks, and when).
TICKET_DEFAULTS: Mapping[str, object] = {
    "status_id": 1,
    "source": "api",
    "unread_by_customer": "0",
    "unread_by_admin": "1",
}

# The keys a ticket's nested first message may carry (the others are the message
# endpoint's own: its ticket, the API key's id).
NESTED_MESSAGE_KEYS = frozenset(
    {"message", "admin_id", "customer_id", "incoming_customer_id", "source", "date", "time",
     "hide_for_customer", "author_type", "mail_to", "mail_cc", "mail_bcc", "message_type"}
)  # fmt: skip


def message_type(row: Mapping[str, Any]) -> str:
    """The kind of a message: as given, else a note when hidden from the customer.

    ASSUMPTION: the blueprint lists ``message_type`` (``note`` = admin-only
    note) among the answer's keys and Splynx's documentation says "Add note"
    makes a message customers do not see (message_type note,
    hide_for_customer); we take it that a message created hidden from the
    customer is stored as a note, whichever way it came in.
    """
    given = row.get("message_type")
    if given:
        return str(given)
    return "note" if str(row.get("hide_for_customer", "0")) == "1" else "message"


def message_customer(given: object, ticket_customer: object) -> int:
    """A message's customer: the one given, else its ticket's (0 for none)."""
    return int(str(given)) if given else int(str(ticket_customer or 0))


def first_message(
    ticket_id: int,
    ticket_customer: object,
    api_id: int,
    moment: str,
    message: Mapping[str, Any],
) -> dict[str, Any]:
    """The row of a ticket's nested first message (``moment``: 'YYYY-MM-DD HH:MM:SS')."""
    row: dict[str, Any] = {
        "ticket_id": ticket_id,
        "customer_id": ticket_customer or 0,
        "api_id": api_id,
        "date": moment[:10],
        "time": moment[11:],
        "updated_at": moment,
        **message,
    }
    row["message_type"] = message_type(row)
    return row
