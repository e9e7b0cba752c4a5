"""Splynx's ticket tables written straight through MySQL, as Splynx's API would leave them.

About 36,000 tickets and 72,000 messages at 10,000 accounts (issue 15):
through the API an hour of Splynx's capacity, through the database a few
seconds. ``SupportTables`` writes, per payload, the rows a POST of the same
body through the API writes (the simulator's API on MariaDB is our model of
it, and ``tests/integration/test_splynx_support_db*.py`` hold the two side by
side), modelled on the money path (``finance_db``):

- ``tickets``: the ``ticket`` row with the defaults the API fills, its
  additional values in ``ticket_values`` (the marker ``sonar_id`` among them,
  where the API keeps them, so the API shows it on a database-written ticket
  as on its own) and its nested first message, if any;
- ``ticket_messages``: the ``ticket_messages`` rows in the order given (a
  ticket's messages get ascending ids, so Splynx lists them in that order),
  notes for messages hidden from the customer, the ticket's customer where
  none is given, and the tickets' ``updated_at`` touched.

Details and inferences in ``support_rows``, ``support_rules`` (shared with the
simulator), ``support_writes`` and ``support_sql``.

ASSUMPTIONS: rows carry ``reporter_type``/``source`` ``api`` and the caller's
id (``api_id``: the API key the migration uses, if known, else 0), as the
API's own rows would; the additional fields are written as given (the
database path cannot see their definitions: ``migrator check`` verifies the
marker field through the API).

Effectively once, atomic per batch: one call is one MySQL transaction. The
batch's identities are looked up first in one query (a ticket by its marker,
a message by ticket, date, time, author type and exact text): a record found
is adopted; one twice in a batch is written once and the second adopted as
the first (two messages alike in all of that are one message to Splynx's
eyes). The rest are written in bulk, then COMMIT: a crash mid-batch leaves
nothing of it, and a re-run completes it, a conversation cut in the middle
included (its written messages are adopted, the rest follow in order). A
record the API would refuse, or a column could not hold whole, is refused
alone with the field named; one the database refuses is found by bisection
(each probe rolled back). Deadlocks, lock waits and a lost connection retry
the batch (its look-up first; a lost COMMIT only when every record has an
identity). A record without one (a ticket with no marker, a message with no
date and time) is written each time it is given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Generic, Protocol, TypeVar

from migrator.policy.retry import RetryPolicy
from migrator.splynx.batch_write import BatchKind, Outcome, Written, write_batch
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_rows import Stamp
from migrator.splynx.payloads.base import SplynxPayload
from migrator.splynx.payloads.support import Ticket, TicketMessage
from migrator.splynx.support_rows import (
    MessageRows,
    SupportShapes,
    TicketRows,
    message_rows,
    ticket_rows,
)
from migrator.splynx.support_sql import ServerLimits, find_messages, find_tickets, server_limits
from migrator.splynx.support_writes import Made, Setting, write_messages, write_tickets

__all__ = ["SupportTables", "Written"]


class _Rows(Protocol):
    @property
    def key(self) -> Hashable | None: ...


P = TypeVar("P", bound=SplynxPayload)
R = TypeVar("R", bound=_Rows)


@dataclass(frozen=True)
class _Kind(Generic[P, R]):
    """One kind of support record: how its rows are built, found and written."""

    name: str
    rows: Callable[[P, SupportShapes], R]
    find: Callable[[SqlTransaction, Sequence[R], SupportShapes], Awaitable[dict[Hashable, int]]]
    write: Callable[[SqlTransaction, Sequence[tuple[int, R]], Setting], Awaitable[Made]]


async def _find_tickets(
    tx: SqlTransaction, rows: Sequence[TicketRows], shapes: SupportShapes
) -> dict[Hashable, int]:
    markers = [r.marker for r in rows if r.marker is not None]
    found: dict[Hashable, int] = {}
    if markers:
        found.update(await find_tickets(tx, shapes.marker, markers))
    return found


async def _find_messages(
    tx: SqlTransaction, rows: Sequence[MessageRows], shapes: SupportShapes
) -> dict[Hashable, int]:
    tickets = [r.key[0] for r in rows if r.key is not None]
    found: dict[Hashable, int] = {}
    if tickets:
        found.update((await find_messages(tx, tickets)).items())
    return found


_TICKETS = _Kind[Ticket, TicketRows]("tickets", ticket_rows, _find_tickets, write_tickets)
_MESSAGES = _Kind[TicketMessage, MessageRows](
    "ticket messages", message_rows, _find_messages, write_messages
)


class SupportTables:
    """Tickets and ticket messages written through ``SplynxDatabase``, a batch a call.

    ``api_id``: the id Splynx records as the writer (the API key's, if known);
    ``marker``: the ticket additional field holding the Sonar id; ``clock``:
    local time now (the times the server fills); ``retry``: the policy for
    deadlocks, lock waits and lost connections.
    """

    def __init__(
        self,
        db: SplynxDatabase,
        *,
        api_id: int | None = None,
        marker: str = "sonar_id",
        clock: Callable[[], datetime] = datetime.now,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._db = db
        self._api_id = api_id or 0
        self._marker = marker
        self._clock = clock
        self._retry = retry or RetryPolicy(budget=60.0, initial=0.05, maximum=2.0)
        self._limits: ServerLimits | None = None

    async def tickets(self, payloads: Sequence[Ticket]) -> list[Outcome]:
        return await self._batch(_TICKETS, payloads)

    async def ticket_messages(self, payloads: Sequence[TicketMessage]) -> list[Outcome]:
        return await self._batch(_MESSAGES, payloads)

    async def _setting(self) -> Setting:
        if self._limits is None:
            async with self._db.transaction("read the server's limits", commit=False) as tx:
                self._limits = await server_limits(tx)
        stamp = Stamp(self._clock())
        shapes = SupportShapes.of(stamp, self._api_id, self._marker, self._limits.packet)
        return Setting(shapes, self._limits)

    async def _batch(self, kind: _Kind[P, R], payloads: Sequence[P]) -> list[Outcome]:
        """One result per payload, in order; the batch in one transaction."""
        setting = await self._setting()
        batch = BatchKind[P, R](
            kind.name,
            lambda payload: kind.rows(payload, setting.shapes),
            partial(_write, kind=kind, setting=setting),
            lambda rows: rows.key is not None,
        )
        return await write_batch(self._db, self._retry, batch, payloads)


async def _write(
    tx: SqlTransaction, todo: Sequence[tuple[int, R]], *, kind: _Kind[P, R], setting: Setting
) -> dict[int, Outcome]:
    """Adopt what the look-up finds, write the rest, adopt in-batch repeats as their first."""
    found = await kind.find(tx, [rows for _, rows in todo], setting.shapes)
    results: dict[int, Outcome] = {}
    first: dict[Hashable, int] = {}
    new: list[tuple[int, R]] = []
    for index, rows in todo:
        key = rows.key
        if key is not None and key in found:
            results[index] = Written(found[key], "adopted")
        elif key is None or key not in first:
            new.append((index, rows))
            if key is not None:
                first[key] = index
    made = await kind.write(tx, new, setting) if new else {}
    for index, outcome in made.items():
        results[index] = Written(outcome, "created") if isinstance(outcome, int) else outcome
    for index, rows in todo:
        if index not in results and rows.key is not None:  # a repeat of an earlier record
            earlier = results[first[rows.key]]
            if isinstance(earlier, Written):
                earlier = Written(earlier.splynx_id, "adopted")
            results[index] = earlier
    return results
