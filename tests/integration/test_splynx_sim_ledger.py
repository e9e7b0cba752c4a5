"""The Splynx simulator keeps each customer's balance as Splynx's documentation says, on both
stores: invoices book debits, payments credits, transactions their signed total, deletes
take them back, and ``customer_billing.deposit`` moves only when the API books."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import anyio
import pymysql
import pytest
from pymysql.cursors import DictCursor

from tests.support.php_query import http_build_query
from tests.support.splynx_db import named_database, splynx_storage
from tests.support.splynx_ledger import balance_of
from tests.support.splynx_sim import RunningSim, running

INVOICES = "admin/finance/invoices"
PAYMENTS = "admin/finance/payments"
TRANSACTIONS = "admin/finance/transactions"
RELATIONS = "admin/finance/invoice-relations"


@pytest.fixture(params=["memory", pytest.param("mariadb", marks=pytest.mark.mariadb)])
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[RunningSim]:
    with splynx_storage(request.param, request, prefix="migrator_ledger") as options:
        async with running(**options) as running_sim:
            yield running_sim


async def deposit(sim: RunningSim, customer: int) -> str:
    answer = await sim.client.get(f"admin/customers/customer-billing/{customer}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["deposit"])


async def transactions_of(sim: RunningSim, **where: Any) -> list[dict[str, Any]]:
    answer = await sim.client.get(f"{TRANSACTIONS}?{http_build_query({'main_attributes': where})}")
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def invoice(customer: int, *lines: tuple[str, Any, Any], **fields: Any) -> dict[str, Any]:
    items = [{"description": d, "price": p, "tax": t} for d, p, t in lines]
    return {"customer_id": customer, "status": "not_paid", "date_created": "2024-03-01",
            "items": items, **fields}  # fmt: skip


async def test_an_invoice_books_a_debit_per_item_and_lowers_the_balance(sim: RunningSim) -> None:
    customer = await sim.customer()
    assert await deposit(sim, customer) == "0.0000"
    body = invoice(customer, ("Internet March", 40, 20), ("Router", "5", 0))
    body["items"][1]["categoryIdForTransaction"] = 2
    made = await sim.create(INVOICES, body)
    assert (await sim.client.get(f"{INVOICES}/{made}")).json()["total"] == "53.0000"
    debits = await transactions_of(sim, invoice_id=made)
    assert [(t["type"], t["total"], t["description"], t["category"]) for t in debits] == [
        ("debit", "48.0000", "Internet March", 1),
        ("debit", "5.0000", "Router", 2),
    ]
    assert {(t["customer_id"], t["date"], t["tax_percent"]) for t in debits} == {
        (customer, "2024-03-01", "20.0000"),
        (customer, "2024-03-01", "0.0000"),
    }
    assert await deposit(sim, customer) == "-53.0000"  # owing money is a negative balance
    assert (await balance_of(sim.store, customer)).consistent
    for category in (99, "abc"):
        body["items"][1]["categoryIdForTransaction"] = category
        refused = await sim.client.post(INVOICES, json=body)
        assert refused.status_code == 422 and "Category ID for transaction" in refused.text
    assert await deposit(sim, customer) == "-53.0000"


async def test_a_payment_books_a_credit_linked_both_ways(sim: RunningSim) -> None:
    customer = await sim.customer()
    payment = await sim.create(
        PAYMENTS, {"customer_id": customer, "amount": "25.5", "receipt_number": "R-1",
                   "date": "2024-03-05"},
    )  # fmt: skip
    [credit] = await transactions_of(sim, payment_id=payment)
    assert (credit["type"], credit["total"], credit["category"]) == ("credit", "25.5000", 3)
    assert credit["date"] == "2024-03-05" and credit["customer_id"] == customer
    record = (await sim.client.get(f"{PAYMENTS}/{payment}")).json()
    assert record["transaction_id"] == credit["id"] and record["remind_amount"] == "25.5000"
    assert await deposit(sim, customer) == "25.5000"
    refund = await sim.create(PAYMENTS, {"customer_id": customer, "amount": "-5.5"})
    assert await deposit(sim, customer) == "20.0000"  # a negative payment lowers it
    assert (await sim.client.delete(f"{PAYMENTS}/{refund}")).status_code == 204
    assert await deposit(sim, customer) == "25.5000"
    assert await transactions_of(sim, payment_id=refund) == []
    assert (await balance_of(sim.store, customer)).consistent


async def test_a_payment_for_an_invoice_pays_it_and_deleting_it_unpays(sim: RunningSim) -> None:
    customer = await sim.customer()
    bill = await sim.create(INVOICES, invoice(customer, ("March", 30, 0)))
    part = await sim.create(PAYMENTS, {"customer_id": customer, "amount": 10, "invoice_id": bill})
    record = (await sim.client.get(f"{INVOICES}/{bill}")).json()
    assert (record["status"], record["due"]) == ("not_paid", "20.0000")
    rest = await sim.create(
        PAYMENTS, {"customer_id": customer, "amount": 25, "invoice_id": bill, "date": "2024-03-09"}
    )
    record = (await sim.client.get(f"{INVOICES}/{bill}")).json()
    assert (record["status"], record["due"], record["payment_id"]) == ("paid", "0.0000", rest)
    assert record["date_payment"] == "2024-03-09"
    paid = (await sim.client.get(f"{PAYMENTS}/{rest}")).json()
    assert paid["remind_amount"] == "5.0000"  # what was left after paying the invoice's due
    relations = (await sim.client.get(f"{RELATIONS}?invoice_id={bill}")).json()
    assert (await sim.client.get(f"{RELATIONS}?customer_id={customer}")).json() == relations
    assert (await sim.client.get(f"{RELATIONS}?invoice_id={bill + 1}")).json() == []
    assert [(r["payer_id"], r["type"], r["invoice_id"], r["amount"]) for r in relations] == [
        (part, "payment", bill, "10.0000"),
        (rest, "payment", bill, "20.0000"),
    ]
    assert await deposit(sim, customer) == "5.0000"
    assert (await sim.client.delete(f"{PAYMENTS}/{rest}")).status_code == 204
    record = (await sim.client.get(f"{INVOICES}/{bill}")).json()
    assert (record["status"], record["due"], record["payment_id"]) == ("not_paid", "20.0000", 0)
    assert await deposit(sim, customer) == "-20.0000"
    other = await sim.customer("Bob Other")
    wrong = await sim.client.post(
        PAYMENTS, json={"customer_id": other, "amount": 5, "invoice_id": bill}
    )
    assert wrong.status_code == 422 and "invoice_id" in wrong.text


async def test_transactions_move_the_balance_by_their_signed_total(sim: RunningSim) -> None:
    customer = await sim.customer()
    common = {"customer_id": customer, "category": 5, "description": "Correction"}
    debit = await sim.create(TRANSACTIONS, {**common, "type": "debit", "price": 10, "quantity": 2,
                                            "tax_percent": 10})  # fmt: skip
    assert await deposit(sim, customer) == "-22.0000"
    credit = await sim.create(TRANSACTIONS, {**common, "type": "credit", "price": "7.25"})
    assert await deposit(sim, customer) == "-14.7500"
    changed = await sim.client.put(f"{TRANSACTIONS}/{debit}", json={"price": 5})
    assert changed.status_code == 202
    assert await deposit(sim, customer) == "-3.7500"  # -11 + 7.25
    flipped = await sim.client.put(f"{TRANSACTIONS}/{credit}", json={"type": "debit"})
    assert flipped.status_code == 202
    assert await deposit(sim, customer) == "-18.2500"
    assert (await sim.client.delete(f"{TRANSACTIONS}/{debit}")).status_code == 204
    assert await deposit(sim, customer) == "-7.2500"
    ignored = await sim.client.put(
        f"admin/customers/customer-billing/{customer}", json={"deposit": "1000"}
    )
    assert ignored.status_code == 202 and await deposit(sim, customer) == "-7.2500"
    assert (await balance_of(sim.store, customer)).consistent


async def test_deleting_an_invoice_takes_its_transactions_back_out(sim: RunningSim) -> None:
    customer = await sim.customer()
    kept = await sim.create(INVOICES, invoice(customer, ("April", 12, 0)))
    bill = await sim.create(INVOICES, invoice(customer, ("March", 30, 0), ("Fee", 2, 0)))
    payment = await sim.create(
        PAYMENTS, {"customer_id": customer, "amount": 50, "invoice_id": bill}
    )
    assert await deposit(sim, customer) == "6.0000"
    assert (await sim.client.delete(f"{INVOICES}/{bill}")).status_code == 204
    assert await transactions_of(sim, invoice_id=bill) == []
    assert len(await transactions_of(sim, invoice_id=kept)) == 1
    assert await deposit(sim, customer) == "38.0000"  # -12 + 50: the payment stays
    freed = (await sim.client.get(f"{PAYMENTS}/{payment}")).json()
    assert freed["remind_amount"] == "50.0000"
    assert await sim.store.rows("invoice_payers") == []
    assert (await balance_of(sim.store, customer)).consistent


async def test_what_books_nothing_and_what_rebooks(sim: RunningSim) -> None:
    customer = await sim.customer()
    await sim.create(INVOICES, invoice(customer, ("Manual", 9, 0), use_transactions="0"))
    await sim.create(INVOICES, invoice(customer, ("Void", 9, 0), status="deleted"))
    assert await deposit(sim, customer) == "0.0000"
    bill = await sim.create(INVOICES, invoice(customer, ("March", 30, 0)))
    [item] = (await sim.client.get(f"{INVOICES}/{bill}")).json()["items"]
    body = {"items": [{"id": item["id"], "price": 35}, {"description": "Late fee", "price": 5}]}
    assert (await sim.client.put(f"{INVOICES}/{bill}", json=body)).status_code == 202
    record = (await sim.client.get(f"{INVOICES}/{bill}")).json()
    assert (record["total"], record["due"]) == ("40.0000", "40.0000")
    assert [t["total"] for t in await transactions_of(sim, invoice_id=bill)] == [
        "35.0000",
        "5.0000",
    ]
    assert await deposit(sim, customer) == "-40.0000"
    assert (await sim.client.put(f"{INVOICES}/{bill}", json={"note": "x"})).status_code == 202
    assert await deposit(sim, customer) == "-40.0000"
    voided = await sim.client.put(f"{INVOICES}/{bill}", json={"status": "deleted"})
    assert voided.status_code == 202 and await deposit(sim, customer) == "0.0000"
    assert (await balance_of(sim.store, customer)).consistent


async def test_concurrent_payments_of_one_customer_add_up_exactly(sim: RunningSim) -> None:
    customer = await sim.customer()
    await sim.create(INVOICES, invoice(customer, ("March", 100, 0)))

    async def pay(cents: int) -> None:
        await sim.create(PAYMENTS, {"customer_id": customer, "amount": f"{cents / 100:.2f}"})

    async with anyio.create_task_group() as group:
        for cents in range(101, 141):
            group.start_soon(pay, cents)
    expected = Decimal(sum(range(101, 141))) / 100 - 100
    assert Decimal(await deposit(sim, customer)) == expected
    assert (await balance_of(sim.store, customer)).consistent


@pytest.mark.mariadb
async def test_rows_a_db_writer_inserts_show_exactly_and_leave_the_deposit(
    mariadb: dict[str, Any],
) -> None:
    with named_database(mariadb, prefix="migrator_ledger") as (dsn, params):
        async with running(db_dsn=dsn) as sim:
            customer = await sim.customer()
            bill, payment = _bulk_insert(params, customer)
            record = (await sim.client.get(f"{INVOICES}/{bill}")).json()
            paid = (await sim.client.get(f"{PAYMENTS}/{payment}")).json()
            ledger = await transactions_of(sim, customer_id=customer)
            before = await balance_of(sim.store, customer)
            assert await deposit(sim, customer) == "0.0000"  # Splynx does not recompute it
            sql(params, "UPDATE customer_billing SET deposit = %s WHERE customer_id = %s",
                (before.ledger, customer))  # fmt: skip
            after = await deposit(sim, customer)
            fixed = await balance_of(sim.store, customer)
    assert (record["number"], record["status"], record["total"], record["due"]) == (
        "SQL-7", "paid", "60.0000", "0.0000",
    )  # fmt: skip
    assert [(i["description"], i["price"], i["tax"]) for i in record["items"]] == [
        ("Internet June", "50.0000", "20.0000")
    ]
    assert (paid["amount"], paid["invoice_id"], paid["receipt_number"]) == ("60.0000", bill, "B-7")
    assert [(t["type"], t["total"], t["invoice_id"], t["payment_id"]) for t in ledger] == [
        ("debit", "60.0000", bill, None),
        ("credit", "60.0000", None, payment),
        ("debit", "15.0000", None, None),
    ]
    assert (before.ledger, before.deposit, before.consistent) == (
        Decimal("-15.0000"), Decimal("0.0000"), False,
    )  # fmt: skip
    assert after == "-15.0000" and fixed.consistent


def _bulk_insert(params: dict[str, Any], customer: int) -> tuple[int, int]:
    """What a DB bulk writer would insert: an invoice with its item and debit, a payment with
    its credit, an allocation, a stray debit; ``deposit`` left alone. The ids."""
    sql(params, "INSERT INTO invoices (customer_id, number, date_created, real_create_datetime,"
        " date_updated, date_payment, date_till, total, due, status, payment_id, note, memo)"
        " VALUES (%s, 'SQL-7', '2024-06-01', '2024-06-01 09:00:00', '2024-06-01',"
        " '2024-06-03', '2024-06-15', 60, 0, 'paid', 0, '', '')", (customer,))  # fmt: skip
    [bill] = sql(params, "SELECT id FROM invoices WHERE number = 'SQL-7'")
    sql(params, "INSERT INTO invoices_items (invoice_id, pos, description, quantity, unit, price,"
        " tax, tax_id, period_from, period_to) VALUES (%s, 1, 'Internet June', 1, '', 50, 20,"
        " 0, '2024-06-01', '2024-06-30')", (bill["id"],))  # fmt: skip
    sql(params, "INSERT INTO payments (customer_id, invoice_id, transaction_id, payment_type,"
        " receipt_number, date, real_create_datetime, amount, remind_amount, comment, field_1,"
        " field_2, field_3, field_4, field_5, note, memo) VALUES (%s, %s, 0, 1, 'B-7',"
        " '2024-06-03', '2024-06-03 10:00:00', 60, 0, '', '', '', '', '', '', '', '')",
        (customer, bill["id"]))  # fmt: skip
    [payment] = sql(params, "SELECT id FROM payments WHERE receipt_number = 'B-7'")
    rows = [("debit", 60, 1, bill["id"], None), ("credit", 60, 3, None, payment["id"]),
            ("debit", 15, 5, None, None)]  # fmt: skip
    for kind, total, category, invoice_id, payment_id in rows:
        sql(params, "INSERT INTO billing_transactions (customer_id, type, unit, price, total,"
            " remind_amount, tax_percent, tax_id, date, category, description, comment,"
            " period_from, period_to, service_type, invoice_id, payment_id) VALUES (%s, %s, '',"
            " %s, %s, 0, 0, 0, '2024-06-03', %s, 'bulk', '', '0000-00-00', '0000-00-00',"
            " 'internet', %s, %s)", (customer, kind, total, total, category, invoice_id,
                                     payment_id))  # fmt: skip
    sql(params, "INSERT INTO invoice_payers (customer_id, payer_id, type, invoice_id, amount)"
        " VALUES (%s, %s, 'payment', %s, 60)", (customer, payment["id"], bill["id"]))  # fmt: skip
    return int(bill["id"]), int(payment["id"])


def sql(params: dict[str, Any], statement: str, values: tuple[Any, ...] = ()) -> list[Any]:
    with (
        pymysql.connect(**params, cursorclass=DictCursor, autocommit=True) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, values)
        return list(cursor.fetchall())
