"""Which payment paid which invoice: ``invoice_payers`` rows, an invoice's ``due`` and status.

The reference gives the link, not the rules: ``invoice_payers`` (dumped: ``id,
customer_id, payer_id, type enum('payment','credit_note','transaction'),
invoice_id, transaction_id, amount``) is served as ``invoice-relations``, "payer_id:
ID of a payment or transaction or credit note" (blueprint L4939-L4970, the
Invoice Relation Response); a payment names its invoice (``payments.invoice_id``);
an invoice has ``due``, ``payment_id`` and ``date_payment`` and the status
``paid``. INFERENCE, kept as simple as that allows:

- A payment created with the ``invoice_id`` of a live invoice of the same
  customer pays as much of its ``due`` as it covers: one ``invoice_payers`` row
  (type ``payment``) with that amount; what is left of the payment stays in
  its ``remind_amount`` (the unallocated rest). An invoice whose due reaches
  0 becomes ``paid`` with ``payment_id`` and ``date_payment`` of that payment.
- Deleting the payment takes its allocations back (the invoice is ``not_paid``
  again if that payment had paid it); deleting the invoice frees the
  payments' amounts (their ``remind_amount`` grows back).
- An invoice marked ``paid`` through the API is due 0 whatever was allocated
  (the status is the administrator's word); otherwise due = total - allocated.

None of this moves the balance: the payment's credit transaction does that
(``ledger.py``), whether or not it names an invoice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from migrator.sim.splynx.ledger import money
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.store import Row, Session
from migrator.splynx.finance_rules import (
    allocation_changes,
    allocation_share,
    invoice_due,
    payer_row,
)

__all__ = ["PAYERS", "allocate", "due_of", "release_invoice", "release_payment"]

PAYERS = "invoice_payers"


async def _relations(session: Session, column: str, key: Any) -> list[Row]:
    rows = await session.select(PAYERS, Query((Condition(column, "=", (str(key),)),)))
    return [row for row in rows if column != "payer_id" or row["type"] == "payment"]


async def due_of(session: Session, invoice: Row, status: str | None = None) -> Decimal:
    """What is still owed on an invoice: 0 if paid, else its total less what was allocated."""
    if (status or invoice["status"]) == "paid":
        return Decimal(0)
    paid = sum(
        (Decimal(str(r["amount"])) for r in await _relations(session, "invoice_id", invoice["id"])),
        Decimal(0),
    )
    return invoice_due(invoice["total"], paid, status or invoice["status"])


async def allocate(session: Session, payment: Row, invoice: Row) -> Decimal:
    """Pay what this payment covers of the invoice's due; the amount allocated."""
    due = await due_of(session, invoice)
    share = allocation_share(due, payment["amount"])
    if not share:
        return share
    await session.insert(PAYERS, payer_row(payment, payment["id"], invoice["id"], share))
    changes = allocation_changes(due, share, payment["id"], payment["date"])
    await session.update("invoices", invoice["id"], changes)
    return share


async def release_payment(session: Session, payment: Row) -> None:
    """Take back what a payment paid: the invoices owe it again."""
    for relation in await _relations(session, "payer_id", payment["id"]):
        await session.delete_where(PAYERS, "id", relation["id"])
        invoice = await session.fetch("invoices", relation["invoice_id"])
        if invoice is None:
            continue
        changes: dict[str, Any] = {}
        if invoice["status"] == "paid" and invoice["payment_id"] == payment["id"]:
            changes.update(status="not_paid", payment_id=0, date_payment="0000-00-00")
        changes["due"] = money(await due_of(session, invoice, changes.get("status")))
        await session.update("invoices", invoice["id"], changes)


async def release_invoice(session: Session, invoice_id: Any) -> None:
    """An invoice is gone: what payments had allocated to it is theirs again."""
    for relation in await _relations(session, "invoice_id", invoice_id):
        await session.delete_where(PAYERS, "id", relation["id"])
        if relation["type"] != "payment":
            continue
        payment = await session.fetch("payments", relation["payer_id"])
        if payment is not None:
            rest = Decimal(str(payment["remind_amount"])) + Decimal(str(relation["amount"]))
            await session.update("payments", payment["id"], {"remind_amount": money(rest)})
