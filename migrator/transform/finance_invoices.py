"""A Sonar invoice, with the debits on it and the credits applied to it → a Splynx invoice. Pure.

- Items: one per debit on the invoice (description, quantity, price), and one
  ``[finance] tax_item`` of ``total_taxes`` when Sonar charged tax (it keeps
  taxes per invoice, not per debit). ASSUMPTION: a debit's ``amount`` is its
  line total (``total_debits`` is "the sum of all debits"), so the unit price is
  amount / quantity when that is exact to Splynx's 4 decimals, else the line is
  quantity 1 at the amount (noted). The items must add up to ``total_debits``,
  or the invoice is refused naming it: a debit missing would change a balance.
- Reversed debits on an invoice that stands owe nothing: left out, noted.
- Status: void -> ``deleted`` (its debits reversed: it owes nothing) or
  refused (``void_invoices``); nothing left to pay -> ``paid``; else ``not_paid``.
- Credits (payments and discounts applied) adding up to more than the invoice:
  paid, noted (their excess stays on the customer's balance: the payments and
  discounts migrate in full), or refused (``excess_credits``).
- A zero invoice (a free plan): paid, noted, or refused (``zero_invoices``).
- Number: Sonar's id or a prefixed one (``finance_markers.invoice_number``): the marker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import FinanceRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import ServiceType
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice
from migrator.splynx.payloads import Invoice as SplynxInvoice
from migrator.splynx.payloads import InvoiceItem
from migrator.transform.cleaning import Notes, cents, long_text, name_text
from migrator.transform.dates import ledger_date, splynx_date
from migrator.transform.finance_markers import invoice_number

__all__ = [
    "InvoiceRecord",
    "debit_category",
    "invoice_parents",
    "is_open",
    "splynx_invoice",
]

_DESCRIPTION = 256  # invoices_items.description varchar(256)
_Status = Literal["paid", "not_paid", "deleted"]


@dataclass(frozen=True)
class InvoiceRecord:
    """One Sonar invoice with the debits on it and the credits applied to it."""

    invoice: LedgerInvoice
    debits: Sequence[LedgerDebit] = ()
    credits: Sequence[LedgerCredit] = ()

    @property
    def id(self) -> int:
        return self.invoice.id


def invoice_parents(record: InvoiceRecord) -> list[ParentRef]:
    return [ParentRef("customers", record.invoice.account_id, "account_id")]


def is_open(invoice: LedgerInvoice) -> bool:
    """What "balance" mode moves: an invoice that stands and still has something to pay."""
    return not invoice.void and invoice.remaining_due > 0


def debit_category(debit: LedgerDebit, rules: FinanceRules) -> int:
    """The transaction category a debit's charge goes to in Splynx."""
    categories = rules.transaction_categories
    return categories.adjustments if debit.type == ServiceType.ADJUSTMENT else categories.debits


def splynx_invoice(
    record: InvoiceRecord, resolved: Resolved, *, rules: FinanceRules, zone: ZoneInfo
) -> Cleaned[SplynxInvoice]:
    notes = Notes()
    invoice = record.invoice
    number = invoice_number(invoice.id, rules)
    status = _status(record, rules, notes)
    items = _items(record, number, rules, notes)
    payload = SplynxInvoice(
        customer_id=resolved.parents["account_id"],
        number=number,
        status=status,
        items=items,
        date_created=ledger_date(invoice.date, "date", zone),
        date_till=ledger_date(invoice.due_date, "due_date", zone),
        date_updated=splynx_date(invoice.updated_at, zone),
        date_payment=_paid_on(record, zone) if status == "paid" else None,
        note=long_text(invoice.message, "message", None, True, notes),
    )
    return Cleaned(payload, tuple(notes.lines))


