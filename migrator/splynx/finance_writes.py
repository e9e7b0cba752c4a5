"""Writing one batch of new invoices, payments or transactions inside one transaction.

Each writer gets the records no marker look-up found (``finance_db`` did that)
and does, in bulk, what the simulator's API does one record at a time
(``behaviours_invoices``, ``behaviours_payments``, ``allocations``, ``ledger``):

- the foreign keys the API checks, each set in one query: a record naming a
  missing customer, category, invoice or payment is refused with the field
  named, as the API answers 422, and the rest of the batch goes on;
- the records themselves in multi-row INSERTs, their ids read back by marker;
- what the application adds: an invoice's items (``pos`` 1..n) and one debit
  per item (unless it is deleted or does not use transactions), a payment's
  credit (``payments.transaction_id``) and its allocation to its invoice
  (``invoice_payers``, the invoice's ``due``/``status``; the unallocated rest in
  ``remind_amount``);
- last, every customer's ``customer_billing.deposit`` moved by the signed total
  of the transactions booked: the stored balance the application keeps, which
  rows inserted by SQL would not move (``splynx_docs_facts.md`` "Money").

A writer answers per record index: the new id, or why it was refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from migrator.errors import FieldError, Rejected
from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_rows import InvoiceRows, MarkedRow, Shapes, TableRows
from migrator.splynx.finance_rules import (
    SERVICE_CATEGORY,
    allocation_changes,
    allocation_share,
    invoice_due,
    item_debit,
    money,
    payer_row,
    payment_credit,
    signed_total,
)
from migrator.splynx.finance_sql import (
    ids_by,
    insert_rows,
    live_ids,
    marker_key,
    move_deposits,
    rows_by_id,
    sums_by,
    update_by_id,
)

__all__ = ["Made", "write_invoices", "write_payments", "write_transactions"]

Made = dict[int, "int | Rejected"]  # record index -> new id, or why it was refused
_CATEGORIES = "billing_transactions_categories"
_INVOICE_STATE = ("customer_id", "total", "status", "payment_id", "date_payment")
_PAID = ("due", "status", "payment_id", "date_payment")  # what an allocation changes


def _invalid(field: str, label: str, why: str = "is invalid.") -> FieldError:
    return FieldError(field, f"{label} {why}")


def _refused(errors: list[FieldError]) -> Rejected:
    return Rejected("; ".join(e.message for e in errors), errors)


async def _live(tx: SqlTransaction, name: str, ids: Iterable[int | None]) -> set[int]:
    return await live_ids(tx, name, [i for i in ids if i])


async def _insert(
    tx: SqlTransaction,
    shape: TableRows,
    marker: str,
    todo: Sequence[tuple[int, MarkedRow]],
    *,
    per_customer: bool,
) -> dict[int, int]:
    """Insert the rows; the new id of each index, read back by marker (and customer)."""
    made: dict[int, int] = {}
    marked = [(i, r) for i, r in todo if r.marker is not None]
    first = await insert_rows(tx, shape.name, shape.insert([r.row for _, r in marked]))
    if marked:
        values = [r.marker for _, r in marked]
        found = await ids_by(tx, shape.name, marker, first, values, owner=per_customer)
        by_key = {(customer, marker_key(value)): ident for ident, value, customer in found}
        for index, rows in marked:
            owner = rows.customer_id if per_customer else 0
            made[index] = by_key[(owner, marker_key(rows.marker))]
    for index, rows in todo:  # no marker to find it by: one INSERT each, its own id
        if rows.marker is None:
            made[index] = await insert_rows(tx, shape.name, shape.insert([rows.row]))
    return made


def _debits(deltas: defaultdict[int, Decimal], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        deltas[int(row["customer_id"])] += signed_total(row["type"], row["total"])


async def write_invoices(
    tx: SqlTransaction, todo: Sequence[tuple[int, InvoiceRows]], shapes: Shapes
) -> Made:
    """Invoices, their items and the debits they book; the balances those move."""
    customers = await _live(tx, "customers", (r.customer_id for _, r in todo))
    payments = await _live(tx, "payments", (r.row["payment_id"] for _, r in todo))
    categories = await _live(tx, _CATEGORIES, (c for _, r in todo for c in r.categories))
    made: Made = {}
    kept: list[tuple[int, InvoiceRows]] = []
    for index, rows in todo:
        errors = []
        if rows.customer_id not in customers:
            errors.append(_invalid("customer_id", "Customer ID"))
        if rows.row["payment_id"] and rows.row["payment_id"] not in payments:
            errors.append(_invalid("payment_id", "Payment ID"))
        for number, category in enumerate(rows.categories, 1):
            if category and category not in categories:
                errors.append(_invalid("items", f"Item #{number}: Category ID for transaction"))
        if errors:
            made[index] = _refused(errors)
        else:
            kept.append((index, rows))
    if not kept:
        return made
    invoices = shapes.invoices
    first = await insert_rows(tx, "invoices", invoices.insert([r.row for _, r in kept]))
    found = await ids_by(tx, "invoices", "number", first, [r.marker for _, r in kept])
    ids = {marker_key(value): ident for ident, value, _ in found}
    items, debits = [], []
    for index, rows in kept:
        made[index] = invoice_id = ids[marker_key(rows.marker)]
        invoice = {**rows.row, "id": invoice_id}
        for item, category in zip(rows.items, rows.categories, strict=True):
            items.append({**item, "invoice_id": invoice_id})
            if rows.books:
                debits.append(item_debit(invoice, item, category or SERVICE_CATEGORY))
    await insert_rows(tx, "invoices_items", shapes.items.insert(items))
    await _book(tx, shapes, debits)
    return made


async def _book(tx: SqlTransaction, shapes: Shapes, transactions: list[dict[str, Any]]) -> int:
    """Insert the transactions the application books and move the balances by them; the
    lowest new id."""
    ledger = shapes.transactions
    rows = [ledger.complete(t) for t in transactions]
    first = await insert_rows(tx, ledger.name, ledger.insert(rows))
    deltas: defaultdict[int, Decimal] = defaultdict(Decimal)
    _debits(deltas, transactions)
    await move_deposits(tx, deltas)
    return first


async def write_transactions(
    tx: SqlTransaction, todo: Sequence[tuple[int, MarkedRow]], shapes: Shapes
) -> Made:
    """Transactions as sent (total computed); the balances they move."""
    customers = await _live(tx, "customers", (r.customer_id for _, r in todo))
    categories = await _live(tx, _CATEGORIES, (r.row["category"] for _, r in todo))
    invoices = await _live(tx, "invoices", (r.row["invoice_id"] for _, r in todo))
    payments = await _live(tx, "payments", (r.row["payment_id"] for _, r in todo))
    made: Made = {}
    kept = []
    for index, rows in todo:
        row, errors = rows.row, []
        if rows.customer_id not in customers:
            errors.append(_invalid("customer_id", "Customer ID"))
        if row["category"] not in categories:
            errors.append(_invalid("category", "Category"))
        if row["invoice_id"] and row["invoice_id"] not in invoices:
            errors.append(_invalid("invoice_id", "Invoice ID"))
        if row["payment_id"] and row["payment_id"] not in payments:
            errors.append(_invalid("payment_id", "Payment ID"))
        if errors:
            made[index] = _refused(errors)
        else:
            kept.append((index, rows))
    made.update(await _insert(tx, shapes.transactions, "comment", kept, per_customer=True))
    deltas: defaultdict[int, Decimal] = defaultdict(Decimal)
    _debits(deltas, (r.row for _, r in kept))
    await move_deposits(tx, deltas)
    return made


class _Invoices:
    """The invoices a payment batch pays: their state as it moves, payment by payment."""

    def __init__(self, rows: dict[int, dict[str, Any]], allocated: dict[int, Decimal]) -> None:
        self.rows = rows
        self.allocated = allocated
        self.changes: dict[int, dict[str, Any]] = {}

    def share(self, invoice_id: int, amount: object) -> tuple[Decimal, Decimal]:
        """(due before, share) of a payment of ``amount``; the invoice's state moves on."""
        row = self.rows[invoice_id]
        before = self.allocated.get(invoice_id, Decimal(0))
        due = invoice_due(row["total"], before, row["status"])
        share = allocation_share(due, amount)
        self.allocated[invoice_id] = before + share
        if share and due == share:
            row["status"] = "paid"
        return due, share

    def record(
        self, invoice_id: int, due: Decimal, share: Decimal, payment: int, date: object
    ) -> None:
        changes = allocation_changes(due, share, payment, date)
        self.changes.setdefault(invoice_id, {}).update(changes)

    def updates(self) -> list[tuple[object, ...]]:
        """(id, due, status, payment_id, date_payment) of every invoice a payment paid."""
        out = []
        for invoice_id, changes in self.changes.items():
            row = {**self.rows[invoice_id], **changes}
            out.append((invoice_id, *(row[name] for name in _PAID)))
        return out


