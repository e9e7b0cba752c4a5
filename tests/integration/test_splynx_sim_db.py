"""The simulator on the local MariaDB (``--db``): Splynx's real tables, readable and writable
with plain SQL, and answering exactly as the in-memory store does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pymysql
import pytest
from pymysql.cursors import DictCursor

from tests.support.php_query import DOCUMENTED_QUERY, http_build_query
from tests.support.splynx_db import named_database
from tests.support.splynx_records import internet_service, internet_tariff
from tests.support.splynx_searches import ADDITIONAL_FIELDS, SEARCHES, make_customers
from tests.support.splynx_sim import running

pytestmark = [pytest.mark.mariadb]

CUSTOMERS = "admin/customers/customer"
VALID = {"partner_id": 1, "location_id": 1}


@pytest.fixture
def database(mariadb: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """A DSN naming a fresh database of our own (created by the simulator), dropped after."""
    with named_database(mariadb, prefix="migrator_splynxsim") as (dsn, params):
        yield dsn, params


def sql(
    params: dict[str, Any], statement: str, values: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    with (
        pymysql.connect(**params, cursorclass=DictCursor, autocommit=True) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, values)
        return list(cursor.fetchall())


async def test_what_the_api_writes_is_plain_sql_under_the_real_names(
    database: tuple[str, dict[str, Any]],
) -> None:
    dsn, params = database
    async with running(db_dsn=dsn) as sim:
        customer = await sim.customer(
            "Ann Example",
            login="ann",
            email="ann@example.com",
            status="active",
            additional_attributes={"sonar_id": "4242"},
        )
        tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
        service = await sim.create(
            f"{CUSTOMERS}/{customer}/internet-services", internet_service("ann-1", tariff)
        )
        invoice = await sim.create(
            "admin/finance/invoices",
            {"customer_id": customer, "status": "not_paid", "number": "INV-1",
             "items": [{"description": "March", "price": 10, "quantity": 3}]},
        )  # fmt: skip
        [row] = sql(params, "SELECT * FROM customers WHERE id = %s", (customer,))
        assert (row["login"], row["name"], row["email"]) == (
            "ann",
            "Ann Example",
            "ann@example.com",
        )
        assert (row["partner_id"], row["status"], row["deleted"], row["added_by"]) == (
            1,
            "active",
            "0",
            "api",
        )
        assert sql(params, "SELECT customer_id, passport FROM customer_info") == [
            {"customer_id": customer, "passport": ""}
        ]
        assert sql(params, "SELECT customer_id, name, value FROM customers_values") == [
            {"customer_id": customer, "name": "sonar_id", "value": "4242"}
        ]
        [line] = sql(params, "SELECT customer_id, tariff_id, login FROM services_internet")
        assert (line["customer_id"], line["tariff_id"], line["login"]) == (
            customer,
            tariff,
            "ann-1",
        )
        assert service == 1
        assert sql(params, "SELECT partner_id FROM tariffs_internet_to_partners") == [
            {"partner_id": 1}
        ]
        [bill] = sql(params, "SELECT number, total FROM invoices WHERE id = %s", (invoice,))
        assert (bill["number"], str(bill["total"])) == ("INV-1", "30.0000")
        assert sql(params, "SELECT invoice_id, description FROM invoices_items") == [
            {"invoice_id": invoice, "description": "March"}
        ]
        await sim.client.put(f"{CUSTOMERS}/{customer}", json={"status": "disabled"})
        assert (await sim.client.delete(f"{CUSTOMERS}/{customer}")).status_code == 204
        assert sql(params, "SELECT deleted FROM customers") == [{"deleted": "1"}]


async def test_rows_inserted_with_sql_are_served_by_the_api(
    database: tuple[str, dict[str, Any]],
) -> None:
    dsn, params = database
    async with running(db_dsn=dsn) as sim:
        sql(
            params,
            "INSERT INTO customers (billing_type, partner_id, location_id, added_by, added_by_id,"
            " status, login, category, password, name, email, phone, street_1, zip_code, city,"
            " date_add, last_online, last_update, daily_prepaid_cost)"
            " VALUES ('recurring', 1, 1, 'admin', 0, 'active', 'bulk1', 'company', '',"
            " 'Bulk Ltd', 'bulk@example.com', '', 'Main St 1', '1000', 'Town', '2023-05-06',"
            " '0000-00-00 00:00:00', '2023-05-06 10:00:00', 0)",
        )
        [row] = sql(params, "SELECT id FROM customers WHERE login = 'bulk1'")
        sql(
            params,
            "INSERT INTO customers_values (customer_id, name, value) VALUES (%s, 'sonar_id', '99')",
            (row["id"],),
        )
        sql(
            params,
            "INSERT INTO invoices (customer_id, number, date_created, real_create_datetime,"
            " date_updated, date_payment, date_till, total, due, payment_id, note, memo)"
            " VALUES (%s, 'SQL-1', '2023-06-01', '2023-06-01 09:00:00', '2023-06-01',"
            " '0000-00-00', '2023-06-15', 12.5, 12.5, 0, '', '')",
            (row["id"],),
        )
        sql(
            params,
            "INSERT INTO invoices_items (invoice_id, pos, description, quantity, unit, price, tax,"
            " tax_id, period_from, period_to) SELECT id, 1, 'Old plan', 1, '', 12.5, 0, 0,"
            " '2023-05-01', '2023-05-31' FROM invoices WHERE number = 'SQL-1'",
        )
        record = (await sim.client.get(f"{CUSTOMERS}/{row['id']}")).json()
        by_marker = await sim.client.get(
            f"{CUSTOMERS}?{http_build_query({'additional_attributes': {'sonar_id': '99'}})}"
        )
        invoices = (await sim.client.get("admin/finance/invoices")).json()
    assert record["name"] == "Bulk Ltd" and record["category"] == "company"
    assert record["date_add"] == "2023-05-06" and record["daily_prepaid_cost"] == "0.0000"
    assert record["additional_attributes"] == {"sonar_id": "99"}
    assert [c["id"] for c in by_marker.json()] == [row["id"]]
    assert [(i["number"], i["total"], i["date_payment"]) for i in invoices] == [
        ("SQL-1", "12.5000", "0000-00-00")
    ]
    assert [(i["description"], i["price"]) for i in invoices[0]["items"]] == [
        ("Old plan", "12.5000")
    ]


async def test_both_stores_answer_every_search_identically(
    database: tuple[str, dict[str, Any]],
) -> None:
    dsn, _ = database
    queries = [s.query() for s in SEARCHES] + [
        DOCUMENTED_QUERY,
        http_build_query({"order": {"status": "DESC", "email": "ASC"}, "limit": 9, "offset": 3}),
        http_build_query(
            {"main_attributes": {"name": ["LIKE", "customer 1"]}, "order": {"login": "DESC"}}
        ),
    ]
    answers: list[list[Any]] = []
    for db in (None, dsn):
        async with running(db_dsn=db, additional_fields=ADDITIONAL_FIELDS) as sim:
            await make_customers(sim)
            results = []
            for query in queries:
                listed = await sim.client.get(f"{CUSTOMERS}?{query}")
                counted = await sim.client.head(f"{CUSTOMERS}?{query}")
                results.append((listed.json(), counted.headers["X-total-count"]))
            answers.append(results)
    memory, mariadb = answers
    for query, ours, theirs in zip(queries, memory, mariadb, strict=True):
        assert [r["id"] for r in ours[0]] == [r["id"] for r in theirs[0]], query
        assert ours[1] == theirs[1], query
    volatile = {"last_update", "date_add"}
    strip = [{k: v for k, v in r.items() if k not in volatile} for r in memory[-1][0]]
    assert strip == [{k: v for k, v in r.items() if k not in volatile} for r in mariadb[-1][0]]


@pytest.mark.parametrize("store", ["memory", "mariadb"])
async def test_concurrent_creates_never_duplicate_a_unique_value(
    database: tuple[str, dict[str, Any]], store: str
) -> None:
    dsn, _ = database
    async with running(db_dsn=dsn if store == "mariadb" else None) as sim:
        marker = {"additional_attributes": {"sonar_id": "same"}}
        bodies = [{**VALID, "name": f"Twin {n}", **marker} for n in range(12)]
        bodies += [{**VALID, "name": f"Auto {n}"} for n in range(12)]
        answers = []

        async def post(body: dict[str, Any]) -> None:
            answers.append(await sim.client.post(CUSTOMERS, json=body))

        async with anyio.create_task_group() as group:
            for body in bodies:
                group.start_soon(post, body)
        records = (await sim.client.get(CUSTOMERS)).json()
    twins = [r for r in records if r["name"].startswith("Twin")]
    assert len(twins) == 1  # one won the marker, eleven were told it is taken
    assert sorted(a.status_code for a in answers).count(422) == 11
    logins = [r["login"] for r in records]
    assert len(set(logins)) == len(logins) == 13  # generated logins never collide


async def test_state_survives_a_restart_and_is_seeded_once(
    database: tuple[str, dict[str, Any]],
) -> None:
    dsn, params = database
    async with running(db_dsn=dsn) as sim:
        customer = await sim.customer("Kept")
    async with running(db_dsn=dsn) as sim:
        record = (await sim.client.get(f"{CUSTOMERS}/{customer}")).json()
        partners = (await sim.client.get("admin/administration/partners")).json()
    assert record["name"] == "Kept"
    assert [p["id"] for p in partners] == [1]
    assert sql(params, "SELECT COUNT(*) AS n FROM payments_types") == [{"n": 5}]
