"""A finance payload as the complete rows Splynx's API would store for it. Pure.

What a POST of the payload's body does to each column, mirrored from the
simulator's API (``migrator/sim/splynx``: the generic validator and
``complete_row``, ``finance_support_endpoints`` defaults, the behaviours):

- a value sent is stored in the column's form (a flag ``True`` as ``'1'``,
  money as a decimal of the column's scale); a value not sent is what MySQL
  stores for a column left out (its default, NULL where nullable, else the
  zero of its type: ``''``, ``0``, ``'0000-00-00'``, an enum's first member);
- the server fills ``added_by`` (``'api'``), ``added_by_id``,
  ``real_create_datetime`` and ``updated_at`` (now) and dates left out
  (``date_created``, ``date_updated``: today; ``date_till``: the creation date);
- an invoice's ``total`` is the sum of its item lines and its ``due`` that total
  (0 when created ``paid``); a transaction's ``total`` is its one line
  (``finance_rules.line_total``); a payment's ``remind_amount`` starts at its
  amount (what it allocates comes off later).

ASSUMPTION: ``added_by = 'api'`` with the id the caller gives (the API key the
migration uses, if known; else NULL): the rows stand for what the API would
have written, and a real Splynx's administrator sees them as the API's.

Additional attributes are refused: the finance markers are main columns
(invoice ``number``, payment ``receipt_number``, transaction ``comment``), and
the database path writes no ``<module>_values`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from migrator.errors import FieldError, Rejected
from migrator.splynx.finance_rules import line_total, money
from migrator.splynx.payloads.base import SplynxPayload
from migrator.splynx.payloads.finance import Invoice, Payment, Transaction
from migrator.splynx.tables import Column, table

__all__ = [
    "Insert",
    "InvoiceRows",
    "MarkedRow",
    "Shapes",
    "Stamp",
    "TableRows",
    "invoice_rows",
    "payment_rows",
    "transaction_rows",
]

_CATEGORY = "categoryIdForTransaction"  # an item's debit category: not a column


@dataclass(frozen=True)
class Stamp:
    """What the server takes from the moment and the caller: now, and who adds the row."""

    now: datetime
    added_by_id: int | None = None
    today: str = field(init=False)  # the date, as MySQL prints it
    moment: str = field(init=False)  # the datetime, as MySQL prints it

    def __post_init__(self) -> None:
        object.__setattr__(self, "today", self.now.strftime("%Y-%m-%d"))
        object.__setattr__(self, "moment", self.now.strftime("%Y-%m-%d %H:%M:%S"))


def _blank(column: Column, moment: str) -> object:
    """What MySQL stores for a column an INSERT leaves out (as ``Column.blank`` of the sim)."""
    if column.default == "CURRENT_TIMESTAMP":
        return moment
    if column.default is not None:
        numeric = isinstance(column.zero_value(), int) and "decimal" not in column.type
        return int(column.default) if numeric else column.default  # an int column's '1' is 1
    return None if column.nullable else column.zero_value()


def _flag(value: object) -> object:
    """An enum value sent as a bool or a number, in the text form the column keeps."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value) if isinstance(value, int) else value


@dataclass(frozen=True)
class Insert:
    """Rows to insert: the columns that vary and each row's values for them (tuples, in
    ``columns`` order), and the columns every row holds the same value in."""

    columns: tuple[str, ...]
    rows: list[Any]
    shared: dict[str, object]


class TableRows:
    """Complete rows of one table: every column but the auto-increment key.

    A value sent is kept as it is (money as ``Decimal`` or MySQL's text, which
    the column stores to its four places), an enum's bool or number as its
    text. ``insert`` leaves out of the statement the columns MySQL would fill
    with the same value (a default, or NULL) for every row of the batch: fewer
    values to send, the same rows stored.
    """

    def __init__(self, name: str, stamp: Stamp) -> None:
        layout = table(name)
        kept = [c for c in layout.columns if not c.auto_increment]
        self.name = name
        self.columns = tuple(c.name for c in kept)
        self._blanks = {c.name: _blank(c, stamp.moment) for c in kept}
        self._flags = frozenset(c.name for c in kept if c.type.startswith("enum("))
        self._optional = tuple(c.name for c in kept if c.default is not None or c.nullable)

    def complete(self, given: Mapping[str, object]) -> dict[str, Any]:
        """``given`` (payload values; None = not sent) stored, the rest as MySQL fills it."""
        row = dict(self._blanks)
        for name, value in given.items():
            if value is not None:
                row[name] = _flag(value) if name in self._flags else value
        return row

    def insert(self, rows: Sequence[Mapping[str, object]]) -> Insert:
        """What an INSERT of ``rows`` must name: the columns whose values differ between
        rows, their values per row, and the values every row shares (sent once)."""
        blanks = self._blanks
        left_out = {c for c in self._optional if all(r[c] == blanks[c] for r in rows)}
        first = rows[0] if len(rows) > 1 else {}
        shared = {
            c: first[c]
            for c in self.columns
            if c in first and c not in left_out and all(r[c] == first[c] for r in rows)
        }
        varying = tuple(c for c in self.columns if c not in left_out and c not in shared)
        if len(varying) < 2:  # rows alike: each row names its values (itemgetter gives tuples)
            varying, shared = tuple(c for c in self.columns if c not in left_out), {}
        pick = itemgetter(*varying)
        return Insert(varying, [pick(row) for row in rows], shared)


