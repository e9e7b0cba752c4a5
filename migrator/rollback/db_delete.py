"""Money rows, customer comments and tickets deleted through the database, a batch at a time.

What the simulator's API delete does (``sim/splynx/behaviours_invoices.py``,
``behaviours_payments.py``, ``ledger.py``; the docs: invoices create debits,
payments credits, and the balance is the stored ``customer_billing.deposit``
that the application moves when it saves a transaction), done here in one SQL
transaction per batch, as a Splynx that is never asked would not do it itself:

- a transaction: marked ``deleted = '1'``, its signed total taken back out of
  its customer's ``deposit``;
- a payment: its credit transactions (``payment_id``) voided as above, its
  allocations (``invoice_payers`` rows of type ``payment``) removed, the
  payment marked deleted;
- an invoice: its debit transactions (``invoice_id``) voided, what was
  allocated to it removed, the invoice marked deleted (its items stay, as the
  API delete leaves them);
- a customer comment (no API delete exists): marked deleted;
- a ticket message: marked deleted; a ticket: marked deleted with every message
  of its conversation (the first one came with the ticket's create and is not
  in our id map), as the simulator's ``TicketBehaviour.deleting`` does.

Only live rows are touched, so a batch that committed before a crash changes
nothing when it runs again. ASSUMPTION: payments are deleted before the
invoices they paid (the rollback order), so freeing an invoice never has a
live payment of ours to give its amount back to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from migrator.splynx.db import SplynxDatabase
from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_rules import signed_total
from migrator.splynx.finance_sql import CHUNK, move_deposits, rows_by_id, update_by_id
from migrator.splynx.tables import quoted

__all__ = ["DB_TABLES", "delete_rows"]

# entity -> the table its rows live in, for the entities rolled back in the database
DB_TABLES = {
    "transactions": "billing_transactions",
    "opening_balances": "billing_transactions",
    "payments": "payments",
    "invoices": "invoices",
    "customer_notes": "customer_notes",
    "ticket_messages": "ticket_messages",
    "tickets": "ticket",
}
_LEDGER = ("customer_id", "type", "total")
_LINKED_BY = {"payments": "payment_id", "invoices": "invoice_id"}
_PAYERS_BY = {"payments": "payer_id", "invoices": "invoice_id"}


async def delete_rows(db: SplynxDatabase, entity: str, ids: Sequence[int]) -> None:
    """Delete these rows of ``entity`` (those still live), with what hangs on them."""
    name = DB_TABLES[entity]
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        async with db.transaction(f"roll back {len(part)} {entity}") as tx:
            if name == "billing_transactions":
                await _void(tx, await rows_by_id(tx, name, _LEDGER, part, lock=True))
                continue
            live = await rows_by_id(tx, name, ("customer_id",), part, lock=True)
            if entity in _LINKED_BY:
                await _void(tx, await _linked(tx, _LINKED_BY[entity], sorted(live)))
                await _unallocate(tx, _PAYERS_BY[entity], sorted(live))
            if entity == "tickets":
                await _conversations_deleted(tx, sorted(live))
            await _mark_deleted(tx, name, sorted(live))


async def _void(tx: SqlTransaction, rows: dict[int, dict[str, Any]]) -> None:
    """Transactions out of the ledger: marked deleted, each balance moved back."""
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows.values():
        deltas[int(row["customer_id"])] -= signed_total(row["type"], row["total"])
    await _mark_deleted(tx, "billing_transactions", sorted(rows))
    await move_deposits(tx, deltas)


async def _mark_deleted(tx: SqlTransaction, name: str, ids: Sequence[int]) -> None:
    if ids:
        await update_by_id(tx, name, ("deleted",), [(i, "1") for i in ids])


async def _conversations_deleted(tx: SqlTransaction, ticket_ids: Sequence[int]) -> None:
    """Every live message of these tickets marked deleted."""
    if ticket_ids:
        marks = ", ".join(["%s"] * len(ticket_ids))
        sql = (
            f"UPDATE {quoted('ticket_messages')} SET `deleted` = '1' "
            f"WHERE `ticket_id` IN ({marks}) AND `deleted` = '0'"
        )
        await tx.execute(sql, ticket_ids)


async def _linked(tx: SqlTransaction, column: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The live transactions whose ``column`` names one of ``ids``, locked."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    names = ", ".join(quoted(c) for c in _LEDGER)
    sql = (
        f"SELECT `id`, {names} FROM {quoted('billing_transactions')} "
        f"WHERE {quoted(column)} IN ({marks}) AND `deleted` = '0' ORDER BY `id` FOR UPDATE"
    )
    rows = await tx.rows(sql, ids)
    return {int(row[0]): dict(zip(_LEDGER, row[1:], strict=True)) for row in rows}


async def _unallocate(tx: SqlTransaction, column: str, ids: Sequence[int]) -> None:
    """Remove the allocations of these payments (or to these invoices)."""
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    sql = f"DELETE FROM {quoted('invoice_payers')} WHERE {quoted(column)} IN ({marks})"
    if column == "payer_id":
        sql += " AND `type` = 'payment'"
    await tx.execute(sql, ids)
