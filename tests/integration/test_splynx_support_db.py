"""The database path for tickets leaves Splynx's tables as Splynx's API would.

Two simulated Splynx instances, each on a MariaDB database of its own, get
the same customers; then the same tickets and messages go to one through its
API (over HTTP) and to the other through ``SupportTables``. Read back through
each one's API, every ticket and message must be the same, field by field,
but for the ids and the moments the server stamps; the marker shows on a
database-written ticket as on an API-created one, and a ticket's messages
come back in the order given.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from migrator.errors import Rejected
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.support_db import SupportTables, Written
from tests.support import support_payloads as make
from tests.support.splynx_db import named_database
from tests.support.splynx_sim import RunningSim, running

pytestmark = pytest.mark.mariadb

TICKETS = "admin/support/tickets"
MESSAGES = "admin/support/ticket-messages"
STAMPS = frozenset({"id", "updated_at"})


@dataclass
class Side:
    sim: RunningSim
    dsn: str
    customers: list[int]


@pytest.fixture
def databases(mariadb: dict[str, Any]) -> Iterator[tuple[str, str]]:
    with (
        named_database(mariadb, prefix="migrator_supdb_api") as api,
        named_database(mariadb, prefix="migrator_supdb_sql") as sql,
    ):
        yield api[0], sql[0]


async def _side(dsn: str) -> AsyncIterator[Side]:
    async with running(db_dsn=dsn, additional_fields=make.SUPPORT_FIELDS) as sim:
        made = [await sim.customer(f"Customer {n}") for n in range(3)]
        yield Side(sim, dsn, made)


@pytest.fixture
async def api_side(databases: tuple[str, str]) -> AsyncIterator[Side]:
    async for side in _side(databases[0]):
        yield side


@pytest.fixture
async def sql_side(databases: tuple[str, str]) -> AsyncIterator[Side]:
    async for side in _side(databases[1]):
        yield side


def _created(results: Sequence[Written | Rejected]) -> list[int]:
    assert all(isinstance(r, Written) and r.how == "created" for r in results), results
    return [r.splynx_id for r in results if isinstance(r, Written)]


async def _answers(side: Side) -> dict[str, Any]:
    """Tickets and messages as the API shows them, a message's ticket by its marker,
    ids and the server's moments left out; messages in the API's order."""
    client = side.sim.client
    tickets = (await client.get(TICKETS)).json()
    marker = {t["id"]: t["additional_attributes"]["sonar_id"] for t in tickets}
    messages = (await client.get(MESSAGES)).json()
    for message in messages:
        message["ticket_id"] = marker[message["ticket_id"]]

    def shown(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if k not in STAMPS}

    return {
        "tickets": sorted((shown(t) for t in tickets), key=json.dumps),
        "messages": [shown(m) for m in messages],
    }


async def test_the_database_path_writes_what_the_api_writes(api_side: Side, sql_side: Side) -> None:
    customers = api_side.customers
    assert sql_side.customers == customers  # fresh databases: the same ids
    tickets = make.tickets(customers)
    on_api = [await api_side.sim.create(TICKETS, t.body()) for t in tickets]
    reporter = (await api_side.sim.client.get(f"{TICKETS}/{on_api[1]}")).json()["reporter_id"]
    async with SplynxDatabase.open(sql_side.dsn, pool_size=2) as db:
        tables = SupportTables(db, api_id=reporter)
        on_sql = _created(await tables.tickets(tickets))
        assert on_sql == on_api
        messages = make.conversation(on_api, customers)
        for message in messages:
            await api_side.sim.create(MESSAGES, message.body())
        assert len(_created(await tables.ticket_messages(messages))) == len(messages)

    api, sql = await _answers(api_side), await _answers(sql_side)
    assert sql["tickets"] == api["tickets"]
    assert sql["messages"] == api["messages"]
    markers = sorted(t["additional_attributes"]["sonar_id"] for t in sql["tickets"])
    assert markers == ["9001", "9002", "9003"]
    notes = [m for m in sql["messages"] if m["hide_for_customer"] == "1"]
    assert notes and all(m["message_type"] == "note" for m in notes)
    texts = [m["message"] for m in sql["messages"]]
    assert make.BIG in texts and make.RTL in texts and make.EMOJI in texts
    assert [m["customer_id"] for m in sql["messages"] if m["ticket_id"] == "9002"] == [0] * 7


async def test_a_tickets_messages_come_back_in_the_order_given(sql_side: Side) -> None:
    customer = sql_side.customers[0]
    async with SplynxDatabase.open(sql_side.dsn, pool_size=2) as db:
        tables = SupportTables(db)
        [ticket] = _created(await tables.tickets(make.tickets(sql_side.customers)[:1]))
        # written in the order given, even where dates say otherwise (Sonar's order wins)
        thread = list(reversed(make.messages_of(ticket, customer)))
        ids = _created(await tables.ticket_messages(thread))
    assert ids == sorted(ids)
    listed = (await sql_side.sim.client.get(MESSAGES)).json()
    shown = [m["message"] for m in listed if m["ticket_id"] == ticket]
    assert shown == [m.message for m in thread]
