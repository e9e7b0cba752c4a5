"""A ticket or a ticket message as the complete rows Splynx's API would store for it. Pure.

What a POST of the payload's body does to each column, mirrored from the
simulator's API (``finance_support_endpoints``, ``behaviours_support``, the
generic validator), with the shared rules in ``support_rules``:

- values sent are stored in the column's form (a flag ``True`` as ``'1'``);
  values not sent are what MySQL stores for a column left out
  (``finance_rows.TableRows``);
- a ticket gets ``TICKET_DEFAULTS``, the caller as reporter (``api`` with the
  API key's id), ``created_at``/``updated_at`` now unless given; its first
  message (``message``) keeps only the keys a nested message may have;
  ``watching`` is computed on read and never stored; ``watchers`` are checked
  (``support_writes``) and stored nowhere, as the simulator does;
- a message gets the date and time now unless given, the caller's ``api_id``
  (read-only: a sent one is ignored, as the API ignores it), ``updated_at`` now
  and its ``message_type`` by the note rule; its customer comes from its ticket
  later (``support_writes``), when the ticket is known.

Sizes: a value longer than its column is refused with the field named, never
cut: ``varchar(n)`` counts characters, ``text``/``mediumtext`` count bytes
(MySQL's rule; the body is utf8mb4), and a value must fit in one packet of
the server (``max_allowed_packet``, escaped as the driver sends it).

Identity: a ticket by its marker (additional field, ``sonar_id``); a message by
its natural key within its ticket (ticket, date, time, author type, the exact
text, compared by MD5 of its UTF-8 bytes), only when its date and time were
given: a message stamped with the moment of its writing has no key a re-run
could find again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pymysql.converters import escape_string

from migrator.errors import FieldError, Rejected
from migrator.splynx.finance_rows import Stamp, TableRows
from migrator.splynx.finance_sql import marker_key
from migrator.splynx.payloads.support import Ticket, TicketMessage
from migrator.splynx.support_rules import NESTED_MESSAGE_KEYS, TICKET_DEFAULTS, message_type
from migrator.splynx.tables import Table, table

__all__ = [
    "MessageKey",
    "MessageRows",
    "SupportShapes",
    "TicketRows",
    "digest",
    "message_rows",
    "ticket_rows",
]

MessageKey = tuple[int, str, str, str, str]  # ticket, date, time, author type, MD5 of the text
_TEXT_BYTES = {"tinytext": 255, "text": 65_535, "mediumtext": 16_777_215}
_PACKET_SLACK = 64 * 1024  # the statement around a value


def digest(text: str) -> str:
    """MD5 of the text's UTF-8 bytes, as MySQL's ``MD5(CONVERT(x USING utf8mb4))`` prints it."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class SupportShapes:
    """The row shapes of one batch, stamped with its moment, its caller and the server's
    packet size."""

    stamp: Stamp
    api_id: int
    marker: str  # the ticket's additional field holding its Sonar id
    packet: int  # the server's max_allowed_packet
    tickets: TableRows
    messages: TableRows
    values: TableRows

    @classmethod
    def of(cls, stamp: Stamp, api_id: int, marker: str, packet: int) -> SupportShapes:
        tickets, values = TableRows("ticket", stamp), TableRows("ticket_values", stamp)
        messages = TableRows("ticket_messages", stamp)
        return cls(stamp, api_id, marker, packet, tickets, messages, values)


@dataclass
class TicketRows:
    """A ticket's row, its additional values, its nested first message and its watchers."""

    row: dict[str, Any]
    additional: dict[str, str]
    first: dict[str, Any] | None
    watchers: tuple[int, ...]
    marker: str | None

    @property
    def key(self) -> str | None:
        return None if self.marker is None else marker_key(self.marker)


@dataclass
class MessageRows:
    """A message's row (customer 0 until its ticket's is known) and its natural key."""

    row: dict[str, Any]
    key: MessageKey | None


