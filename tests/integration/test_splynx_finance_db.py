"""The database path for money leaves Splynx's tables as Splynx's API would.

Two simulated Splynx instances, each on a MariaDB database of its own, get
the same customers; then the same invoices, payments and transactions go to
one through its API (over HTTP) and to the other through ``FinanceTables``.
Every finance table must then hold the same rows (ids and stamps aside), the
API reading the database-written one must answer the same, and every
customer's stored balance must equal its ledger.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from migrator.errors import Rejected
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.finance_db import FinanceTables, Written
from migrator.splynx.finance_rules import line_total
from migrator.splynx.payloads import Invoice, Payment
from tests.support import finance_payloads as make
from tests.support.finance_tables import STAMPS, finance_snapshot
from tests.support.splynx_db import named_database
from tests.support.splynx_ledger import unbalanced
from tests.support.splynx_sim import RunningSim, running

pytestmark = pytest.mark.mariadb

INVOICES = "admin/finance/invoices"
PAYMENTS = "admin/finance/payments"
TRANSACTIONS = "admin/finance/transactions"
RELATIONS = "admin/finance/invoice-relations"
BILLING = "admin/customers/customer-billing"


@dataclass
class Side:
    """One simulated Splynx on its own database: its API, its DSN, plain-SQL parameters."""

    sim: RunningSim
    dsn: str
    params: dict[str, Any]
    customers: list[int]


@pytest.fixture
def databases(mariadb: dict[str, Any]) -> Iterator[tuple[tuple[str, dict[str, Any]], ...]]:
    with (
        named_database(mariadb, prefix="migrator_findb_api") as api,
        named_database(mariadb, prefix="migrator_findb_sql") as sql,
    ):
        yield api, sql


async def _side(dsn: str, params: dict[str, Any], customers: int) -> AsyncIterator[Side]:
    async with running(db_dsn=dsn) as sim:
        made = [await sim.customer(f"Customer {n}") for n in range(customers)]
        yield Side(sim, dsn, params, made)


@pytest.fixture
async def api_side(databases: tuple[tuple[str, dict[str, Any]], ...]) -> AsyncIterator[Side]:
    async for side in _side(*databases[0], customers=6):
        yield side


@pytest.fixture
async def sql_side(databases: tuple[tuple[str, dict[str, Any]], ...]) -> AsyncIterator[Side]:
    async for side in _side(*databases[1], customers=6):
        yield side


@pytest.fixture
async def db(sql_side: Side) -> AsyncIterator[SplynxDatabase]:
    async with SplynxDatabase.open(sql_side.dsn, pool_size=3) as opened:
        yield opened


async def _post(sim: RunningSim, path: str, bodies: Sequence[dict[str, Any]]) -> list[int]:
    return [await sim.create(path, body) for body in bodies]


def _created(results: Sequence[Written | Rejected]) -> list[int]:
    assert all(isinstance(r, Written) and r.how == "created" for r in results), results
    return [r.splynx_id for r in results if isinstance(r, Written)]


def _owed(invoices: Sequence[Invoice], ids: Sequence[int]) -> dict[int, tuple[int, Decimal]]:
    """Invoice id -> (customer, total) of the invoices a payment may pay (not deleted)."""
    return {
        ident: (p.customer_id, sum((line_total(i.quantity, i.price or 0, i.tax or 0)
                                    for i in p.items), Decimal(0)))
        for p, ident in zip(invoices, ids, strict=True)
        if p.status != "deleted"
    }  # fmt: skip


def _on(payments: Sequence[Payment], ids: dict[int, int]) -> list[Payment]:
    """The payments with their invoice ids translated to the other side's."""
    return [p.model_copy(update={"invoice_id": ids[p.invoice_id]}) if p.invoice_id else p
            for p in payments]  # fmt: skip


async def _answers(side: Side) -> dict[str, Any]:
    """What the API shows of the money, ids replaced by markers, stamps left out."""
    client = side.sim.client
    found = {name: (await client.get(path)).json()
             for name, path in (("invoices", INVOICES), ("payments", PAYMENTS),
                                ("transactions", TRANSACTIONS))}  # fmt: skip
    number = {r["id"]: r["number"] for r in found["invoices"]}
    receipt = {r["id"]: r["receipt_number"] for r in found["payments"]}
    found["relations"] = [
        (await client.get(f"{RELATIONS}?customer_id={c}")).json() for c in side.customers
    ]
    found["billing"] = [(await client.get(f"{BILLING}/{c}")).json() for c in side.customers]
    names = {"invoice_id": number, "payment_id": receipt, "payer_id": receipt}

    def canon(value: Any) -> Any:
        if isinstance(value, list):
            return sorted((canon(v) for v in value), key=json.dumps)
        if not isinstance(value, dict):
            return value
        shown = {}
        for key, item in value.items():
            if key in STAMPS or key == "transaction_id":
                continue
            shown[key] = names[key].get(item, item) if key in names else canon(item)
        return shown

    return {name: canon(records) for name, records in found.items()}


async def test_the_database_path_writes_what_the_api_writes(
    api_side: Side, sql_side: Side, db: SplynxDatabase
) -> None:
    customers = api_side.customers
    assert sql_side.customers == customers  # fresh databases: the same ids
    invoices = make.invoices(customers, 60)
    on_api = await _post(api_side.sim, INVOICES, [p.body() for p in invoices])
    added_by = (await api_side.sim.client.get(f"{INVOICES}/{on_api[0]}")).json()["added_by_id"]
    tables = FinanceTables(db, added_by_id=added_by)
    on_sql = _created(await tables.invoices(invoices))
    owed = dict(list(_owed(invoices, on_api).items())[:12])  # two or three payments each
    payments = make.payments(customers, 50, owed)
    receipts = await _post(api_side.sim, PAYMENTS, [p.body() for p in payments])
    translated = _on(payments, dict(zip(on_api, on_sql, strict=True)))
    assert len(_created(await tables.payments(translated))) == len(receipts)
    transactions = make.transactions(customers, 40)
    await _post(api_side.sim, TRANSACTIONS, [p.body() for p in transactions])
    assert len(_created(await tables.transactions(transactions))) == 40

    api_rows, sql_rows = finance_snapshot(api_side.params), finance_snapshot(sql_side.params)
    for name, rows in api_rows.items():
        assert sql_rows[name] == rows, name
    assert len(api_rows["invoice_payers"]) >= 10 and len(api_rows["invoices_items"]) >= 100
    assert await _answers(sql_side) == await _answers(api_side)
    assert await unbalanced(sql_side.sim.store, customers) == []
    deposits = [Decimal(b["deposit"]) for b in (await _answers(sql_side))["billing"]]
    assert all(d != 0 for d in deposits) and len(set(deposits)) == len(deposits)
