"""A finance payload as the rows Splynx stores, and what a bulk INSERT of them must name."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from migrator.splynx.finance_rows import Shapes, Stamp, invoice_rows, transaction_rows
from migrator.splynx.payloads import Invoice, InvoiceItem, Transaction

STAMP = Stamp(datetime(2024, 6, 1, 12, 30, 5), added_by_id=4)


def test_an_invoice_gets_the_columns_the_server_fills() -> None:
    shapes = Shapes(STAMP)
    items = [InvoiceItem(description="Internet", price=Decimal("10"), tax=Decimal("20")),
             InvoiceItem(description="Router", quantity=2, price=Decimal("2.5"),
                         categoryIdForTransaction=2)]  # fmt: skip
    rows = invoice_rows(Invoice(customer_id=3, number="N-1", status="paid", items=items), shapes)
    row = rows.row
    assert (row["total"], row["due"]) == ("17.0000", "0.0000")  # 12 + 5; created paid
    assert (row["date_created"], row["date_till"], row["date_updated"]) == ("2024-06-01",) * 3
    assert (row["added_by"], row["added_by_id"]) == ("api", 4)
    assert row["real_create_datetime"] == "2024-06-01 12:30:05"
    assert (row["payment_id"], row["date_payment"], row["use_transactions"]) == (
        0,
        "0000-00-00",
        "1",
    )
    assert [i["pos"] for i in rows.items] == [1, 2] and rows.categories == [None, 2]
    assert rows.items[0]["sub_account_id"] is None and rows.items[0]["tax_id"] == 0
    assert rows.books


def test_an_insert_names_what_varies_once_per_row_and_what_all_share_once() -> None:
    shapes = Shapes(STAMP)
    made = [
        transaction_rows(
            Transaction(type="debit", customer_id=c, date="2024-05-01", category=1,
                        description=f"Fee {c}", price=Decimal(5), comment=f"m-{c}"),
            shapes,
        ).row
        for c in (1, 2, 3)
    ]  # fmt: skip
    insert = shapes.transactions.insert(made)
    assert {"customer_id", "description", "comment"} <= set(insert.columns)
    assert insert.shared["type"] == "debit" and insert.shared["total"] == "5.0000"
    assert "quantity" not in insert.columns and "quantity" not in insert.shared  # MySQL's 1
    assert "service_id" not in insert.columns + tuple(insert.shared)  # NULL for all
    assert [len(r) for r in insert.rows] == [len(insert.columns)] * 3
    alike = shapes.transactions.insert([made[0], made[0]])  # nothing varies: no sharing
    assert alike.shared == {} and len(alike.rows[0]) == len(alike.columns) > 1
