"""An account's ledger, as Sonar sent it, split into the records each money entity migrates. Pure.

One nested read gives an account with its invoices, debits, credits and
payments (``AccountWithFinance``). Each entity takes its own share, keyed by
the id its id map knows it by:

- ``invoices``: every invoice ("history"), or only the open ones ("balance"),
  each with the debits on it and the credits applied to it; keyed by invoice id.
- ``payments``: the payments that succeeded, each with the credits that applied
  it; keyed by payment id. A failed payment moved no money: left out.
- ``transactions``: the debits on no invoice that were not reversed (keyed by
  debit id) and the discounts' credits that were not voided (keyed by *minus*
  the credit's id, so both kinds share one id map without a clash).
- ``opening_balances`` ("balance" mode): one record per account whose open
  invoices do not already say what it owes; keyed by account id.

What is left out is left out on purpose and for a reason that costs no money
(``debit_left_out``, ``credit_left_out``, ``payment_left_out`` say it), so
``account_owed_cents`` over the same ledger is what the migrated records
must add up to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from migrator.sonar.entities import CreditableType
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice
from migrator.sonar.models import AccountWithFinance
from migrator.transform.finance_invoices import InvoiceRecord, is_open
from migrator.transform.finance_ledger import sonar_owed_cents
from migrator.transform.finance_payments import PaymentRecord, payment_left_out
from migrator.transform.finance_transactions import (
    credit_left_out,
    debit_left_out,
    opening_amount,
)

__all__ = [
    "OpeningRecord",
    "account_owed_cents",
    "credit_key",
    "invoice_records",
    "opening_records",
    "payment_records",
    "transaction_records",
]

Mode = Literal["history", "balance"]


@dataclass(frozen=True)
class OpeningRecord:
    """ "balance" mode: what an account owes in Sonar, and the invoices migrated for it."""

    account_id: int
    owed_cents: int
    open_invoices: tuple[LedgerInvoice, ...]

    @property
    def id(self) -> int:
        return self.account_id


def credit_key(credit_id: int) -> int:
    """The id map key of a discount's credit among the transactions (debits keep theirs)."""
    return -credit_id


def account_owed_cents(account: AccountWithFinance) -> int:
    """What the account owes in Sonar, in cents (negative: it is in credit)."""
    return sonar_owed_cents(account.debits, account.credits, account.payments, account.invoices)


def invoice_records(account: AccountWithFinance, mode: Mode) -> list[tuple[int, InvoiceRecord]]:
    debits: dict[int, list[LedgerDebit]] = defaultdict(list)
    for debit in account.debits:
        if debit.invoice_id is not None:
            debits[debit.invoice_id].append(debit)
    credits: dict[int, list[LedgerCredit]] = defaultdict(list)
    for credit in account.credits:
        credits[credit.invoice_id].append(credit)
    return [
        (invoice.id, InvoiceRecord(invoice, tuple(debits[invoice.id]), tuple(credits[invoice.id])))
        for invoice in account.invoices
        if mode == "history" or is_open(invoice)
    ]


def payment_records(account: AccountWithFinance) -> list[tuple[int, PaymentRecord]]:
    applying: dict[int, list[LedgerCredit]] = defaultdict(list)
    for credit in account.credits:
        if credit.creditable_type == CreditableType.Payment:
            applying[credit.creditable_id].append(credit)
    return [
        (payment.id, PaymentRecord(payment, tuple(applying[payment.id])))
        for payment in account.payments
        if payment_left_out(payment) is None
    ]


def transaction_records(
    account: AccountWithFinance,
) -> list[tuple[int, LedgerDebit | LedgerCredit]]:
    records: list[tuple[int, LedgerDebit | LedgerCredit]] = [
        (debit.id, debit) for debit in account.debits if debit_left_out(debit) is None
    ]
    records.extend(
        (credit_key(credit.id), credit)
        for credit in account.credits
        if credit_left_out(credit) is None
    )
    return records


def opening_records(account: AccountWithFinance) -> list[tuple[int, OpeningRecord]]:
    owed = account_owed_cents(account)
    open_invoices = tuple(invoice for invoice in account.invoices if is_open(invoice))
    if opening_amount(owed, open_invoices) == 0:
        return []
    return [(account.id, OpeningRecord(account.id, owed, open_invoices))]
