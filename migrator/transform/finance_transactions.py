"""Debits on no invoice, discounts, and "balance" mode's opening balance → Splynx transactions.

Pure. Splynx's sign (splynx_docs_facts.md): a ``debit`` transaction is an
amount the customer must pay (it lowers the balance), a ``credit`` one raises
it; a customer who owes money has a negative balance.

- A debit on no invoice (a pending charge): a ``debit`` transaction of its
  amount, category ``debits`` (``adjustments`` for an ADJUSTMENT service);
  a negative one is a ``credit`` of the opposite amount (noted). One on an
  invoice is one of the invoice's items; a reversed one owes nothing: both are
  left out (``debit_left_out`` says why).
- A credit is Sonar's application of a payment or a discount to an invoice.
  A payment's is carried by the payment; a discount's becomes a ``credit``
  transaction, category ``discounts``; a voided one is left out
  (``credit_left_out``). Sonar's discounts reach migrator only through these
  credits (it reads no ``discounts`` list).
- "balance" mode: one opening-balance transaction per customer, dated at the
  cut-over, that brings the ledger made of its open invoices to Sonar's balance.

Marker: ``comment`` = ``sonar:debit:<id>``, ``sonar:credit:<id>``, ``sonar:opening:<account>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import FinanceRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import CreditableType
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice
from migrator.splynx.payloads import Transaction
from migrator.transform.cleaning import Notes, cents, name_text
from migrator.transform.dates import ledger_date, splynx_date
from migrator.transform.finance_invoices import debit_category, is_open
from migrator.transform.finance_markers import (
    credit_marker,
    debit_marker,
    invoice_number,
    opening_marker,
)

__all__ = [
    "credit_left_out",
    "debit_left_out",
    "debit_transaction",
    "discount_transaction",
    "opening_balance",
    "transaction_parents",
]

_DESCRIPTION = 255  # billing_transactions.description varchar(255)


def debit_left_out(debit: LedgerDebit) -> str | None:
    """Why a debit is not a transaction of its own, or None when it is one."""
    if debit.invoice_id is not None:
        return f"on invoice {debit.invoice_id}: migrated as one of its items"
    if debit.reversed:
        return "reversed in Sonar: it owes nothing"
    return None


def credit_left_out(credit: LedgerCredit) -> str | None:
    """Why a credit is not a transaction of its own, or None when it is one."""
    if credit.creditable_type == CreditableType.Payment:
        return f"applies payment {credit.creditable_id}: the payment carries it"
    if credit.void:
        return "voided in Sonar: it credits nothing"
    return None


def transaction_parents(record: LedgerDebit | LedgerCredit) -> list[ParentRef]:
    return [ParentRef("customers", record.account_id, "account_id")]


def _refuse_left_out(why: str | None, field: str) -> None:
    if why is not None:
        raise Rejected(why, [FieldError(field, why)])


def debit_transaction(
    debit: LedgerDebit, resolved: Resolved, *, rules: FinanceRules, zone: ZoneInfo
) -> Cleaned[Transaction]:
    notes = Notes()
    _refuse_left_out(debit_left_out(debit), "invoice_id" if debit.invoice_id else "reversed")
    amount = cents(debit.amount, "amount", allow_negative=True)
    assert amount is not None
    kind: Literal["debit", "credit"] = "debit"
    if amount < 0:
        kind, amount = "credit", -amount
        notes.add("amount", f"a negative charge of -{amount}: a credit of {amount}")
    text = name_text(debit.description or debit.service_name, "description", _DESCRIPTION,
                     True, notes)  # fmt: skip
    payload = Transaction(
        type=kind,
        customer_id=resolved.parents["account_id"],
        date=ledger_date(debit.created_at, "created_at", zone),
        category=debit_category(debit, rules),
        description=text or f"Sonar debit {debit.id}",
        quantity=1,
        price=amount,
        comment=debit_marker(debit.id),
        period_from=splynx_date(debit.prorated_from, zone),
        period_to=splynx_date(debit.prorated_to, zone),
    )
    return Cleaned(payload, tuple(notes.lines))


def discount_transaction(
    credit: LedgerCredit, resolved: Resolved, *, rules: FinanceRules, zone: ZoneInfo
) -> Cleaned[Transaction]:
    field = "void" if credit.creditable_type == CreditableType.Discount else "creditable_type"
    _refuse_left_out(credit_left_out(credit), field)
    amount = cents(credit.amount, "amount")
    number = invoice_number(credit.invoice_id, rules)
    payload = Transaction(
        type="credit",
        customer_id=resolved.parents["account_id"],
        date=ledger_date(credit.created_at, "created_at", zone),
        category=rules.transaction_categories.discounts,
        description=f"Discount on invoice {number}",
        quantity=1,
        price=amount,
        comment=credit_marker(credit.id),
    )
    return Cleaned(payload)


def opening_amount(owed_cents: int, open_invoices: Sequence[LedgerInvoice]) -> int:
    """Cents the opening transaction credits (negative: debits) so that the open invoices,
    migrated whole, and it leave the customer owing ``owed_cents``, as in Sonar."""
    charged = sum(i.total_debits + i.total_taxes for i in open_invoices if is_open(i))
    return charged - owed_cents


def opening_balance(
    account_id: int,
    owed_cents: int,
    open_invoices: Sequence[LedgerInvoice],
    resolved: Resolved,
    *,
    rules: FinanceRules,
    cutover: dt.date,
) -> Cleaned[Transaction] | None:
    """The one transaction of "balance" mode, or None when the open invoices already say it.

    ``owed_cents`` is Sonar's balance of the account (``finance_ledger.sonar_owed_cents``:
    positive when the customer owes); ``open_invoices`` those migrated (``is_open``).
    What they were already paid in part is history left in Sonar, credited here.
    """
    amount = opening_amount(owed_cents, open_invoices)
    if amount == 0:
        return None
    kind: Literal["debit", "credit"] = "credit" if amount > 0 else "debit"
    payload = Transaction(
        type=kind,
        customer_id=resolved.parents["account_id"],
        date=cutover.isoformat(),
        category=rules.transaction_categories.opening_balance,
        description="Opening balance from Sonar",
        quantity=1,
        price=Decimal(abs(amount)).scaleb(-2),
        comment=opening_marker(account_id),
    )
    return Cleaned(payload)