def _status(record: InvoiceRecord, rules: FinanceRules, notes: Notes) -> _Status:
    invoice = record.invoice
    if invoice.void:
        if rules.void_invoices == "reject":
            message = 'voided in Sonar ([finance] void_invoices = "reject")'
            raise Rejected("the invoice is void", [FieldError("void", message)])
        notes.add("void", "voided in Sonar: status deleted, it owes nothing")
        return "deleted"
    owed = _money(invoice.total_debits, "total_debits") + _money(invoice.total_taxes, "total_taxes")
    if owed == 0:
        if rules.zero_invoices == "reject":
            message = '0 cents ([finance] zero_invoices = "reject")'
            raise Rejected("a zero-amount invoice", [FieldError("total_debits", message)])
        notes.add("total_debits", "a zero-amount invoice: migrated as paid")
        return "paid"
    _check_credits(record, owed, rules, notes)
    return "paid" if invoice.remaining_due <= 0 else "not_paid"


def _check_credits(record: InvoiceRecord, owed: Decimal, rules: FinanceRules, notes: Notes) -> None:
    applied = Decimal(sum(c.amount for c in record.credits if not c.void)).scaleb(-2)
    if applied <= owed:
        return
    message = f"credits applied ({applied}) exceed the invoice's {owed} by {applied - owed}"
    if rules.excess_credits == "reject":
        raise Rejected("credits larger than the invoice", [FieldError("credits", message)])
    notes.add("credits", f"{message}: paid; the excess stays on the customer's balance")


def _items(
    record: InvoiceRecord, number: str, rules: FinanceRules, notes: Notes
) -> list[InvoiceItem]:
    invoice = record.invoice
    kept = sorted((d for d in record.debits if invoice.void or not d.reversed), key=lambda d: d.id)
    if len(kept) < len(record.debits):
        notes.add("debits", f"{len(record.debits) - len(kept)} reversed debit(s) left out")
    added = sum(d.amount for d in kept)
    if added != invoice.total_debits:
        message = f"{invoice.total_debits} cents, but the debits on it add up to {added}"
        raise Rejected("the invoice's debits are incomplete", [FieldError("total_debits", message)])
    items = [_item(debit, rules, notes) for debit in kept]
    if invoice.total_taxes:
        tax = _money(invoice.total_taxes, "total_taxes")
        items.append(InvoiceItem(description=rules.tax_item, price=tax))
    if not items:  # nothing charged and no debits: Splynx wants an item all the same
        items.append(InvoiceItem(description=f"Invoice {number}", price=Decimal(0)))
    return items


def _item(debit: LedgerDebit, rules: FinanceRules, notes: Notes) -> InvoiceItem:
    field = f"debit {debit.id}"
    text = name_text(debit.description or debit.service_name, field, _DESCRIPTION, True, notes)
    quantity, price = _quantity_price(debit, field, notes)
    return InvoiceItem(
        description=text or f"Sonar debit {debit.id}",
        quantity=quantity,
        price=price,
        period_from=_day(debit.prorated_from),
        period_to=_day(debit.prorated_to),
        categoryIdForTransaction=debit_category(debit, rules),
    )


def _day(day: dt.date | None) -> str | None:
    """A Sonar ``Date`` (no zone: a calendar day) as Splynx writes it."""
    return None if day is None else day.isoformat()


def _money(amount: int, field: str) -> Decimal:
    """A Sonar amount that may not be negative (refused naming ``field``)."""
    money = cents(amount, field)
    assert money is not None
    return money


def _quantity_price(debit: LedgerDebit, field: str, notes: Notes) -> tuple[int, Decimal]:
    """Quantity and unit price whose product is the debit's amount to the cent."""
    amount = cents(debit.amount, field, allow_negative=True)
    assert amount is not None
    if debit.amount < 0:
        notes.add(field, f"a negative charge of {amount}")
    quantity = debit.quantity
    if quantity > 1 and (debit.amount * 100) % quantity == 0:
        return quantity, (amount / quantity).quantize(Decimal("0.0001"))
    if quantity != 1:
        notes.add(field, f"quantity {quantity} of {amount} kept as one line of {amount}")
    return 1, amount


def _paid_on(record: InvoiceRecord, zone: ZoneInfo) -> str | None:
    """The day the last credit that paid it was applied."""
    applied = [c.created_at for c in record.credits if not c.void]
    return splynx_date(max(applied), zone) if applied else None
