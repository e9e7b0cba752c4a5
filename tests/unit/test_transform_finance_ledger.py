"""Every balance equal to the cent: the transforms over a generated ISP's whole ledger.

For each generated account, the signed Splynx amounts of everything the
finance transforms make from its Sonar records add up to Sonar's balance of
that account, in "history" mode and in "balance" mode alike. Sonar's balance
is computed here from the generator's own bookkeeping (what is left due on
invoices that stand, plus charges on no invoice, less what was overpaid),
independently of ``sonar_owed_cents``, which must agree with it too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from migrator.profile_rules import FinanceRules
from migrator.records import Resolved
from migrator.sim.sonar.generate import generate_dataset
from migrator.sonar.entities import Credit, CreditableType, Debit, Invoice, Payment
from migrator.transform.finance_invoices import InvoiceRecord, is_open, splynx_invoice
from migrator.transform.finance_ledger import sonar_owed_cents, splynx_balance, splynx_effect
from migrator.transform.finance_payments import PaymentRecord, payment_left_out, splynx_payment
from migrator.transform.finance_transactions import (
    credit_left_out,
    debit_left_out,
    debit_transaction,
    discount_transaction,
    opening_balance,
)

ZONE = ZoneInfo("America/Chicago")
RULES = FinanceRules()
M = TypeVar("M", bound=BaseModel)


@dataclass
class Ledger:
    """One account's Sonar money records."""

    invoices: list[Invoice] = field(default_factory=list)
    debits: list[Debit] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)


def _models(records: Iterable[Mapping[str, Any]], model: type[M]) -> list[M]:
    return [model.model_validate(record) for record in records]


@pytest.fixture(scope="module")
def ledgers() -> dict[int, Ledger]:
    dataset = generate_dataset(80, seed=3)
    by_account: dict[int, Ledger] = defaultdict(Ledger)
    for name, model in (("invoices", Invoice), ("debits", Debit), ("credits", Credit),
                        ("payments", Payment)):  # fmt: skip
        for record in _models(dataset.records(name), model):
            getattr(by_account[record.account_id], name).append(record)  # type: ignore[attr-defined]
    return dict(by_account)


def generator_owed_cents(ledger: Ledger) -> int:
    """Sonar's balance as the generator keeps its books (see sim/sonar/generate/billing.py
    and billing_mess.py): what is due on invoices that stand, plus charges on no invoice,
    less what was overpaid and not refunded (a refund is a negative payment) and what was
    credited beyond an invoice's total (its ``remaining_due`` stops at 0)."""
    due = sum(i.remaining_due for i in ledger.invoices if not i.void)
    pending = sum(d.amount for d in ledger.debits if d.invoice_id is None and not d.reversed)
    overpaid = sum(p.amount_remaining for p in ledger.payments if p.successful)
    refunded = -sum(p.amount for p in ledger.payments if p.successful and p.amount < 0)
    applied: dict[int, int] = defaultdict(int)
    for credit in ledger.credits:
        applied[credit.invoice_id] += 0 if credit.void else credit.amount
    beyond = sum(
        max(0, applied[i.id] - i.total_debits - i.total_taxes)
        for i in ledger.invoices
        if not i.void
    )
    return due + pending - (overpaid - refunded) - beyond


def history(ledger: Ledger, customer: Resolved) -> list[Any]:
    """Every payload "history" mode makes for one account."""
    on: dict[int, list[Debit]] = defaultdict(list)
    applied: dict[int, list[Credit]] = defaultdict(list)
    for debit in ledger.debits:
        if debit.invoice_id is not None:
            on[debit.invoice_id].append(debit)
    for credit in ledger.credits:
        applied[credit.invoice_id].append(credit)
    made: list[Any] = []
    for invoice in ledger.invoices:
        record = InvoiceRecord(invoice, on[invoice.id], applied[invoice.id])
        made.append(splynx_invoice(record, customer, rules=RULES, zone=ZONE).payload)
    for payment in ledger.payments:
        if payment_left_out(payment) is None:
            mine = [c for c in ledger.credits if c.creditable_type == CreditableType.Payment]
            record_ = PaymentRecord(payment, mine)
            made.append(splynx_payment(record_, customer, rules=RULES, zone=ZONE).payload)
    made += [
        debit_transaction(d, customer, rules=RULES, zone=ZONE).payload
        for d in ledger.debits
        if debit_left_out(d) is None
    ]
    made += [
        discount_transaction(c, customer, rules=RULES, zone=ZONE).payload
        for c in ledger.credits
        if credit_left_out(c) is None
    ]
    return made


