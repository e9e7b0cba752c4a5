"""The database path for tickets writes each ticket and message once, a batch all or nothing.

A simulated Splynx on a MariaDB database of its own: its API created the
customers and reads what ``SupportTables`` wrote. A batch written again is
adopted whole, and so is what the API wrote (a resumed run may switch paths);
a conversation cut in the middle is completed in order; a record the API
would refuse, a column could not hold, or the database refuses is refused
alone with the field named, the rest written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import pymysql
import pytest

from migrator.errors import Rejected
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.payloads.support import Ticket, TicketMessage
from migrator.splynx.support_db import SupportTables, Written
from tests.support import support_payloads as make
from tests.support.splynx_db import named_database
from tests.support.splynx_sim import RunningSim, running

pytestmark = pytest.mark.mariadb

TICKETS = "admin/support/tickets"
MESSAGES = "admin/support/ticket-messages"
COUNTED = ("ticket", "ticket_messages", "ticket_values")


@pytest.fixture
def database(mariadb: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    with named_database(mariadb, prefix="migrator_supdb_once") as named:
        yield named


@pytest.fixture
async def sim(database: tuple[str, dict[str, Any]]) -> AsyncIterator[RunningSim]:
    async with running(db_dsn=database[0], additional_fields=make.SUPPORT_FIELDS) as started:
        yield started


@pytest.fixture
async def customers(sim: RunningSim) -> list[int]:
    return [await sim.customer(f"Customer {n}") for n in range(2)]


@pytest.fixture
async def tables(database: tuple[str, Any], sim: RunningSim) -> AsyncIterator[SupportTables]:
    async with SplynxDatabase.open(database[0], pool_size=2) as db:
        yield SupportTables(db)


def _counts(params: dict[str, Any]) -> dict[str, int]:
    """Rows per ticket table (deleted ones too)."""
    with pymysql.connect(**params) as connection, connection.cursor() as cursor:
        found = {}
        for name in COUNTED:
            cursor.execute(f"SELECT COUNT(*) FROM `{name}`")  # names from the tuple above
            found[name] = int(cursor.fetchone()[0])
        return found


def _ids(results: Sequence[Written | Rejected], how: str) -> list[int]:
    assert all(isinstance(r, Written) and r.how == how for r in results), results
    return [r.splynx_id for r in results if isinstance(r, Written)]


async def _thread(sim: RunningSim, ticket: int) -> list[str]:
    """The texts of a ticket's messages as the API lists them."""
    listed = (await sim.client.get(MESSAGES)).json()
    return [m["message"] for m in listed if m["ticket_id"] == ticket]


async def test_a_batch_written_again_is_adopted_and_nothing_moves(
    tables: SupportTables, customers: list[int], database: tuple[str, Any]
) -> None:
    tickets = make.tickets(customers)
    first = _ids(await tables.tickets(tickets), "created")
    messages = make.conversation(first, customers)
    written = _ids(await tables.ticket_messages(messages), "created")
    counts = _counts(database[1])
    assert counts == {"ticket": 3, "ticket_messages": 15, "ticket_values": 3}

    assert _ids(await tables.tickets(tickets), "adopted") == first
    assert _ids(await tables.ticket_messages(messages), "adopted") == written
    assert _counts(database[1]) == counts


async def test_what_the_api_wrote_is_adopted(
    tables: SupportTables, customers: list[int], sim: RunningSim
) -> None:
    ticket = make.tickets(customers)[0]
    made = await sim.create(TICKETS, ticket.body())
    message = make.messages_of(made, customers[0])[3]  # the emoji one
    posted = await sim.create(MESSAGES, message.body())
    assert _ids(await tables.tickets([ticket]), "adopted") == [made]
    assert _ids(await tables.ticket_messages([message]), "adopted") == [posted]


