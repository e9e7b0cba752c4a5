"""What payments and transactions do beyond the generic rules, and how they move the balance.

- Payments: the live server's two observed rules and messages ("Customer ID is
  required", "Invalid sum, only a value greater or less than 0 is allowed!").
  A payment books one ``credit`` transaction of its amount ("payments create
  credits", a credit "follows a payment" and raises the balance:
  ``splynx_docs_facts.md`` "Money"), linked both ways through the dumped
  columns ``billing_transactions.payment_id`` and ``payments.transaction_id``,
  in the base category 3 "Payment" (reference §8.5 [OBS]; ASSUMPTION that
  Splynx picks it), dated the payment's date. A negative amount (allowed live)
  books a negative credit, lowering the balance. With an ``invoice_id`` it
  also pays that invoice (``allocations.py``); the unallocated rest is its
  ``remind_amount``. Changing the amount, date, customer or invoice re-books;
  deleting it voids its credit and takes its allocations back (INFERENCE from
  the docs' credit note: "deleting it removes its credit").
- Transactions created, changed or deleted directly: ``total`` = quantity x
  price x (1 + tax_percent/100); the customer's balance moves by the signed
  total (debit lowers, credit raises), and back on delete.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from migrator.sim.splynx.allocations import allocate, release_payment
from migrator.sim.splynx.clock import sql_date
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.invoice_items import line_total
from migrator.sim.splynx.ledger import (
    TRANSACTIONS,
    book,
    hold_ledgers,
    linked,
    money,
    move_deposit,
    signed_total,
    void,
)
from migrator.sim.splynx.resources import Behaviour, Context, Payload
from migrator.sim.splynx.store import Row
from migrator.splynx.finance_rules import PAYMENT_CATEGORY, payment_credit

__all__ = ["PAYMENT_CATEGORY", "PaymentBehaviour", "TransactionBehaviour"]

_REBOOK = frozenset({"amount", "date", "customer_id", "invoice_id"})
_BEFORE = "_before"  # payload.extra: the row as it was once the ledger was held


class PaymentBehaviour(Behaviour):
    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        values, problems = payload.values, []
        if current is None and not values.get("customer_id"):
            problems.append(FieldProblem("customer_id", "Customer ID is required"))
        if (current is None or "amount" in values) and Decimal(values.get("amount") or 0) == 0:
            message = "Invalid sum, only a value greater or less than 0 is allowed!"
            problems.append(FieldProblem("amount", message))
        await hold_ledgers(ctx, values.get("customer_id"), (current or {}).get("customer_id"))
        problems.extend(await _invoice_problems(ctx, {**(current or {}), **values}))
        if problems:
            raise ValidationFailed(problems)
        if current is None:
            values["remind_amount"] = values["amount"]
            values.setdefault("date", sql_date(ctx.now))

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        await _settle(ctx, key)

    async def updated(self, ctx: Context, key: int, payload: Payload) -> None:
        if not _REBOOK & payload.values.keys():
            return
        payment = await ctx.session.fetch("payments", key)
        assert payment is not None
        await _unsettle(ctx, payment)
        await _settle(ctx, key)

    async def deleting(self, ctx: Context, row: Row) -> None:
        await hold_ledgers(ctx, row["customer_id"])
        await _unsettle(ctx, row)


async def _invoice_problems(ctx: Context, payment: dict[str, Any]) -> list[FieldProblem]:
    """ASSUMPTION: a payment may pay only an invoice of its own customer."""
    invoice_id = payment.get("invoice_id")
    if not invoice_id:
        return []
    invoice = await ctx.session.fetch("invoices", invoice_id)
    if invoice is None or invoice["deleted"] == "1":
        return []  # the generic reference check names it
    if invoice["customer_id"] != payment.get("customer_id"):
        return [FieldProblem("invoice_id", "Invoice ID belongs to another customer.")]
    return []


async def _settle(ctx: Context, key: int) -> None:
    """Book the payment's credit and pay its invoice with it."""
    session = ctx.session
    payment = await session.fetch("payments", key)
    assert payment is not None
    credit = payment_credit(payment, key)
    changes: dict[str, Any] = {"transaction_id": await book(session, credit)}
    rest = Decimal(str(payment["amount"]))
    invoice = await session.fetch("invoices", payment["invoice_id"] or 0)
    if invoice is not None and invoice["deleted"] == "0":
        rest -= await allocate(session, payment, invoice)
    changes["remind_amount"] = money(rest)
    await session.update("payments", key, changes)


async def _unsettle(ctx: Context, payment: Row) -> None:
    for transaction in await linked(ctx.session, "payment_id", payment["id"]):
        await void(ctx.session, transaction)
    await release_payment(ctx.session, payment)


class TransactionBehaviour(Behaviour):
    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        await hold_ledgers(
            ctx, payload.values.get("customer_id"), (current or {}).get("customer_id")
        )
        if current is not None:  # read again now that no one else moves this ledger
            payload.extra[_BEFORE] = await ctx.session.fetch(TRANSACTIONS, current["id"])
        merged = {**(current or {}), **{k: v for k, v in payload.values.items() if v is not None}}
        line = {
            "quantity": merged.get("quantity", 1),
            "price": merged.get("price", 0),
            "tax": merged.get("tax_percent", 0),
        }
        payload.values["total"] = money(line_total(line))

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        row = await ctx.session.fetch(TRANSACTIONS, key)
        assert row is not None
        await move_deposit(ctx.session, row["customer_id"], signed_total(row))

    async def updated(self, ctx: Context, key: int, payload: Payload) -> None:
        before: Row | None = payload.extra.get(_BEFORE)
        after = await ctx.session.fetch(TRANSACTIONS, key)
        for row, sign in ((before, -1), (after, 1)):
            if row is not None and row["deleted"] == "0":
                await move_deposit(ctx.session, row["customer_id"], sign * signed_total(row))

    async def deleting(self, ctx: Context, row: Row) -> None:
        await hold_ledgers(ctx, row["customer_id"])
        fresh = await ctx.session.fetch(TRANSACTIONS, row["id"])
        if fresh is not None and fresh["deleted"] == "0":
            await move_deposit(ctx.session, fresh["customer_id"], -signed_total(fresh))
