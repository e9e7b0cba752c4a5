"""Sonar payments → Splynx payments: expectations written by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.profile_rules import FinanceRules
from migrator.records import ParentRef, Resolved
from migrator.sonar.entities import PaymentType
from migrator.sonar.ledger_models import LedgerCredit, LedgerPayment
from migrator.transform.finance_ledger import splynx_effect
from migrator.transform.finance_payments import (
    PaymentRecord,
    paid_invoices,
    payment_left_out,
    payment_parents,
    splynx_payment,
)
from tests.support.sonar_finance import credit, payment

UTC = ZoneInfo("UTC")
RULES = FinanceRules()
BOTH = Resolved({"account_id": 501, "invoice_id": 3001})


def migrate(
    pay: LedgerPayment,
    credits: tuple[LedgerCredit, ...] = (),
    rules: FinanceRules = RULES,
    resolved: Resolved = BOTH,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    cleaned = splynx_payment(PaymentRecord(pay, credits), resolved, rules=rules, zone=UTC)
    return cleaned.payload.body(), cleaned.notes


def test_a_payment_applied_to_an_invoice_is_linked_to_it() -> None:
    body, notes = migrate(payment(900, 5999), (credit(1, 5999, source=900),))
    assert body == {
        "customer_id": 501,
        "amount": 59.99,
        "date": "2024-03-02",
        "payment_type": 3,
        "receipt_number": "sonar:pay:900",
        "invoice_id": 3001,
    }
    assert notes == ()


def test_a_payment_on_no_invoice_names_none() -> None:
    body, _ = migrate(payment(900, 5999), (), resolved=Resolved({"account_id": 501}))
    assert "invoice_id" not in body


@pytest.mark.parametrize(
    ("credits", "invoices"),
    [
        ((credit(1, 5999, source=900),), [7]),
        ((credit(2, 10, source=900, invoice_id="8"), credit(1, 10, source=900)), [7, 8]),
        ((credit(1, 10, source=901),), []),  # another payment's
        ((credit(1, 10, kind="Discount", source=900),), []),  # a discount with the same id
        ((credit(1, 10, source=900, void=True),), []),
    ],
)
def test_the_invoices_a_payment_paid_come_from_its_credits(
    credits: tuple[LedgerCredit, ...], invoices: list[int]
) -> None:
    record = PaymentRecord(payment(900), credits)
    assert paid_invoices(record) == invoices
    expected = [ParentRef("customers", 42, "account_id")]
    # the invoice is waited for by its account: it is read, and checkpointed, with it
    expected += [ParentRef("invoices", invoices[0], "invoice_id", cursor=42)] if invoices else []
    assert payment_parents(record) == expected


def test_a_payment_applied_to_several_invoices_links_the_first_noted() -> None:
    credits = (credit(1, 3000, source=900), credit(2, 2999, source=900, invoice_id="8"))
    body, notes = migrate(payment(900, 5999), credits)
    assert body["invoice_id"] == 3001
    assert notes == ("invoice_id: applied to 2 invoices: linked to the first",)


@pytest.mark.parametrize(
    ("kind", "method"),
    [("CASH", 1), ("BANKACCOUNT", 2), ("WIRE", 2), ("CREDITCARD", 3), ("CHECK", 5),
     ("PAYPAL", 5), ("OTHER", 5)],
)  # fmt: skip
def test_every_sonar_payment_type_has_a_default_method(kind: str, method: int) -> None:
    body, _ = migrate(payment(payment_type=kind))
    assert body["payment_type"] == method


def test_sonar_references_go_to_the_comment() -> None:
    pay = payment(
        description="Check #1234", reference="552211", transaction_id="99", payment_type="CHECK"
    )
    body, _ = migrate(pay)
    assert body["comment"] == "Check #1234; reference 552211; transaction 99"


# Bad input: each migrated with a named note or refused naming the field.


def test_a_payment_method_missing_from_the_map_is_refused_or_defaulted() -> None:
    only_cash = FinanceRules(payment_methods={PaymentType.CASH: 1})
    with pytest.raises(Rejected) as caught:
        migrate(payment(payment_type="PAYPAL"), rules=only_cash)
    assert caught.value.field == "payment_type" and "PAYPAL" in str(caught.value)
    fallback = FinanceRules(payment_methods={PaymentType.CASH: 1}, unmapped_payment_method=5)
    body, notes = migrate(payment(payment_type="PAYPAL"), rules=fallback)
    assert body["payment_type"] == 5
    assert notes == (
        "payment_type: PAYPAL is not in [finance.payment_methods]: "
        "method 5 (unmapped_payment_method)",
    )


def test_a_negative_payment_migrates_noted_or_is_refused() -> None:
    body, notes = migrate(payment(amount=-2500))
    assert body["amount"] == -25.0
    assert notes == ("amount: a negative payment (-25.00): migrated as one",)
    with pytest.raises(Rejected) as caught:
        migrate(payment(amount=-2500), rules=FinanceRules(negative_payments="reject"))
    assert caught.value.field == "amount"


def test_a_zero_payment_is_refused_as_splynx_would() -> None:
    with pytest.raises(Rejected) as caught:
        migrate(payment(amount=0))
    assert caught.value.field == "amount" and "refuses" in str(caught.value)


def test_a_failed_payment_is_left_out_and_refused_if_handed_over() -> None:
    failed = payment(successful=False, status="FAILED")
    assert payment_left_out(failed) == "the payment failed in Sonar: it moved no money"
    assert payment_left_out(payment()) is None
    with pytest.raises(Rejected) as caught:
        migrate(failed)
    assert caught.value.field == "successful"


def test_an_impossible_payment_date_is_refused() -> None:
    with pytest.raises(Rejected) as caught:
        migrate(payment(payment_datetime="1900-01-01T00:00:00Z"))
    assert caught.value.field == "payment_datetime"


def test_a_payment_raises_the_balance_by_its_amount() -> None:
    cleaned = splynx_payment(PaymentRecord(payment(amount=6499)), BOTH, rules=RULES, zone=UTC)
    assert splynx_effect(cleaned.payload) == Decimal("64.99")