def _payment_errors(rows: MarkedRow, customers: set[int], invoices: _Invoices) -> list[FieldError]:
    """What the API would refuse in a payment: a missing customer, another's invoice."""
    errors = []
    if rows.customer_id not in customers:
        errors.append(_invalid("customer_id", "Customer ID"))
    invoice_id = rows.row["invoice_id"]
    invoice = invoices.rows.get(invoice_id or 0)
    if invoice_id and invoice is None:
        errors.append(_invalid("invoice_id", "Invoice ID"))
    elif invoice is not None and int(invoice["customer_id"]) != rows.customer_id:
        errors.append(_invalid("invoice_id", "Invoice ID", "belongs to another customer."))
    return errors


async def write_payments(
    tx: SqlTransaction, todo: Sequence[tuple[int, MarkedRow]], shapes: Shapes
) -> Made:
    """Payments, the credit each books, what each pays of its invoice; the balances."""
    customers = await _live(tx, "customers", (r.customer_id for _, r in todo))
    wanted = {r.row["invoice_id"] for _, r in todo if r.row["invoice_id"]}
    invoices = _Invoices(
        await rows_by_id(tx, "invoices", _INVOICE_STATE, wanted, lock=True),
        await sums_by(tx, "invoice_payers", "invoice_id", "amount", wanted),
    )
    made: Made = {}
    kept, shares = [], {}
    for index, rows in todo:
        errors = _payment_errors(rows, customers, invoices)
        if errors:
            made[index] = _refused(errors)
            continue
        kept.append((index, rows))
        if rows.row["invoice_id"] in invoices.rows:  # pay it, in the batch's order
            shares[index] = invoices.share(rows.row["invoice_id"], rows.row["amount"])
            rest = Decimal(str(rows.row["amount"])) - shares[index][1]
            rows.row["remind_amount"] = money(rest)
    ids = await _insert(tx, shapes.payments, "receipt_number", kept, per_customer=False)
    made.update(ids)
    if kept:
        await _settle(tx, shapes, [(ids[i], r.row, shares.get(i)) for i, r in kept], invoices)
    return made


async def _settle(
    tx: SqlTransaction,
    shapes: Shapes,
    payments: list[tuple[int, dict[str, Any], tuple[Decimal, Decimal] | None]],
    invoices: _Invoices,
) -> None:
    """Each new payment's credit (linked both ways) and its share of its invoice."""
    first = await _book(tx, shapes, [payment_credit(row, ident) for ident, row, _ in payments])
    booked = await ids_by(tx, "billing_transactions", "payment_id", first, [p[0] for p in payments])
    await update_by_id(tx, "payments", ["transaction_id"], [(int(str(p)), t) for t, p, _ in booked])
    payers = []
    for payment_id, row, allocated in payments:
        if allocated is not None and allocated[1]:
            due, share = allocated
            payers.append(payer_row(row, payment_id, row["invoice_id"], share))
            invoices.record(row["invoice_id"], due, share, payment_id, row["date"])
    await insert_rows(tx, "invoice_payers", shapes.payers.insert(payers))
    await update_by_id(tx, "invoices", _PAID, invoices.updates())