def test_the_generated_ledger_holds_every_kind_of_money_record(ledgers: dict[int, Ledger]) -> None:
    everything = Ledger()
    for ledger in ledgers.values():
        for name in ("invoices", "debits", "credits", "payments"):
            getattr(everything, name).extend(getattr(ledger, name))
    assert any(i.void for i in everything.invoices)
    assert any(i.total_debits == 0 for i in everything.invoices)
    assert any(i.remaining_due > 0 for i in everything.invoices)
    assert any(d.invoice_id is None for d in everything.debits)
    assert any(c.creditable_type == CreditableType.Discount for c in everything.credits)
    assert any(not p.successful for p in everything.payments)
    assert any(p.successful and p.amount_remaining > 0 for p in everything.payments)
    assert any(p.successful and p.amount < 0 for p in everything.payments)  # a refund


def test_sonar_owed_agrees_with_the_generators_books(ledgers: dict[int, Ledger]) -> None:
    for account_id, ledger in ledgers.items():
        owed = sonar_owed_cents(ledger.debits, ledger.credits, ledger.payments)
        assert owed == generator_owed_cents(ledger), account_id


def test_history_mode_ends_with_every_balance_equal_to_the_cent(
    ledgers: dict[int, Ledger],
) -> None:
    customer = Resolved({"account_id": 1, "invoice_id": 1})
    for account_id, ledger in ledgers.items():
        made = history(ledger, customer)
        total = sum((splynx_effect(p) for p in made), Decimal(0))
        assert total == splynx_balance(generator_owed_cents(ledger)), account_id


def test_balance_mode_ends_with_the_same_balances(ledgers: dict[int, Ledger]) -> None:
    customer = Resolved({"account_id": 1})
    cutover = dt.date(2026, 12, 2)
    for account_id, ledger in ledgers.items():
        owed = sonar_owed_cents(ledger.debits, ledger.credits, ledger.payments)
        open_ = [i for i in ledger.invoices if is_open(i)]
        on = [d for d in ledger.debits if d.invoice_id in {i.id for i in open_}]
        made: list[Any] = [
            splynx_invoice(
                InvoiceRecord(i, [d for d in on if d.invoice_id == i.id]),
                customer,
                rules=RULES,
                zone=ZONE,
            ).payload
            for i in open_
        ]
        opening = opening_balance(account_id, owed, open_, customer, rules=RULES, cutover=cutover)
        made += [] if opening is None else [opening.payload]
        total = sum((splynx_effect(p) for p in made), Decimal(0))
        assert total == splynx_balance(generator_owed_cents(ledger)), account_id


def test_an_invoice_s_taxes_are_owed_unless_it_is_void() -> None:
    """Sonar keeps taxes on the invoice, not as debits; the Splynx copy charges them as an
    item, so what the account owes must count them (the generator never taxes an invoice)."""
    stamp = {"sonar_unique_id": "u", "created_at": "2024-03-01T00:00:00-06:00",
             "updated_at": "2024-03-01T00:00:00-06:00", "_version": "1"}  # fmt: skip
    base = {**stamp, "account_id": "42", "auto_pay_attempts": 0, "child_invoice_remaining_due": 0,
            "company_id": "1", "date": "2024-03-01", "delinquent": False,
            "due_date": "2024-03-15", "end_date": "2024-03-31", "frozen": False,
            "late_fee_applied": False, "late_fee_only": False, "number_of_months": 1,
            "pending_email": False, "remaining_due": 0, "status": "COMPLETE",
            "tax_committed": True, "total_debits": 0}  # fmt: skip
    standing = Invoice.model_validate({**base, "id": "1", "total_taxes": 412, "void": False})
    voided = Invoice.model_validate({**base, "id": "2", "total_taxes": 99, "void": True})
    assert sonar_owed_cents([], [], [], [standing, voided]) == 412
    assert sonar_owed_cents([], [], []) == 0