@dataclass
class InvoiceRows:
    """An invoice row, its item rows (no ``invoice_id`` yet) and their debits' categories."""

    @property
    def customer_id(self) -> int:
        return int(self.row["customer_id"])

    row: dict[str, Any]
    items: list[dict[str, Any]]
    categories: list[int | None]  # as sent (None: the base "Service" category)
    marker: str

    @property
    def books(self) -> bool:
        """Whether the invoice books debits (behaviours_invoices: not deleted, transactions on)."""
        return self.row["use_transactions"] == "1" and self.row["status"] != "deleted"


@dataclass
class MarkedRow:
    """A payment's or a transaction's row, and its marker (None when it carries none)."""

    row: dict[str, Any]
    marker: str | None

    @property
    def customer_id(self) -> int:
        return int(self.row["customer_id"])


class Shapes:
    """The row shapes of one batch: every finance table, stamped with the batch's moment."""

    def __init__(self, stamp: Stamp) -> None:
        self.stamp = stamp
        self.invoices = TableRows("invoices", stamp)
        self.items = TableRows("invoices_items", stamp)
        self.payments = TableRows("payments", stamp)
        self.transactions = TableRows("billing_transactions", stamp)
        self.payers = TableRows("invoice_payers", stamp)


def _body(payload: SplynxPayload) -> dict[str, Any]:
    """The payload's values (Python types, None left out); additional attributes refused."""
    values = payload.model_dump(by_alias=True, exclude_none=True)
    if values.pop("additional_attributes", None):
        message = "the database path writes no additional fields; send this record by the API"
        raise Rejected("additional attributes on a finance record", [
            FieldError("additional_attributes", message)])  # fmt: skip
    return values


def _added(stamp: Stamp) -> dict[str, object]:
    return {"added_by": "api", "added_by_id": stamp.added_by_id,
            "real_create_datetime": stamp.moment}  # fmt: skip


def invoice_rows(payload: Invoice, shapes: Shapes) -> InvoiceRows:
    """The ``invoices`` row with its total and due, and its ``invoices_items`` rows."""
    values, stamp = _body(payload), shapes.stamp
    items, categories = [], []
    for position, item in enumerate(values.pop("items"), 1):
        category = item.pop(_CATEGORY, None)
        categories.append(int(category) if category else None)
        items.append({**shapes.items.complete(item), "pos": position})
    total = sum((line_total(i["quantity"], i["price"], i["tax"]) for i in items), Decimal(0))
    given = {**_added(stamp), "date_created": stamp.today, "date_updated": stamp.today}
    given.update(values)
    given.setdefault("date_till", given["date_created"])
    given["total"] = money(total)
    given["due"] = money(Decimal(0) if given["status"] == "paid" else total)
    row = shapes.invoices.complete(given)
    return InvoiceRows(row, items, categories, str(row["number"]))


def payment_rows(payload: Payment, shapes: Shapes) -> MarkedRow:
    """The ``payments`` row as created, before its credit and allocation are known."""
    stamp = shapes.stamp
    given = {**_added(stamp), "updated_at": stamp.moment, "date": stamp.today}
    given.update(_body(payload))
    given["remind_amount"] = given["amount"]
    row = shapes.payments.complete(given)
    return MarkedRow(row, str(row["receipt_number"]) or None)


def transaction_rows(payload: Transaction, shapes: Shapes) -> MarkedRow:
    """The ``billing_transactions`` row with its total."""
    stamp = shapes.stamp
    given: dict[str, Any] = {"date": stamp.today, "updated_at": stamp.moment}
    given.update(_body(payload))
    total = line_total(given.get("quantity", 1), given.get("price", 0), given["tax_percent"])
    given["total"] = money(total)
    row = shapes.transactions.complete(given)
    return MarkedRow(row, str(row["comment"]) or None)
