"""The database path for money writes each record once, a batch all or nothing.

A simulated Splynx on a MariaDB database of its own: its API created the
customers and reads what ``FinanceTables`` wrote. A batch written again is
adopted whole; a marker twice in a batch is written once; a record the API
would refuse, or the database refuses, is refused alone with the field named;
a batch cancelled or cut off half-way leaves nothing, and is completed by a
re-run (or by the retry, when only the connection was lost).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any

import anyio
import anyio.lowlevel
import pymysql
import pytest

from migrator.errors import Rejected
from migrator.policy.retry import RetryPolicy
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_db import FinanceTables, Written
from migrator.splynx.payloads import Invoice, InvoiceItem, Payment, Transaction
from tests.support import finance_payloads as make
from tests.support.finance_tables import finance_snapshot, table_counts
from tests.support.splynx_db import named_database
from tests.support.splynx_ledger import unbalanced
from tests.support.splynx_sim import RunningSim, running

pytestmark = pytest.mark.mariadb


@pytest.fixture
def database(mariadb: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    with named_database(mariadb, prefix="migrator_findb_once") as named:
        yield named


@pytest.fixture
async def sim(database: tuple[str, dict[str, Any]]) -> AsyncIterator[RunningSim]:
    async with running(db_dsn=database[0]) as started:
        yield started


@pytest.fixture
async def customers(sim: RunningSim) -> list[int]:
    return [await sim.customer(f"Customer {n}") for n in range(4)]


@pytest.fixture
async def db(
    database: tuple[str, dict[str, Any]], sim: RunningSim
) -> AsyncIterator[SplynxDatabase]:
    async with SplynxDatabase.open(database[0], pool_size=2) as opened:
        yield opened


@pytest.fixture
def tables(db: SplynxDatabase) -> FinanceTables:
    return FinanceTables(db)


def _ids(results: list[Written | Rejected], how: str) -> list[int]:
    assert all(isinstance(r, Written) and r.how == how for r in results), results
    return [r.splynx_id for r in results if isinstance(r, Written)]


def _invoice(customer: int, number: str, **item: Any) -> Invoice:
    line = InvoiceItem(**{"description": "Internet", "price": Decimal("10"), **item})
    return Invoice(customer_id=customer, number=number, status="not_paid", items=[line],
                   date_created="2024-05-01")  # fmt: skip


async def test_a_batch_written_again_is_adopted_and_nothing_moves(
    tables: FinanceTables, customers: list[int], sim: RunningSim, database: tuple[str, Any]
) -> None:
    invoices = make.invoices(customers, 30)
    first = _ids(await tables.invoices(invoices), "created")
    owed = {i: (p.customer_id, Decimal(1)) for p, i in zip(invoices, first, strict=True)
            if p.status == "not_paid"}  # fmt: skip
    payments = make.payments(customers, 20, owed)
    paid = _ids(await tables.payments(payments), "created")
    transactions = make.transactions(customers, 20)
    booked = _ids(await tables.transactions(transactions), "created")
    written = finance_snapshot(database[1])

    assert _ids(await tables.invoices(invoices), "adopted") == first
    assert _ids(await tables.payments(payments), "adopted") == paid
    assert _ids(await tables.transactions(transactions), "adopted") == booked
    assert finance_snapshot(database[1]) == written  # not a row more, not a cent moved
    assert await unbalanced(sim.store, customers) == []


async def test_a_marker_twice_in_a_batch_is_written_once(
    tables: FinanceTables, customers: list[int], database: tuple[str, Any]
) -> None:
    twice = _invoice(customers[0], "SONAR-INV-7")
    results = await tables.invoices([twice, _invoice(customers[1], "SONAR-INV-8"), twice])
    assert [r.how for r in results if isinstance(r, Written)] == ["created", "created", "adopted"]
    assert isinstance(results[0], Written) and isinstance(results[2], Written)
    assert results[2].splynx_id == results[0].splynx_id
    assert table_counts(database[1])["invoices"] == 2
    credit = Transaction(
        type="credit", customer_id=customers[0], date="2024-05-02", category=2,
        description="Discount", price=Decimal(3), comment="sonar:credit:5",
    )  # fmt: skip
    results = await tables.transactions([credit, credit])
    assert [r.how for r in results if isinstance(r, Written)] == ["created", "adopted"]


def _field(result: Written | Rejected) -> str:
    assert isinstance(result, Rejected), result
    return result.field


async def test_a_bad_record_is_refused_alone_with_its_field_named(
    tables: FinanceTables, customers: list[int], sim: RunningSim, database: tuple[str, Any]
) -> None:
    batch = [_invoice(customers[0], f"SONAR-INV-{n}") for n in range(6)]
    batch[1] = _invoice(999, "SONAR-INV-1")  # no such customer: the API answers 422
    batch[3] = _invoice(customers[1], "SONAR-INV-3", tax=Decimal(150))  # decimal(6,4) refuses it
    batch[4] = _invoice(customers[2], "SONAR-INV-4", categoryIdForTransaction=99)
    results = await tables.invoices(batch)
    assert [_field(results[n]) for n in (1, 3, 4)] == ["customer_id", "tax", "items"]
    assert "Out of range" in str(results[3])
    assert all(isinstance(results[n], Written) for n in (0, 2, 5))
    assert table_counts(database[1])["invoices"] == 3
    assert table_counts(database[1])["billing_transactions"] == 3
    other = _ids(await tables.invoices([_invoice(customers[3], "SONAR-INV-9")]), "created")[0]
    payments = [
        Payment(customer_id=customers[0], amount=Decimal(4), date="2024-05-03",
                receipt_number="SONAR-PAY-1", invoice_id=other),  # another customer's invoice
        Payment(customer_id=customers[0], amount=Decimal(4), date="2024-05-03",
                receipt_number="SONAR-PAY-2", invoice_id=other + 100),  # no such invoice
        Payment(customer_id=customers[0], amount=Decimal(4), date="2024-05-03",
                receipt_number="SONAR-PAY-3"),
    ]  # fmt: skip
    results = await tables.payments(payments)
    assert [_field(r) for r in results[:2]] == ["invoice_id", "invoice_id"]
    assert isinstance(results[2], Written)
    bad = Transaction(type="debit", customer_id=customers[0], date="2024-05-04", category=99,
                      description="Fee", price=Decimal(2), comment="sonar:debit:1")  # fmt: skip
    assert _field((await tables.transactions([bad]))[0]) == "category"
    assert await unbalanced(sim.store, customers) == []


def _trip_on(monkeypatch: pytest.MonkeyPatch, statement: int,
             action: Callable[[SqlTransaction], Awaitable[None]]) -> None:  # fmt: skip
    """Run ``action`` just before the ``statement``-th statement any batch sends."""
    original = SqlTransaction.execute
    sent = itertools.count(1)

    async def execute(self: SqlTransaction, sql: str, params: Any = ()) -> int:
        if next(sent) == statement:
            await action(self)
        return await original(self, sql, params)

    monkeypatch.setattr(SqlTransaction, "execute", execute)


async def test_a_cancelled_batch_leaves_nothing_and_a_rerun_completes_it(
    tables: FinanceTables,
    customers: list[int],
    sim: RunningSim,
    database: tuple[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invoices = make.invoices(customers, 40)
    before = finance_snapshot(database[1])
    with anyio.CancelScope() as scope:

        async def cancel(_: SqlTransaction) -> None:
            scope.cancel()
            await anyio.lowlevel.checkpoint()

        _trip_on(monkeypatch, 3, cancel)  # invoices and items inserted, debits next
        await tables.invoices(invoices)
    assert scope.cancelled_caught
    assert finance_snapshot(database[1]) == before
    monkeypatch.undo()
    _ids(await tables.invoices(invoices), "created")
    assert table_counts(database[1])["invoices"] == 40
    assert await unbalanced(sim.store, customers) == []


async def test_a_killed_connection_is_retried_without_a_duplicate(
    db: SplynxDatabase,
    customers: list[int],
    sim: RunningSim,
    database: tuple[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    params = database[1]

    async def kill(tx: SqlTransaction) -> None:
        [(connection,)] = await tx.rows("SELECT CONNECTION_ID()")
        with pymysql.connect(**params) as admin, admin.cursor() as cursor:
            cursor.execute("KILL CONNECTION %s", (connection,))

    _trip_on(monkeypatch, 4, kill)  # invoices, items and debits inserted, balances next
    invoices = make.invoices(customers, 25)
    retry = RetryPolicy(budget=30, initial=0.01)
    tables = FinanceTables(db, retry=retry)
    _ids(await tables.invoices(invoices), "created")
    assert retry.retries == 1
    assert table_counts(params)["invoices"] == 25
    items = sum(len(p.items) for p in invoices)
    assert table_counts(params)["invoices_items"] == items
    assert await unbalanced(sim.store, customers) == []
