"""The database gateway on the real MariaDB, in a scratch database of Splynx's tables."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest

from migrator.errors import AuthFailed, ConfigError, Rejected, TransportError
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.dsn import Dsn
from tests.support.splynx_db import scratch_database

pytestmark = pytest.mark.mariadb
TABLES = ("customers", "customers_values", "payments", "billing_transactions", "customer_info")


@pytest.fixture(scope="module")
def dsn(mariadb: dict[str, object]) -> Iterator[str]:
    with scratch_database(mariadb, TABLES) as url:
        yield url


@pytest.fixture
async def db(dsn: str) -> AsyncIterator[SplynxDatabase]:
    async with SplynxDatabase.open(dsn, pool_size=2) as opened:
        yield opened


def transaction(n: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "customer_id": 1 + n % 7, "type": "debit", "price": Decimal("12.5000"),
        "total": Decimal("12.5000"), "date": "2024-03-01", "category": 1,
        "description": f"Sonar debit {n}", "comment": f"sonar:debit:{n}",
        "service_type": "internet",
    }  # fmt: skip
    row.update(changes)
    return row


async def test_bulk_insert_in_batches_reports_rows_per_second(db: SplynxDatabase) -> None:
    before = await db.count("billing_transactions")
    report = await db.bulk_insert("billing_transactions", [transaction(n) for n in range(2500)])
    assert (report.rows, report.batches, report.rejected) == (2500, 3, ())
    assert report.rows_per_second > 0
    assert await db.count("billing_transactions") == before + 2500
    found = await db.find_id("billing_transactions", "comment", "sonar:debit:2499")
    assert found is not None
    row = await db.fetch("billing_transactions", found)
    assert row is not None
    assert (row["description"], row["total"], row["deleted"]) == (
        "Sonar debit 2499", Decimal("12.5000"), "0",
    )  # fmt: skip
    assert str(row["period_from"]) == "0000-00-00"  # zero value filled in, as Splynx does


async def test_a_bad_row_is_reported_and_the_rest_of_its_batch_kept(db: SplynxDatabase) -> None:
    rows = [transaction(10_000 + n) for n in range(50)]
    rows[17]["description"] = "x" * 300  # varchar(255): too long in strict mode
    rows[33]["type"] = "refund"  # not in enum('debit','credit')
    before = await db.count("billing_transactions")
    report = await db.bulk_insert("billing_transactions", rows, batch_size=20)
    assert report.rows == 48
    assert [r.index for r in report.rejected] == [17, 33]
    assert report.rejected[0].error.field == "description"
    assert "1406" in str(report.rejected[0].error)
    assert await db.count("billing_transactions") == before + 48


async def test_marker_lookups_count_and_soft_delete(db: SplynxDatabase) -> None:
    kept = await db.insert("payments", {"customer_id": 5, "receipt_number": "S-1", "amount": 9})
    gone = await db.insert(
        "payments", {"customer_id": 5, "receipt_number": "S-2", "amount": 1, "deleted": "1"}
    )
    assert await db.find_id("payments", "receipt_number", "S-1") == kept
    assert await db.find_id("payments", "receipt_number", "S-2") is None
    assert await db.find_id("payments", "receipt_number", "S-2", deleted=True) == gone
    assert await db.count("payments", {"customer_id": 5}) == 1
    assert await db.count("payments", {"customer_id": 5}, deleted=True) == 2
    injection = "S-1' OR '1'='1"
    assert await db.find_id("payments", "receipt_number", injection) is None


async def test_additional_field_lookup(db: SplynxDatabase) -> None:
    live = await db.insert("customers", {"name": "Ana", "partner_id": 1, "location_id": 1})
    dead = await db.insert("customers", {"name": "Old", "deleted": "1"})
    await db.bulk_insert(
        "customers_values",
        [
            {"customer_id": live, "name": "sonar_id", "value": "77"},
            {"customer_id": dead, "name": "sonar_id", "value": "78"},
        ],
    )
    assert await db.find_by_additional("customers", "sonar_id", 77) == live
    assert await db.find_by_additional("customers", "sonar_id", 78) is None
    row = await db.fetch("customers", live)
    assert row is not None and row["name"] == "Ana" and row["status"] == "new"


async def test_duplicate_primary_key_is_a_rejection(db: SplynxDatabase) -> None:
    await db.insert("customer_info", {"customer_id": 901, "passport": "A1"})
    with pytest.raises(Rejected, match="1062"):
        await db.insert("customer_info", {"customer_id": 901, "passport": "A2"})


async def test_only_allow_listed_tables_and_columns(db: SplynxDatabase) -> None:
    with pytest.raises(ConfigError, match="not one the Splynx gateway may use"):
        await db.count("mysql.user")
    with pytest.raises(ConfigError, match="no column"):
        await db.insert("payments", {"customer_id": 1, "amount; DROP TABLE payments": 1})
    with pytest.raises(ConfigError, match="no column"):
        await db.find_id("payments", "id` OR 1=1 -- ", 1)


async def test_wrong_password_fails_without_showing_it(
    mariadb: dict[str, object], dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    parsed = Dsn.parse(dsn)
    wrong = f"mysql://{parsed.user}:Sup3rSecretPw@{parsed.host}:{parsed.port}/{parsed.database}"
    ours = logging.getLogger("migrator")
    ours.addHandler(caplog.handler)  # other tests may have stopped propagation to the root
    try:
        with caplog.at_level(logging.DEBUG, logger="migrator"):
            with pytest.raises(AuthFailed) as caught:
                async with SplynxDatabase.open(wrong):
                    pass
            async with SplynxDatabase.open(dsn):
                pass  # logs the DSN it connected to (masked)
    finally:
        ours.removeHandler(caplog.handler)
    assert f"{parsed.host}:{parsed.port}/{parsed.database}" in caplog.text
    assert "Sup3rSecretPw" not in str(caught.value) + caplog.text
    assert "SPLYNX_DB_DSN" in str(caught.value)


async def test_unreachable_server_and_missing_database(dsn: str) -> None:
    parsed = Dsn.parse(dsn)
    with pytest.raises(TransportError, match="SPLYNX_DB_DSN"):
        async with SplynxDatabase.open("mysql://root@127.0.0.1:1/x", connect_timeout=2):
            pass
    with pytest.raises(ConfigError, match="not point at a Splynx database"):
        async with SplynxDatabase.open(f"mysql://{parsed.user}@{parsed.host}:{parsed.port}/nope_x"):
            pass


def test_dsn_parsing_and_masking() -> None:
    dsn = Dsn.parse("mysql://spl%40ynx:p%3Ass@db.example:3307/splynx")
    assert (dsn.user, dsn.password.get_secret_value(), dsn.port) == ("spl@ynx", "p:ss", 3307)
    assert str(dsn) == "mysql://spl@ynx:***@db.example:3307/splynx"
    assert "p:ss" not in repr(dsn)
    for bad in ("postgres://u@h/db", "mysql://u@h", "nonsense"):
        with pytest.raises(ConfigError, match="SPLYNX_DB_DSN"):
            Dsn.parse(bad)


async def test_bulk_insert_failures_surface_as_our_errors(db: SplynxDatabase) -> None:
    rows = [transaction(n) for n in range(30)] + [{"customer_id": 1, "nickname": "x"}]
    with pytest.raises(ConfigError, match="nickname"):
        await db.bulk_insert("billing_transactions", rows, batch_size=10)
    # a table of the allow-list this database lacks: the worker's error, unwrapped
    with pytest.raises(ConfigError, match="not point at a Splynx database"):
        await db.bulk_insert("invoices", [{"customer_id": 1, "number": "X"}] * 5, batch_size=2)
