"""A Sonar payment → a Splynx payment. Pure.

- Only a payment that succeeded moved money: a failed one is left out
  (``payment_left_out`` says why), so the balances agree.
- Method: ``payment_type`` through ``[finance.payment_methods]``; a type not
  there is refused, or takes ``unmapped_payment_method`` (noted).
- Amount: Sonar's cents as a decimal. Zero is refused (Splynx refuses it too);
  a negative one (a refund) migrates as a negative payment, which Splynx takes
  (noted), or is refused (``negative_payments``).
- Invoice: Sonar applies a payment to invoices through credits
  (``creditable_type`` Payment); the Splynx payment names the first invoice it
  was applied to (noted when there were several; the money is the same).
- Marker: ``receipt_number`` = ``sonar:pay:<id>``. Sonar's own reference (a
  check or wire number), description and processor transaction id go to
  ``comment``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import FinanceRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import CreditableType
from migrator.sonar.ledger_models import LedgerCredit, LedgerPayment
from migrator.splynx.payloads import Payment as SplynxPayment
from migrator.transform.cleaning import Notes, cents, name_text
from migrator.transform.dates import ledger_date
from migrator.transform.finance_markers import payment_marker

__all__ = [
    "PaymentRecord",
    "paid_invoices",
    "payment_left_out",
    "payment_method",
    "payment_parents",
    "splynx_payment",
]

_COMMENT = 256  # payments.comment varchar(256)


@dataclass(frozen=True)
class PaymentRecord:
    """One Sonar payment with the credits that applied it to invoices."""

    payment: LedgerPayment
    credits: Sequence[LedgerCredit] = ()

    @property
    def id(self) -> int:
        return self.payment.id


def payment_left_out(payment: LedgerPayment) -> str | None:
    """Why a payment is not migrated at all, or None when it is."""
    if not payment.successful:
        return "the payment failed in Sonar: it moved no money"
    return None


def paid_invoices(record: PaymentRecord) -> list[int]:
    """The Sonar invoices the payment was applied to, first applied first."""
    found: list[int] = []
    for credit in sorted(record.credits, key=lambda c: c.id):
        mine = credit.creditable_type == CreditableType.Payment
        applies = mine and credit.creditable_id == record.payment.id and not credit.void
        if applies and credit.invoice_id not in found:
            found.append(credit.invoice_id)
    return found


def payment_parents(record: PaymentRecord) -> list[ParentRef]:
    refs = [ParentRef("customers", record.payment.account_id, "account_id")]
    invoices = paid_invoices(record)
    if invoices:
        # read with the account's ledger: its entity's checkpoints count account ids
        refs.append(
            ParentRef("invoices", invoices[0], "invoice_id", cursor=record.payment.account_id)
        )
    return refs


def payment_method(payment: LedgerPayment, rules: FinanceRules, notes: Notes) -> int:
    """The Splynx payment method id of a Sonar payment type."""
    method = rules.payment_methods.get(payment.payment_type)
    if method is not None:
        return method
    if rules.unmapped_payment_method == "reject":
        message = f"{payment.payment_type} is not in [finance.payment_methods]"
        raise Rejected("payment method not mapped", [FieldError("payment_type", message)])
    notes.add(
        "payment_type",
        f"{payment.payment_type} is not in [finance.payment_methods]: "
        f"method {rules.unmapped_payment_method} (unmapped_payment_method)",
    )
    return rules.unmapped_payment_method


def splynx_payment(
    record: PaymentRecord, resolved: Resolved, *, rules: FinanceRules, zone: ZoneInfo
) -> Cleaned[SplynxPayment]:
    payment, notes = record.payment, Notes()
    why = payment_left_out(payment)
    if why is not None:
        raise Rejected(why, [FieldError("successful", why)])
    invoices = paid_invoices(record)
    if len(invoices) > 1:
        notes.add("invoice_id", f"applied to {len(invoices)} invoices: linked to the first")
    payload = SplynxPayment(
        customer_id=resolved.parents["account_id"],
        amount=_amount(payment, rules, notes),
        date=ledger_date(payment.payment_datetime, "payment_datetime", zone),
        payment_type=payment_method(payment, rules, notes),
        receipt_number=payment_marker(payment.id),
        invoice_id=resolved.id_for("invoice_id") if invoices else None,
        comment=name_text(_comment(payment), "comment", _COMMENT, True, notes),
    )
    return Cleaned(payload, tuple(notes.lines))


def _amount(payment: LedgerPayment, rules: FinanceRules, notes: Notes) -> Decimal:
    if payment.amount == 0:
        message = "0 cents: Splynx refuses a payment of nothing"
        raise Rejected("a zero payment", [FieldError("amount", message)])
    negative = payment.amount < 0
    if negative and rules.negative_payments == "reject":
        message = f'{payment.amount} cents ([finance] negative_payments = "reject")'
        raise Rejected("a negative payment", [FieldError("amount", message)])
    amount = cents(payment.amount, "amount", allow_negative=True)
    assert amount is not None
    if negative:
        notes.add("amount", f"a negative payment ({amount}): migrated as one")
    return amount


def _comment(payment: LedgerPayment) -> str | None:
    parts = [
        payment.description,
        f"reference {payment.reference}" if payment.reference else None,
        f"transaction {payment.transaction_id}" if payment.transaction_id else None,
    ]
    kept = [part.strip() for part in parts if part and part.strip()]
    return "; ".join(kept) or None
