"""Writing one batch of new tickets or ticket messages inside one transaction.

Each writer gets the records no look-up found (``support_db`` did that) and
does, in bulk, what the simulator's API does one record at a time
(``finance_support_endpoints``, ``behaviours_support``):

- the foreign keys the API checks, each set in one query: a record naming a
  missing customer, type, status, group, administrator or ticket is refused
  with the field named, as the API answers 422, and the rest go on;
- the records in multi-row INSERTs, in the batch's order (a ticket's messages
  get ascending ids in the order given, so Splynx lists them in that order);
- what the application adds: a ticket's additional values (its marker) in
  ``ticket_values`` and its nested first message; a message's customer taken
  from its ticket when none is given, and its ticket's ``updated_at`` touched.

A writer answers per record index: the new id, or why it was refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from migrator.errors import FieldError, Rejected
from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_sql import live_ids, rows_by_id
from migrator.splynx.support_rows import MessageRows, SupportShapes, TicketRows
from migrator.splynx.support_rules import first_message, message_customer
from migrator.splynx.support_sql import (
    ServerLimits,
    insert_all,
    insert_with_ids,
    touch_tickets,
)

__all__ = ["Made", "Setting", "write_messages", "write_tickets"]

Made = dict[int, "int | Rejected"]  # record index -> new id, or why it was refused


@dataclass(frozen=True)
class Setting:
    """What every statement of a batch is shaped by: the rows' shapes, the server's limits."""

    shapes: SupportShapes
    limits: ServerLimits


# column -> (table it names, 0 allowed, the label the API's message uses)
_References = dict[str, tuple[str, bool, str]]
_TICKET_REFERENCES: _References = {
    "customer_id": ("customers", True, "Customer ID"),
    "type_id": ("ticket_types", False, "Type"),
    "status_id": ("ticket_statuses", False, "Status"),
    "group_id": ("ticket_groups", True, "Group"),
    "assign_to": ("admins", True, "Assigned to"),
}
_MESSAGE_REFERENCES: _References = {
    "customer_id": ("customers", True, "Customer ID"),
    "admin_id": ("admins", True, "Admin ID"),
}


def _invalid(field: str, label: str) -> FieldError:
    return FieldError(field, f"{label} is invalid.")


def _refused(what: str, errors: list[FieldError]) -> Rejected:
    return Rejected(f"{what}: " + "; ".join(e.message for e in errors), errors)


async def _live(tx: SqlTransaction, name: str, ids: Iterable[object]) -> set[int]:
    return await live_ids(tx, name, [int(str(i)) for i in ids if i])


async def _references(
    tx: SqlTransaction, rows: Sequence[dict[str, object]], references: _References
) -> list[list[FieldError]]:
    """Per row, the references that name no live row (one query per referenced table)."""
    live = {
        column: await _live(tx, name, (row.get(column) for row in rows))
        for column, (name, _, _) in references.items()
    }
    found = []
    for row in rows:
        errors = []
        for column, (_, zero_ok, label) in references.items():
            value = row.get(column)
            if value is None or (zero_ok and not value):
                continue
            if int(str(value)) not in live[column]:
                errors.append(_invalid(column, label))
        found.append(errors)
    return found


async def write_tickets(
    tx: SqlTransaction, todo: Sequence[tuple[int, TicketRows]], setting: Setting
) -> Made:
    """Tickets, their additional values and their first messages."""
    shapes = setting.shapes
    problems = await _references(tx, [r.row for _, r in todo], _TICKET_REFERENCES)
    admins = await _live(tx, "admins", (w for _, r in todo for w in r.watchers))
    made: Made = {}
    kept: list[tuple[int, TicketRows]] = []
    for (index, rows), errors in zip(todo, problems, strict=True):
        if any(w not in admins for w in rows.watchers):
            errors.append(_invalid("watchers", "Watchers"))
        if errors:
            made[index] = _refused("ticket refused", errors)
        else:
            kept.append((index, rows))
    if not kept:
        return made
    ids = await insert_with_ids(
        tx, shapes.tickets, [r.row for _, r in kept], setting.limits, "subject"
    )
    values, firsts = [], []
    moment, api_id = shapes.stamp.moment, shapes.api_id
    for (index, ticket), ident in zip(kept, ids, strict=True):
        made[index] = ident
        for name, text in ticket.additional.items():
            values.append(shapes.values.complete({"ticket_id": ident, "name": name, "value": text}))
        if ticket.first is not None:
            row = first_message(ident, ticket.row["customer_id"], api_id, moment, ticket.first)
            firsts.append(shapes.messages.complete(row))
    await insert_all(tx, shapes.values, values, setting.limits)
    await insert_all(tx, shapes.messages, firsts, setting.limits)
    return made


async def write_messages(
    tx: SqlTransaction, todo: Sequence[tuple[int, MessageRows]], setting: Setting
) -> Made:
    """Messages in the batch's order, each with its ticket's customer if none was given;
    the tickets they were added to touched."""
    wanted = {int(r.row["ticket_id"]) for _, r in todo}
    tickets = await rows_by_id(tx, "ticket", ("customer_id",), wanted, lock=False)
    made: Made = {}
    kept: list[tuple[int, MessageRows]] = []
    for _, rows in todo:
        row, ticket = rows.row, tickets.get(int(rows.row["ticket_id"]))
        if ticket is not None:
            row["customer_id"] = message_customer(row["customer_id"], ticket["customer_id"])
    problems = await _references(tx, [r.row for _, r in todo], _MESSAGE_REFERENCES)
    for (index, rows), errors in zip(todo, problems, strict=True):
        if int(rows.row["ticket_id"]) not in tickets:
            errors.insert(0, _invalid("ticket_id", "Ticket ID"))
        if errors:
            made[index] = _refused("ticket message refused", errors)
        else:
            kept.append((index, rows))
    if not kept:
        return made
    written = [r.row for _, r in kept]
    ids = await insert_with_ids(tx, setting.shapes.messages, written, setting.limits, "ticket_id")
    made.update((index, ident) for (index, _), ident in zip(kept, ids, strict=True))
    await touch_tickets(tx, (int(r["ticket_id"]) for r in written), setting.shapes.stamp.moment)
    return made
