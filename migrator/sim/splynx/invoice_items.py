"""An invoice's items: checked from a request body, read back, and totalled.

Items live in ``invoices_items`` (the layout of the dumped proforma
``requests_items``, reference §8.1). The blueprint's item (L5072-L5082) has
``description*``, ``quantity*`` (default 1), ``unit``, ``price``, ``tax`` (VAT %),
the period, ``sub_account_id`` and ``categoryIdForTransaction`` ("Allows to set
transaction category for item transaction"): that last one is not a column, it
is the category of the debit the item books (``behaviours_invoices``), so it is
kept beside the item (``CATEGORY``) and never stored with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.columns import Invalid
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Context, humanize
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.tables import catalog
from migrator.splynx import finance_rules as rules

__all__ = ["CATEGORY", "ITEMS", "check_items", "line_total", "live_items", "stored_item"]

ITEMS = "invoices_items"
CATEGORY = "categoryIdForTransaction"
_ITEM_KEYS = frozenset(
    {"id", "description", "quantity", "unit", "price", "tax", "period_from", "period_to",
     "sub_account_id", "tax_id", CATEGORY}
)  # fmt: skip


def line_total(item: dict[str, Any]) -> Decimal:
    """An item's line total (``finance_rules.line_total``: net price, rounded per line)."""
    return rules.line_total(item.get("quantity", 1), item.get("price", 0), item.get("tax", 0))


def stored_item(item: dict[str, Any]) -> dict[str, Any]:
    """The item's columns (without its id and its transaction category)."""
    return {k: v for k, v in item.items() if k not in {"id", CATEGORY}}


async def live_items(ctx: Context, invoice_ids: list[Any]) -> list[Row]:
    """The live items of these invoices, in their order on each invoice."""
    if not invoice_ids:
        return []
    ids = Condition("invoice_id", "IN", tuple(str(i) for i in invoice_ids))
    live = Condition("deleted", "=", ("0",))
    return await ctx.session.select(ITEMS, Query((ids, live), order=(("pos", False),)))


def check_items(raw: Any, creating: bool) -> list[dict[str, Any]]:
    """The items of a request body, each checked against the item columns; 422 otherwise."""
    if isinstance(raw, dict) and all(k.isdigit() for k in raw):
        raw = [raw[k] for k in sorted(raw, key=int)]
    if not isinstance(raw, list):
        raise ValidationFailed([FieldProblem("items", "Items is invalid.")])
    problems: list[FieldProblem] = []
    items = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            problems.append(FieldProblem("items", f"Item #{number} is invalid."))
            continue
        checked: dict[str, Any] = {"quantity": 1} if creating or "id" not in item else {}
        for key, value in item.items():
            problem = _take(checked, key, value)
            if problem:
                problems.append(FieldProblem("items", f"Item #{number}: {problem}"))
        if "id" not in checked and is_blank(checked.get("description")):
            problems.append(FieldProblem("items", f"Item #{number}: Description cannot be blank."))
        items.append(checked)
    if problems:
        raise ValidationFailed(problems)
    return items


def _take(checked: dict[str, Any], key: str, value: Any) -> str | None:
    """Put one checked attribute of an item into ``checked``; the problem's text otherwise."""
    if key not in _ITEM_KEYS:
        return f'unknown attribute "{key}".'
    if key == CATEGORY:  # ASSUMPTION: 0 (or null) means none, as sub_account_id's 0 does
        if value is not None and (isinstance(value, bool) or not str(value).isdigit()):
            return "Category ID for transaction is invalid."
        checked[key] = int(value) if value else None
        return None
    if key == "unit" and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    try:
        checked[key] = catalog()[ITEMS].by_name[key].check(value) if value is not None else None
    except Invalid as error:
        return str(error).replace("{label}", humanize(key))
    return None
