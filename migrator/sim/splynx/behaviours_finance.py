"""What tariffs, invoices, payments and transactions do beyond the generic rules.

- Tariffs: ``service_name`` defaults to the title (blueprint); ``services``
  counts the live services on the tariff; ``billing_days_count`` 1..365
  (``billing_rules``).
- Invoices carry their items (``invoices_items``, the ``requests_items``
  layout), each with a description. The blueprint requires items, the live
  OPTIONS answer does not list them: by the laxer rule (``resources.py``) an
  invoice may be created without any, a zero invoice.
  ``total`` = sum of quantity x price x (1 + tax/100), ``due`` = total unless
  paid (assumption: item prices are net). A missing ``number`` is generated
  from the date and id. Items do not create finance transactions here.
- Payments: the live server's two observed rules and messages ("Customer ID is
  required", "Invalid sum, only a value greater or less than 0 is allowed!").
  The unallocated ``remind_amount`` starts as the amount.
- Transactions: ``total`` = quantity x price x (1 + tax_percent/100).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.billing_rules import period_problems
from migrator.sim.splynx.clock import sql_date
from migrator.sim.splynx.columns import Invalid
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Behaviour, Context, Payload, humanize
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.tables import catalog

__all__ = [
    "InvoiceBehaviour",
    "PaymentBehaviour",
    "TariffBehaviour",
    "TransactionBehaviour",
    "VoiceTariffBehaviour",
]

_ITEM_KEYS = frozenset(
    {"id", "description", "quantity", "unit", "price", "tax", "period_from", "period_to",
     "sub_account_id", "tax_id", "categoryIdForTransaction"}
)  # fmt: skip
_ITEM_HIDDEN = ("invoice_id", "deleted")


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.0001'))}"


class TariffBehaviour(Behaviour):
    output_keys: tuple[str, ...] = ("services",)

    def __init__(self, service_table: str | None) -> None:
        self.service_table = service_table

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        values = payload.values
        problems = period_problems({**(current or {}), **values})
        if problems:
            raise ValidationFailed(problems)
        values["updated_at"] = ctx.now.strftime("%Y-%m-%d %H:%M:%S")
        if (
            current is None
            and is_blank(values.get("service_name"))
            and "service_name" in (catalog()[ctx.resource.table].by_name)
        ):
            values["service_name"] = values.get("title") or ""

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        for row, record in zip(rows, records, strict=True):
            count = 0
            if self.service_table is not None:
                on_tariff = Condition("tariff_id", "=", (str(row["id"]),))
                live = Condition("deleted", "=", ("0",))
                count = await ctx.session.count(self.service_table, Query((on_tariff, live)))
            record["services"] = count


class VoiceTariffBehaviour(TariffBehaviour):
    """A voice tariff: the live OPTIONS lists ``custom_period``, the dumped ``tariffs_voice``
    has no such column. ASSUMPTION: it is accepted, not kept, and answered as 0."""

    input_keys = frozenset({"custom_period"})
    output_keys = ("services", "custom_period")

    def __init__(self) -> None:
        super().__init__(None)  # the simulator serves no voice services: services is 0

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        await super().decorate(ctx, rows, records)
        for record in records:
            record["custom_period"] = 0


class InvoiceBehaviour(Behaviour):
    input_keys = frozenset({"items"})
    output_keys = ("items",)

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        raw = payload.extra.get("items")
        items = _check_items(raw, creating=current is None) if raw is not None else None
        payload.extra["items"] = items
        values = payload.values
        if current is None:
            values.setdefault("date_till", values.get("date_created"))
        if items is not None and current is None:
            values["total"] = _money(sum((_line_total(i) for i in items), Decimal(0)))
        status = values.get("status") or (current or {}).get("status")
        total = Decimal(str(values.get("total") or (current or {}).get("total") or 0))
        values["due"] = _money(Decimal(0) if status == "paid" else total)

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        for position, item in enumerate(payload.extra["items"] or (), 1):
            item.pop("id", None)
            await ctx.session.insert("invoices_items", {**item, "invoice_id": key, "pos": position})
        if is_blank(payload.values.get("number")):
            stamp = str(payload.values.get("date_created", "")).replace("-", "")
            await ctx.session.update("invoices", key, {"number": f"{stamp}{key:04d}"})

    async def updated(self, ctx: Context, key: int, payload: Payload) -> None:
        items = payload.extra.get("items")
        if not items:
            return
        existing = {row["id"]: row for row in await _items(ctx, [key])}
        for item in items:
            item_id = item.pop("id", None)
            if item_id in existing:
                await ctx.session.update("invoices_items", item_id, item)
            else:
                row = {**item, "invoice_id": key, "pos": len(existing) + 1}
                existing[await ctx.session.insert("invoices_items", row)] = row
        rows = await _items(ctx, [key])
        total = sum((_line_total(r) for r in rows), Decimal(0))
        invoice = await ctx.session.fetch("invoices", key)
        due = Decimal(0) if invoice and invoice["status"] == "paid" else total
        await ctx.session.update("invoices", key, {"total": _money(total), "due": _money(due)})

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        table = catalog()["invoices_items"]
        grouped: dict[Any, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
        for item in await _items(ctx, list(grouped)):
            shown = {
                c.name: c.render(item[c.name]) for c in table.columns if c.name not in _ITEM_HIDDEN
            }
            grouped[item["invoice_id"]].append(shown)
        for row, record in zip(rows, records, strict=True):
            record["items"] = grouped[row["id"]]


async def _items(ctx: Context, invoice_ids: list[Any]) -> list[Row]:
    if not invoice_ids:
        return []
    ids = Condition("invoice_id", "IN", tuple(str(i) for i in invoice_ids))
    live = Condition("deleted", "=", ("0",))
    return await ctx.session.select("invoices_items", Query((ids, live), order=(("pos", False),)))


def _line_total(item: dict[str, Any]) -> Decimal:
    quantity = Decimal(str(item.get("quantity", 1)))
    price = Decimal(str(item.get("price", 0)))
    tax = Decimal(str(item.get("tax", 0)))
    return quantity * price * (1 + tax / 100)


def _check_items(raw: Any, creating: bool) -> list[dict[str, Any]]:
    if isinstance(raw, dict) and all(k.isdigit() for k in raw):
        raw = [raw[k] for k in sorted(raw, key=int)]
    if not isinstance(raw, list):
        raise ValidationFailed([FieldProblem("items", "Items is invalid.")])
    columns = catalog()["invoices_items"].by_name
    problems, items = [], []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            problems.append(FieldProblem("items", f"Item #{number} is invalid."))
            continue
        checked: dict[str, Any] = {"quantity": 1} if creating or "id" not in item else {}
        for key, value in item.items():
            if key not in _ITEM_KEYS:
                problems.append(
                    FieldProblem("items", f'Item #{number}: unknown attribute "{key}".')
                )
            elif key != "categoryIdForTransaction":
                if key == "unit" and isinstance(value, int | float) and not isinstance(value, bool):
                    value = str(value)
                try:
                    checked[key] = columns[key].check(value) if value is not None else None
                except Invalid as error:
                    text = str(error).replace("{label}", humanize(key))
                    problems.append(FieldProblem("items", f"Item #{number}: {text}"))
        if "id" not in checked and is_blank(checked.get("description")):
            problems.append(FieldProblem("items", f"Item #{number}: Description cannot be blank."))
        items.append(checked)
    if problems:
        raise ValidationFailed(problems)
    return items


class PaymentBehaviour(Behaviour):
    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        values, problems = payload.values, []
        if current is None and not values.get("customer_id"):
            problems.append(FieldProblem("customer_id", "Customer ID is required"))
        if (current is None or "amount" in values) and Decimal(values.get("amount") or 0) == 0:
            message = "Invalid sum, only a value greater or less than 0 is allowed!"
            problems.append(FieldProblem("amount", message))
        if problems:
            raise ValidationFailed(problems)
        if current is None:
            values["remind_amount"] = values["amount"]
            values.setdefault("date", sql_date(ctx.now))


class TransactionBehaviour(Behaviour):
    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        merged = {**(current or {}), **{k: v for k, v in payload.values.items() if v is not None}}
        line = {
            "quantity": merged.get("quantity", 1),
            "price": merged.get("price", 0),
            "tax": merged.get("tax_percent", 0),
        }
        payload.values["total"] = _money(_line_total(line))