def _label(name: str) -> str:
    words = ["ID" if w == "id" else w for w in name.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _fits_packet(text: str, packet: int) -> bool:
    size = len(text.encode("utf-8"))
    if 2 * size + _PACKET_SLACK <= packet:  # escaping at most doubles it: no need to look
        return True
    return len(escape_string(text).encode("utf-8")) + _PACKET_SLACK <= packet


@cache
def _sizes(name: str) -> dict[str, tuple[int | None, int | None]]:
    """Per text column of a table: its length in characters (varchar) or bytes (text)."""
    sizes = {}
    for column in table(name).columns:
        limit, capacity = column.max_length, _TEXT_BYTES.get(column.type)
        if limit is not None or capacity is not None:
            sizes[column.name] = (limit, capacity)
    return sizes


def size_errors(
    layout: Table, row: Mapping[str, Any], packet: int, prefix: str = ""
) -> list[FieldError]:
    """Values their column cannot hold whole (the field named, nothing cut)."""
    errors = []
    sizes = _sizes(layout.name)
    for name, value in row.items():
        if not isinstance(value, str) or name not in sizes:
            continue
        limit, capacity = sizes[name]
        if limit is not None and len(value) > limit:
            label = prefix + _label(name)
            errors.append(FieldError(name, f"{label} should contain at most {limit} characters."))
        if capacity is None or len(value) <= capacity // 8:  # short enough to fit either way
            continue
        if len(value.encode("utf-8")) > capacity:
            label, kind = prefix + _label(name), layout.column(name).type
            why = f"{label} is larger than its column holds ({kind}, {capacity:,} bytes)."
            errors.append(FieldError(name, why))
        elif not _fits_packet(value, packet):
            why = f"{prefix + _label(name)} is larger than the database accepts in one statement."
            errors.append(FieldError(name, f"{why} (max_allowed_packet {packet:,} bytes)"))
    return errors


def _refused(what: str, errors: list[FieldError]) -> Rejected:
    return Rejected(f"{what}: " + "; ".join(e.message for e in errors), errors)


def _flags(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("1" if v else "0") if isinstance(v, bool) else v for k, v in values.items()}


def _additional(values: Mapping[str, Any]) -> dict[str, str]:
    """Additional values as the API stores them: text, ``''`` for none, a flag as 0/1."""
    texts = {}
    for name, value in values.items():
        if value is None:
            texts[name] = ""
        elif isinstance(value, bool):
            texts[name] = "1" if value else "0"
        else:
            texts[name] = str(value)
    return texts


def _nested(message: Mapping[str, Any], errors: list[FieldError], packet: int) -> dict[str, Any]:
    """A ticket's first message: only the keys a nested message may have, non-blank text."""
    for key in message:
        if key not in NESTED_MESSAGE_KEYS:
            errors.append(FieldError("message", f'Message: unknown attribute "{key}".'))
    kept = _flags({k: v for k, v in message.items() if k in NESTED_MESSAGE_KEYS})
    if not str(kept.get("message", "")).strip():
        errors.append(FieldError("message", "Message: Message cannot be blank."))
    errors.extend(size_errors(table("ticket_messages"), kept, packet, "Message: "))
    return kept


def ticket_rows(payload: Ticket, shapes: SupportShapes) -> TicketRows:
    """The ``ticket`` row, its additional values and its first message; Rejected if the
    API would refuse it or a column could not hold it."""
    values = payload.model_dump(by_alias=True, exclude_none=True)
    additional = _additional(values.pop("additional_attributes", None) or {})
    message = values.pop("message", None)
    watchers = tuple(int(w) for w in values.pop("watchers", None) or ())
    errors = []
    if values.pop("moduleLabels", None):
        errors.append(FieldError("moduleLabels", "Module labels is invalid."))
    if values.pop("lead_id", None):
        errors.append(FieldError("lead_id", "Lead ID is invalid."))
    values.pop("watching", None)  # computed on read (behaviours_support), not a column
    if not values["subject"].strip():
        errors.append(FieldError("subject", "Subject cannot be blank."))
    moment = shapes.stamp.moment
    given = {**TICKET_DEFAULTS, "reporter_type": "api", "reporter_id": shapes.api_id,
             "created_at": moment, "updated_at": moment, **values}  # fmt: skip
    row = shapes.tickets.complete(given)
    errors.extend(size_errors(table("ticket"), row, shapes.packet))
    for name, text in additional.items():
        for error in size_errors(table("ticket_values"), {"value": text}, shapes.packet):
            errors.append(FieldError(name, error.message.replace("Value", _label(name), 1)))
    first = None if message is None else _nested(message, errors, shapes.packet)
    if errors:
        raise _refused("ticket refused", errors)
    marker = additional.get(shapes.marker) or None
    return TicketRows(row, additional, first, watchers, marker)


def message_rows(payload: TicketMessage, shapes: SupportShapes) -> MessageRows:
    """The ``ticket_messages`` row and its key; Rejected if the API would refuse it or a
    column could not hold it."""
    values = _flags(payload.model_dump(by_alias=True, exclude_none=True))
    values.pop("api_id", None)  # read-only through the API: always the caller's
    errors = []
    if not values.get("ticket_id"):
        errors.append(FieldError("ticket_id", "Ticket ID cannot be blank."))
    if not values["message"].strip():
        errors.append(FieldError("message", "Message cannot be blank."))
    keyed = "date" in values and "time" in values
    moment = shapes.stamp.moment
    given = {"date": moment[:10], "time": moment[11:], "api_id": shapes.api_id,
             "updated_at": moment, **values}  # fmt: skip
    given["message_type"] = message_type(given)
    row = shapes.messages.complete(given)
    errors.extend(size_errors(table("ticket_messages"), row, shapes.packet))
    if errors:
        raise _refused("ticket message refused", errors)
    key = None
    if keyed:
        text = digest(row["message"])
        key = (int(row["ticket_id"]), row["date"], row["time"], row["author_type"], text)
    return MessageRows(row, key)