async def test_a_conversation_cut_in_the_middle_is_completed_in_order(
    tables: SupportTables, customers: list[int], sim: RunningSim
) -> None:
    [ticket] = _ids(await tables.tickets(make.tickets(customers)[:1]), "created")
    thread = make.messages_of(ticket, customers[0])
    done = _ids(await tables.ticket_messages(thread[:3]), "created")
    results = await tables.ticket_messages(thread)
    assert _ids(results[:3], "adopted") == done
    rest = _ids(results[3:], "created")
    assert done + rest == sorted(done + rest)
    assert await _thread(sim, ticket) == [m.message for m in thread]


async def test_a_message_twice_in_a_batch_is_written_once(
    tables: SupportTables, customers: list[int], sim: RunningSim
) -> None:
    [ticket] = _ids(await tables.tickets(make.tickets(customers)[1:2]), "created")
    one, two = make.messages_of(ticket, None)[:2]
    results = await tables.ticket_messages([one, two, one])
    assert [r.how for r in results if isinstance(r, Written)] == ["created", "created", "adopted"]
    assert isinstance(results[0], Written) and isinstance(results[2], Written)
    assert results[2].splynx_id == results[0].splynx_id
    assert await _thread(sim, ticket) == [one.message, two.message]


def _field(result: Written | Rejected) -> str:
    assert isinstance(result, Rejected), result
    return result.field


async def test_a_bad_ticket_is_refused_alone_with_the_field_named(
    tables: SupportTables, customers: list[int], database: tuple[str, Any]
) -> None:
    good = make.tickets(customers)

    def marked(ticket: Ticket, marker: str, **changes: Any) -> Ticket:
        return ticket.model_copy(update={**changes, "additional_attributes": {"sonar_id": marker}})

    bad = [
        marked(good[0], "b1", customer_id=999),
        # past the payload's own check (model_copy does not validate): the column is the limit
        marked(good[1], "b2", subject="x" * 257),
        marked(good[1], "b3", type_id=99),
        marked(good[1], "b4", watchers=[999]),
        marked(good[1], "b5", related_account_id=2**31),  # the database refuses it: bisection
    ]
    results = await tables.tickets([good[0], *bad, good[1], good[2]])
    assert [_field(r) for r in results[1:6]] == [
        "customer_id", "subject", "type_id", "watchers", "related_account_id"]  # fmt: skip
    assert "Customer ID is invalid" in str(results[1])
    assert "at most 256 characters" in str(results[2])
    assert _ids([results[0], *results[6:]], "created")
    assert _counts(database[1])["ticket"] == 3


async def test_a_bad_message_is_refused_alone_with_the_field_named(
    tables: SupportTables, customers: list[int], sim: RunningSim
) -> None:
    [ticket] = _ids(await tables.tickets(make.tickets(customers)[:1]), "created")
    thread = make.messages_of(ticket, customers[0])
    huge = "é" * (8 * 1024 * 1024 + 1)  # 16 MiB + 2 bytes: more than a mediumtext holds
    bad = [
        thread[1].model_copy(update={"ticket_id": 9999}),
        thread[1].model_copy(update={"admin_id": 999, "message": "by nobody"}),
        thread[1].model_copy(update={"message": huge}),
        thread[1].model_copy(update={"message": "   "}),
        # the database refuses it (out of range)
        thread[1].model_copy(update={"incoming_customer_id": 2**32, "message": "too far"}),
    ]
    results = await tables.ticket_messages([thread[0], *bad, thread[2]])
    fields = [_field(r) for r in results[1:6]]
    assert fields == ["ticket_id", "admin_id", "message", "message", "incoming_customer_id"]
    assert "mediumtext" in str(results[3])
    assert _ids([results[0], results[6]], "created")
    assert await _thread(sim, ticket) == [thread[0].message, thread[2].message]


async def test_a_payload_nothing_identifies_is_written_each_time(
    tables: SupportTables, customers: list[int]
) -> None:
    unmarked = Ticket(subject="No marker", priority="low", type_id=1)
    [first] = _ids(await tables.tickets([unmarked]), "created")
    [again] = _ids(await tables.tickets([unmarked]), "created")
    assert again != first
    undated = TicketMessage(ticket_id=first, message="When?", time=None)
    assert len(set(_ids(await tables.ticket_messages([undated, undated]), "created"))) == 2
