"""Debits on no invoice, discounts and opening balances → Splynx transactions, by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.profile_rules import FinanceRules, TransactionCategories
from migrator.records import ParentRef, Resolved
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice
from migrator.transform.finance_ledger import sonar_owed_cents, splynx_balance, splynx_effect
from migrator.transform.finance_transactions import (
    credit_left_out,
    debit_left_out,
    debit_transaction,
    discount_transaction,
    opening_amount,
    opening_balance,
    transaction_parents,
)
from tests.support.sonar_finance import credit, debit, invoice, payment

UTC = ZoneInfo("UTC")
RULES = FinanceRules()
CUSTOMER = Resolved({"account_id": 501})
CUTOVER = dt.date(2024, 6, 1)


def test_a_pending_charge_is_a_debit_transaction_marked_with_its_id() -> None:
    pending = debit(31, 7500, invoice_id=None, description="Service call", type="ONETIME")
    cleaned = debit_transaction(pending, CUSTOMER, rules=RULES, zone=UTC)
    assert cleaned.payload.body() == {
        "type": "debit",
        "customer_id": 501,
        "date": "2024-03-02",
        "category": 1,
        "description": "Service call",
        "tax_percent": 0.0,
        "quantity": 1,
        "price": 75.0,
        "comment": "sonar:debit:31",
    }
    assert cleaned.notes == ()
    assert splynx_effect(cleaned.payload) == Decimal("-75.00")
    assert transaction_parents(pending) == [ParentRef("customers", 42, "account_id")]


def test_an_adjustment_goes_to_its_category_and_a_negative_one_is_a_credit() -> None:
    rules = FinanceRules(transaction_categories=TransactionCategories(adjustments=9))
    refund = debit(32, -1250, invoice_id=None, type="ADJUSTMENT", description=None,
                   service_name="Goodwill", prorated_from="2024-02-01",
                   prorated_to="2024-02-29")  # fmt: skip
    cleaned = debit_transaction(refund, CUSTOMER, rules=rules, zone=UTC)
    body = cleaned.payload.body()
    assert (body["type"], body["category"], body["price"], body["description"]) == (
        "credit",
        9,
        12.5,
        "Goodwill",
    )
    assert (body["period_from"], body["period_to"]) == ("2024-02-01", "2024-02-29")
    assert cleaned.notes == ("amount: a negative charge of -12.50: a credit of 12.50",)
    assert splynx_effect(cleaned.payload) == Decimal("12.50")


def test_a_discount_credit_is_a_credit_transaction_naming_its_invoice() -> None:
    discount = credit(44, 600, kind="Discount", source=3, invoice_id="7")
    cleaned = discount_transaction(
        discount, CUSTOMER, rules=FinanceRules(invoice_number="prefixed"), zone=UTC
    )
    body = cleaned.payload.body()
    assert (body["type"], body["category"], body["price"], body["comment"]) == (
        "credit",
        2,
        6.0,
        "sonar:credit:44",
    )
    assert body["description"] == "Discount on invoice SONAR-7"
    assert splynx_effect(cleaned.payload) == Decimal("6.00")


@pytest.mark.parametrize(
    ("record", "why"),
    [
        (debit(1, 100, invoice_id="7"), "on invoice 7: migrated as one of its items"),
        (debit(1, 100, invoice_id=None, reversed=True), "reversed in Sonar: it owes nothing"),
        (debit(1, 100, invoice_id=None), None),
    ],
)
def test_which_debits_are_transactions(record: LedgerDebit, why: str | None) -> None:
    assert debit_left_out(record) == why


@pytest.mark.parametrize(
    ("record", "why"),
    [
        (credit(1, 100, source=900), "applies payment 900: the payment carries it"),
        (credit(1, 100, kind="Discount", void=True), "voided in Sonar: it credits nothing"),
        (credit(1, 100, kind="Discount"), None),
    ],
)
def test_which_credits_are_transactions(record: LedgerCredit, why: str | None) -> None:
    assert credit_left_out(record) == why


def test_a_left_out_record_handed_over_anyway_is_refused_with_the_reason() -> None:
    with pytest.raises(Rejected, match="migrated as one of its items") as caught:
        debit_transaction(debit(1, 100, invoice_id="7"), CUSTOMER, rules=RULES, zone=UTC)
    assert caught.value.field == "invoice_id"
    with pytest.raises(Rejected, match="the payment carries it") as caught:
        discount_transaction(credit(1, 100), CUSTOMER, rules=RULES, zone=UTC)
    assert caught.value.field == "creditable_type"


def test_an_impossible_transaction_date_is_refused() -> None:
    pending = debit(1, 100, invoice_id=None, created_at="0001-01-01T00:00:00+00:00")
    with pytest.raises(Rejected) as caught:
        debit_transaction(pending, CUSTOMER, rules=RULES, zone=UTC)
    assert caught.value.field == "created_at"


# "balance" mode: the open invoices whole, and one transaction for the rest.


@pytest.mark.parametrize(
    ("owed", "invoices", "kind", "price"),
    [
        (5999, [invoice(total_debits=5999, remaining_due=5999)], None, None),  # they say it all
        (2999, [invoice(total_debits=5999, remaining_due=2999)], "credit", 30.0),  # paid in part
        (7499, [invoice(total_debits=5999, remaining_due=5999)], "debit", 15.0),  # a pending charge
        (-500, [], "credit", 5.0),  # in credit: an overpayment
        (
            1000,
            [invoice(total_debits=900, remaining_due=0)],
            "debit",
            10.0,
        ),  # a paid one is not open
    ],
)
def test_the_opening_balance_makes_up_what_the_open_invoices_do_not_say(
    owed: int, invoices: list[LedgerInvoice], kind: str | None, price: float | None
) -> None:
    cleaned = opening_balance(42, owed, invoices, CUSTOMER, rules=RULES, cutover=CUTOVER)
    if kind is None:
        assert cleaned is None
        return
    assert cleaned is not None
    assert cleaned.payload.body() == {
        "type": kind,
        "customer_id": 501,
        "date": "2024-06-01",
        "category": 5,
        "description": "Opening balance from Sonar",
        "tax_percent": 0.0,
        "quantity": 1,
        "price": price,
        "comment": "sonar:opening:42",
    }
    open_effect = sum(-Decimal(i.total_debits).scaleb(-2) for i in invoices if i.remaining_due > 0)
    assert open_effect + splynx_effect(cleaned.payload) == splynx_balance(owed)
    assert opening_amount(owed, invoices) != 0


def test_sonar_owes_debits_less_successful_payments_and_discounts() -> None:
    debits = [debit(1, 5999), debit(2, 7500, invoice_id=None), debit(3, 999, reversed=True)]
    credits = [
        credit(1, 5999, source=900),  # applies the payment: counted once, as the payment
        credit(2, 500, kind="Discount", source=1),
        credit(3, 400, kind="Discount", source=2, void=True),
    ]
    payments = [payment(900, 6499), payment(901, 7500, successful=False)]
    assert sonar_owed_cents(debits, credits, payments) == 5999 + 7500 - 6499 - 500
    assert splynx_balance(6500) == Decimal("-65.00")
