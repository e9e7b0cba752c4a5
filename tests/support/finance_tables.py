"""Splynx's finance tables read back with plain SQL, comparable across two databases.

Two databases that received the same records (one through the API, one
through the database path) give different ids; everything else must match.
``finance_snapshot`` reads every finance table and puts each row in a form
without its own id or creation/update stamps, and with every reference to
another record replaced by that record's marker: an invoice by its number, a
payment by its receipt number, a payment's credit by ``credit of <receipt>``.
Rows are sorted, so two snapshots compare with ``==``.
"""

from __future__ import annotations

from typing import Any

import pymysql
from pymysql.cursors import DictCursor

__all__ = ["FINANCE_TABLES", "finance_snapshot", "table_counts"]

FINANCE_TABLES = (
    "invoices",
    "invoices_items",
    "billing_transactions",
    "payments",
    "invoice_payers",
    "customer_billing",
)
STAMPS = frozenset({"id", "real_create_datetime", "updated_at", "date_updated"})


def _read(params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found = {}
    with (
        pymysql.connect(**params, cursorclass=DictCursor) as connection,
        connection.cursor() as cursor,
    ):
        for name in FINANCE_TABLES:
            cursor.execute(f"SELECT * FROM `{name}` ORDER BY 1")  # names from the tuple above
            found[name] = list(cursor.fetchall())
    return found


def table_counts(params: dict[str, Any]) -> dict[str, int]:
    """Rows per finance table (deleted ones too)."""
    counts = {}
    with pymysql.connect(**params) as connection, connection.cursor() as cursor:
        for name in FINANCE_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM `{name}`")  # names from the tuple above
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _sorted(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, str], ...]]:
    shown = [tuple(sorted((k, str(v)) for k, v in row.items() if k not in STAMPS)) for row in rows]
    return sorted(shown)


def finance_snapshot(params: dict[str, Any]) -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Every finance table, ids replaced by the markers of what they name."""
    tables = _read(params)
    number = {row["id"]: row["number"] for row in tables["invoices"]}
    receipt = {row["id"]: row["receipt_number"] for row in tables["payments"]}
    credit = {
        row["id"]: f"credit of {receipt.get(row['payment_id'])}"
        for row in tables["billing_transactions"]
        if row["payment_id"]
    }

    def named(value: Any, names: dict[Any, Any]) -> Any:
        return names.get(value, f"missing #{value}") if value else value

    for row in tables["invoices"]:
        row["payment_id"] = named(row["payment_id"], receipt)
    for row in tables["invoices_items"]:
        row["invoice_id"] = named(row["invoice_id"], number)
    for row in tables["billing_transactions"]:
        row["invoice_id"] = named(row["invoice_id"], number)
        row["payment_id"] = named(row["payment_id"], receipt)
    for row in tables["payments"]:
        row["invoice_id"] = named(row["invoice_id"], number)
        row["transaction_id"] = named(row["transaction_id"], credit)
    for row in tables["invoice_payers"]:
        row["invoice_id"] = named(row["invoice_id"], number)
        row["payer_id"] = named(row["payer_id"], receipt)
    return {name: _sorted(rows) for name, rows in tables.items()}
