"""The API client and the database gateway on one simulated Splynx kept in MariaDB.

What the API writes is read by the gateway under Splynx's real column names;
what the gateway inserts is served by the API. And the gateway's allow-list
agrees with the tables the simulator creates.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from migrator.settings import Settings
from migrator.splynx import payloads as p
from migrator.splynx.client import SplynxClient
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.query import Search
from migrator.splynx.tables import quoted, tables
from tests.support.splynx_db import named_database
from tests.support.splynx_sim import KEY, SECRET, RunningSim, running

pytestmark = pytest.mark.mariadb
_INT_WIDTH = re.compile(r"\b((?:tiny|small|medium|big)?int)\(\d+\)")


@pytest.fixture(scope="module")
def dsn(mariadb: dict[str, Any]) -> Iterator[str]:
    """A database of our own (the simulator creates its tables), dropped afterwards."""
    with named_database(mariadb, prefix="migrator_splynxclient") as (name, _):
        yield name


@pytest.fixture
async def sim(dsn: str) -> AsyncIterator[RunningSim]:
    async with running(db_dsn=dsn) as started:
        yield started


@pytest.fixture
async def client(sim: RunningSim) -> AsyncIterator[SplynxClient]:
    values = {
        "splynx_url": sim.url,
        "splynx_api_key": SecretStr(KEY),
        "splynx_api_secret": SecretStr(SECRET),
    }
    settings = Settings.model_construct(**{**Settings().model_dump(), **values})
    async with SplynxClient.open(settings) as opened:
        yield opened


@pytest.fixture
async def db(dsn: str, sim: RunningSim) -> AsyncIterator[SplynxDatabase]:
    async with SplynxDatabase.open(dsn, pool_size=2) as opened:
        yield opened


async def test_a_customer_created_through_the_api_is_read_with_the_real_columns(
    client: SplynxClient, db: SplynxDatabase
) -> None:
    payload = p.Customer(
        name="Olena Kovalenko", partner_id=1, location_id=1, status="active",
        email="olena@example.net", city="Lviv", additional_attributes={"sonar_id": "4411"},
    )  # fmt: skip
    new = await client.create("customers", payload)
    row = await db.fetch("customers", new)
    assert row is not None
    assert (row["name"], row["status"], row["email"], row["city"]) == (
        "Olena Kovalenko", "active", "olena@example.net", "Lviv",
    )  # fmt: skip
    assert (row["added_by"], row["deleted"], row["category"]) == ("api", "0", "person")
    assert await db.find_by_additional("customers", "sonar_id", 4411) == new
    assert await db.count("customers", {"city": "Lviv"}) == 1


async def test_rows_inserted_by_the_gateway_are_served_by_the_api(
    client: SplynxClient, db: SplynxDatabase
) -> None:
    new = await db.insert(
        "customers",
        {"name": "Taras Bulba", "partner_id": 1, "location_id": 1, "status": "active",
         "login": "tb-1", "date_add": "2024-02-01"},
    )  # fmt: skip
    await db.insert("customers_values", {"customer_id": new, "name": "sonar_id", "value": "9001"})
    record = await client.get("customers", new)
    assert record is not None
    assert (record["name"], record["login"]) == ("Taras Bulba", "tb-1")
    assert record.additional_attributes["sonar_id"] == "9001"
    assert await client.find_by_marker("customers", "9001") == new
    report = await db.bulk_insert(
        "payments",
        [
            {"customer_id": new, "amount": 10 + n, "date": "2024-03-01",
             "receipt_number": f"SONAR-P-{n}", "payment_type": 1}
            for n in range(25)
        ],
        batch_size=10,
    )  # fmt: skip
    assert (report.rows, report.rejected) == (25, ())
    assert await client.count("payments", Search(main={"customer_id": new})) == 25
    assert await client.find_by_marker("payments", "SONAR-P-7") == await db.find_id(
        "payments", "receipt_number", "SONAR-P-7"
    )


async def test_the_allow_list_matches_the_simulated_tables(dsn: str, sim: RunningSim) -> None:
    async with SplynxDatabase.open(dsn, pool_size=1) as db:
        present = {row[0] for row in await db._query("SHOW TABLES", (), "tables")}
        # requests_items (proforma items) is listed only as the model of invoice items
        assert set(tables()) - present <= {"requests_items"}
        for layout in tables().values():
            if layout.name not in present:
                continue
            found = await db._query(f"SHOW COLUMNS FROM {quoted(layout.name)}", (), "layout")
            columns = {row[0]: row[1] for row in found}
            for column in layout.columns:
                assert column.name in columns, f"{layout.name}.{column.name}"
                shown, ours = (
                    _INT_WIDTH.sub(r"\1", t) for t in (columns[column.name], column.type)
                )
                assert shown == ours, f"{layout.name}.{column.name}"  # int(10) = int
