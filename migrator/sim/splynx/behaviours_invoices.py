"""What an invoice does beyond the generic rules: its items, its total and its debits.

- Items (``invoice_items``): the blueprint requires them, the live OPTIONS
  answer does not list them; by the laxer rule (``resources.py``) an invoice
  may be created without any, a zero invoice. ``total`` = the sum of the item
  lines, ``due`` = total less what payments paid (``allocations.py``), 0 once
  paid. A missing ``number`` is generated from the date and id (ASSUMPTION).
- Money (``ledger.py``; ``splynx_docs_facts.md`` "Money": "Invoices create
  debits"; the blueprint's item has ``categoryIdForTransaction``, "transaction
  category for item transaction", L5081): each item books one ``debit``
  transaction of its line total, linked to the invoice by
  ``billing_transactions.invoice_id`` (ASSUMPTION: the column the dumped layout
  offers; ``invoiced_by_id`` is left for recurring charges invoiced later),
  dated the invoice's ``date_created``, in the item's category (ASSUMPTION:
  1, the base "Service" category, when none is sent). So the customer's
  balance falls by the invoice's total.
- ASSUMPTION: an invoice with ``use_transactions = '0'`` ("Use transactions:
  No") or the status ``deleted`` books nothing; every other status (``not_paid``,
  ``paid``, ``pending``) does: paying is the payment's credit, not the invoice's.
  Proforma invoices (which the docs say do not count) are another endpoint and
  table (``requests``), not served here.
- Editing items, status, ``use_transactions`` or the customer re-books: the old
  debits are voided and new ones booked when what the invoice should book
  differs from what it booked.
- Deleting an invoice takes its transactions with it (docs: "with/without
  transaction"; ASSUMPTION: through the API, with) and frees what payments had
  allocated to it; so does setting its status to ``deleted``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.allocations import due_of, release_invoice
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.invoice_items import (
    CATEGORY,
    ITEMS,
    check_items,
    line_total,
    live_items,
    stored_item,
)
from migrator.sim.splynx.ledger import book, hold_ledgers, linked, money, void
from migrator.sim.splynx.resources import Behaviour, Context, Payload
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.tables import catalog
from migrator.splynx.finance_rules import SERVICE_CATEGORY, item_debit

__all__ = ["InvoiceBehaviour"]

_ITEM_HIDDEN = ("invoice_id", "deleted")


class InvoiceBehaviour(Behaviour):
    input_keys = frozenset({"items"})
    output_keys = ("items",)

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        raw = payload.extra.get("items")
        items = check_items(raw, creating=current is None) if raw is not None else None
        payload.extra["items"] = items
        await _check_categories(ctx, items or [])
        values = payload.values
        await hold_ledgers(ctx, values.get("customer_id"), (current or {}).get("customer_id"))
        if current is None:
            values.setdefault("date_till", values.get("date_created"))
            total = sum((line_total(i) for i in items or ()), Decimal(0))
            values["total"] = money(total)
            values["due"] = money(Decimal(0) if values.get("status") == "paid" else total)

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        categories: dict[Any, Any] = {}
        for position, item in enumerate(payload.extra["items"] or (), 1):
            row = {**stored_item(item), "invoice_id": key, "pos": position}
            categories[await ctx.session.insert(ITEMS, row)] = item.get(CATEGORY)
        if is_blank(payload.values.get("number")):
            stamp = str(payload.values.get("date_created", "")).replace("-", "")
            await ctx.session.update("invoices", key, {"number": f"{stamp}{key:04d}"})
        await _rebook(ctx, key, categories)

    async def updated(self, ctx: Context, key: int, payload: Payload) -> None:
        categories = await _write_items(ctx, key, payload.extra.get("items") or [])
        rows = await live_items(ctx, [key])
        invoice = await ctx.session.fetch("invoices", key)
        assert invoice is not None
        invoice["total"] = money(sum((line_total(r) for r in rows), Decimal(0)))
        due = await due_of(ctx.session, invoice)
        await ctx.session.update("invoices", key, {"total": invoice["total"], "due": money(due)})
        await _rebook(ctx, key, categories)
        if invoice["status"] == "deleted":  # as deleting it: payments get their amounts back
            await release_invoice(ctx.session, key)

    async def deleting(self, ctx: Context, row: Row) -> None:
        await hold_ledgers(ctx, row["customer_id"])
        for transaction in await linked(ctx.session, "invoice_id", row["id"]):
            await void(ctx.session, transaction)
        await release_invoice(ctx.session, row["id"])

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        table = catalog()[ITEMS]
        grouped: dict[Any, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
        for item in await live_items(ctx, list(grouped)):
            shown = {
                c.name: c.render(item[c.name]) for c in table.columns if c.name not in _ITEM_HIDDEN
            }
            grouped[item["invoice_id"]].append(shown)
        for row, record in zip(rows, records, strict=True):
            record["items"] = grouped[row["id"]]


async def _check_categories(ctx: Context, items: list[dict[str, Any]]) -> None:
    """An item's transaction category must exist (as a transaction's ``category`` must)."""
    problems = []
    for number, item in enumerate(items, 1):
        category = item.get(CATEGORY)
        if category is None:
            continue
        row = await ctx.session.fetch("billing_transactions_categories", category)
        if row is None or row.get("deleted") == "1":
            problems.append(
                FieldProblem("items", f"Item #{number}: Category ID for transaction is invalid.")
            )
    if problems:
        raise ValidationFailed(problems)


async def _write_items(ctx: Context, key: int, items: list[dict[str, Any]]) -> dict[Any, Any]:
    """Apply a PUT's items (changed by id, new ones appended); the categories they name."""
    existing = {row["id"]: row for row in await live_items(ctx, [key])}
    categories: dict[Any, Any] = {}
    for item in items:
        item_id = item.get("id")
        if item_id in existing:
            await ctx.session.update(ITEMS, item_id, stored_item(item))
        else:
            row = {**stored_item(item), "invoice_id": key, "pos": len(existing) + 1}
            item_id = await ctx.session.insert(ITEMS, row)
            existing[item_id] = row
        if item.get(CATEGORY) is not None:
            categories[item_id] = item[CATEGORY]
    return categories


async def _rebook(ctx: Context, key: int, categories: dict[Any, Any]) -> None:
    """Make the invoice's debits what its items, status and customer say they should be.

    ``categories``: item id -> category sent with this request; other items keep
    the category of the debit they booked before (by position), else "Service".
    """
    session = ctx.session
    invoice = await session.fetch("invoices", key)
    assert invoice is not None
    booked = await linked(session, "invoice_id", key)
    wanted = []
    if invoice["use_transactions"] == "1" and invoice["status"] != "deleted":
        for position, item in enumerate(await live_items(ctx, [key])):
            before = booked[position]["category"] if position < len(booked) else None
            category = categories.get(item["id"]) or before or SERVICE_CATEGORY
            wanted.append(item_debit(invoice, item, category))
    if [_essence(w) for w in wanted] == [_essence(b) for b in booked]:
        return
    for transaction in booked:
        await void(session, transaction)
    for transaction in wanted:
        await book(session, transaction)


_ESSENCE = ("customer_id", "type", "total", "date", "category", "description")


def _essence(row: Row) -> tuple[str, ...]:
    """What must match for a booked debit to stand for a wanted one."""
    return tuple(
        str(money(Decimal(str(row[n])))) if n == "total" else str(row[n]) for n in _ESSENCE
    )
