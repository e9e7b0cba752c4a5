"""Sonar invoices → Splynx invoices, and the [finance] rules: expectations written by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import ConfigError, Rejected
from migrator.profile import load_profile
from migrator.profile_rules import DEFAULT_PAYMENT_METHODS, FinanceRules
from migrator.records import ParentRef, Resolved
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice
from migrator.transform.finance_invoices import (
    InvoiceRecord,
    invoice_parents,
    is_open,
    splynx_invoice,
)
from migrator.transform.finance_ledger import invoice_total, splynx_effect
from migrator.transform.finance_markers import invoice_number
from tests.support.sonar_finance import credit, debit, invoice

UTC = ZoneInfo("UTC")
CUSTOMER = Resolved({"account_id": 501})
RULES = FinanceRules()


def migrate(
    inv: LedgerInvoice,
    debits: tuple[LedgerDebit, ...] = (),
    credits: tuple[LedgerCredit, ...] = (),
    rules: FinanceRules = RULES,
    zone: ZoneInfo = UTC,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    cleaned = splynx_invoice(InvoiceRecord(inv, debits, credits), CUSTOMER, rules=rules, zone=zone)
    return cleaned.payload.body(), cleaned.notes


def test_an_open_invoice_carries_its_debits_as_items() -> None:
    debits = (
        debit(2, 1000, description="Static IP", service_name="Static IP", type="RECURRING"),
        debit(1, 4999),
    )
    body, notes = migrate(invoice(total_debits=5999, remaining_due=5999), debits)
    assert body == {
        "customer_id": 501,
        "number": "7",
        "status": "not_paid",
        "date_created": "2024-03-01",
        "date_till": "2024-03-15",
        "date_updated": "2024-03-02",
        "items": [
            {"description": "Fiber 50", "quantity": 1, "unit": "1", "price": 49.99,
             "categoryIdForTransaction": 1},
            {"description": "Static IP", "quantity": 1, "unit": "1", "price": 10.0,
             "categoryIdForTransaction": 1},
        ],
    }  # fmt: skip
    assert notes == ()


@pytest.mark.parametrize(
    ("remaining", "credits", "status", "paid_on"),
    [
        (0, (credit(1, 5999, created_at="2024-03-10T20:00:00-06:00"),), "paid", "2024-03-11"),
        (2999, (credit(1, 3000),), "not_paid", None),
        (5999, (), "not_paid", None),
    ],
)
def test_status_follows_what_is_left_to_pay(
    remaining: int, credits: tuple[LedgerCredit, ...], status: str, paid_on: str | None
) -> None:
    body, _ = migrate(invoice(remaining_due=remaining), (debit(1, 5999),), credits)
    assert body["status"] == status
    assert body.get("date_payment") == paid_on


def test_dates_are_days_in_splynx_zone() -> None:
    body, _ = migrate(invoice(), (debit(1, 5999),), zone=ZoneInfo("America/Chicago"))
    assert (body["date_created"], body["date_till"], body["date_updated"]) == (
        "2024-03-01",
        "2024-03-15",
        "2024-03-01",  # 23:30 in Chicago is the next day in UTC
    )


def test_number_is_the_sonar_id_or_prefixed() -> None:
    prefixed = FinanceRules(invoice_number="prefixed", invoice_prefix="SON-")
    assert invoice_number(1042, RULES) == "1042"
    assert invoice_number(1042, prefixed) == "SON-1042"
    body, _ = migrate(invoice(), (debit(1, 5999),), rules=prefixed)
    assert body["number"] == "SON-7"


def test_taxes_are_one_item_and_count_in_the_total() -> None:
    inv = invoice(total_debits=5999, total_taxes=480, remaining_due=6479)
    body, _ = migrate(inv, (debit(1, 5999),))
    assert body["items"][-1] == {"description": "Taxes", "quantity": 1, "unit": "1", "price": 4.8}
    cleaned = splynx_invoice(InvoiceRecord(inv, (debit(1, 5999),)), CUSTOMER, rules=RULES, zone=UTC)
    assert invoice_total(cleaned.payload) == Decimal("64.79")
    assert splynx_effect(cleaned.payload) == Decimal("-64.79")


@pytest.mark.parametrize(
    ("amount", "quantity", "item_quantity", "price", "noted"),
    [
        (3000, 3, 3, 10.0, False),  # 30.00 for 3: 10.00 each
        (1000, 3, 1, 10.0, True),  # 10.00 for 3 is not exact: one line of 10.00
        (1, 8, 1, 0.01, True),  # 0.01 / 8 = 0.00125: more than 4 decimals
        (1, 4, 4, 0.0025, False),  # 0.01 / 4 = 0.0025: exact in 4 decimals
        (500, 0, 1, 5.0, True),
    ],
)
def test_quantity_and_unit_price_multiply_back_to_the_amount(
    amount: int, quantity: int, item_quantity: int, price: float, noted: bool
) -> None:
    inv = invoice(total_debits=amount, remaining_due=amount)
    body, notes = migrate(inv, (debit(1, amount, quantity=quantity),))
    item = body["items"][0]
    assert (item["quantity"], item["price"]) == (item_quantity, price)
    assert bool(notes) is noted


def test_a_reversed_debit_on_a_standing_invoice_is_left_out_noted() -> None:
    debits = (debit(1, 5999), debit(2, 1000, reversed=True))
    body, notes = migrate(invoice(total_debits=5999), debits)
    assert [item["price"] for item in body["items"]] == [59.99]
    assert notes == ("debits: 1 reversed debit(s) left out",)


def test_debits_that_do_not_add_up_refuse_the_invoice_naming_total_debits() -> None:
    with pytest.raises(Rejected) as caught:
        migrate(invoice(total_debits=5999), (debit(1, 4999),))
    assert caught.value.field == "total_debits"
    assert "add up to 4999" in str(caught.value)


def test_a_long_description_is_cut_to_the_column_noted() -> None:
    body, notes = migrate(invoice(), (debit(1, 5999, description="x" * 300),))
    assert body["items"][0]["description"] == "x" * 256
    assert notes == ("debit 1: cut from 300 to 256 characters",)


# Bad input: each migrated with a named note or refused naming the field.


def test_a_void_invoice_is_deleted_and_owes_nothing() -> None:
    debits = (debit(1, 5999, reversed=True),)
    inv = invoice(void=True, remaining_due=0, voided_at="2024-03-03T10:00:00Z")
    cleaned = splynx_invoice(InvoiceRecord(inv, debits), CUSTOMER, rules=RULES, zone=UTC)
    assert cleaned.payload.status == "deleted"
    assert [item.price for item in cleaned.payload.items] == [Decimal("59.99")]
    assert cleaned.notes == ("void: voided in Sonar: status deleted, it owes nothing",)
    assert splynx_effect(cleaned.payload) == 0
    assert not is_open(inv)


def test_a_void_invoice_is_refused_when_the_profile_says_so() -> None:
    with pytest.raises(Rejected) as caught:
        migrate(invoice(void=True), (debit(1, 5999, reversed=True),),
                rules=FinanceRules(void_invoices="reject"))  # fmt: skip
    assert caught.value.field == "void"


def test_a_zero_invoice_migrates_paid_noted_or_is_refused() -> None:
    zero = invoice(total_debits=0, remaining_due=0)
    body, notes = migrate(zero, (debit(1, 0),))
    assert body["status"] == "paid" and body["items"][0]["price"] == 0.0
    assert notes == ("total_debits: a zero-amount invoice: migrated as paid",)
    bare, _ = migrate(zero)  # no debits at all: Splynx still wants an item
    assert bare["items"] == [{"description": "Invoice 7", "quantity": 1, "unit": "1", "price": 0.0}]
    with pytest.raises(Rejected) as caught:
        migrate(zero, (debit(1, 0),), rules=FinanceRules(zero_invoices="reject"))
    assert caught.value.field == "total_debits"


def test_credits_larger_than_the_invoice_are_noted_or_refused() -> None:
    credits = (credit(1, 5999), credit(2, 1000, kind="Discount", source=3))
    body, notes = migrate(invoice(remaining_due=0), (debit(1, 5999),), credits)
    assert body["status"] == "paid"
    assert notes == (
        "credits: credits applied (69.99) exceed the invoice's 59.99 by 10.00: paid; "
        "the excess stays on the customer's balance",
    )
    with pytest.raises(Rejected) as caught:
        migrate(invoice(remaining_due=0), (debit(1, 5999),), credits,
                rules=FinanceRules(excess_credits="reject"))  # fmt: skip
    assert caught.value.field == "credits"


def test_a_voided_credit_does_not_count() -> None:
    credits = (credit(1, 5999), credit(2, 5999, void=True))
    _, notes = migrate(invoice(remaining_due=0), (debit(1, 5999),), credits)
    assert notes == ()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"date": "0001-01-01"}, "date"), ({"due_date": "9999-12-31"}, "due_date")],
)
def test_an_impossible_date_refuses_the_invoice_naming_it(
    fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(Rejected) as caught:
        migrate(invoice(**fields), (debit(1, 5999),))
    assert caught.value.field == field


def test_a_negative_total_is_refused() -> None:
    with pytest.raises(Rejected) as caught:
        migrate(invoice(total_debits=-500, remaining_due=0), (debit(1, -500),))
    assert caught.value.field == "total_debits"


def test_an_invoice_needs_its_customer_and_balance_mode_takes_open_ones() -> None:
    inv = invoice(account_id="42")
    assert invoice_parents(InvoiceRecord(inv)) == [ParentRef("customers", 42, "account_id")]
    assert is_open(invoice(remaining_due=1))
    assert not is_open(invoice(remaining_due=0))
    assert not is_open(invoice(remaining_due=1, void=True))


# The rules: defaults that fit a fresh Splynx, and what a profile may say.


def test_finance_rules_default_to_history_and_fresh_splynx_ids() -> None:
    rules = load_profile("full").finance
    assert rules == FinanceRules()
    assert rules.mode == "history" and rules.invoice_number == "sonar_id"
    assert rules.payment_methods == DEFAULT_PAYMENT_METHODS
    assert set(rules.payment_methods.values()) <= {1, 2, 3, 5, 6}  # seeded payment methods
    categories = rules.transaction_categories
    assert (categories.debits, categories.discounts, categories.adjustments) == (1, 2, 5)


def test_a_profile_table_of_payment_methods_replaces_the_default(tmp_path: Any) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[finance]\nmode = "balance"\n[finance.payment_methods]\nCASH = 6\n')
    rules = load_profile(str(path)).finance
    assert rules.mode == "balance" and dict(rules.payment_methods) == {"CASH": 6}


@pytest.mark.parametrize(
    "text",
    [
        '[finance]\nmode = "everything"\n',
        "[finance.payment_methods]\nBITCOIN = 5\n",
        "[finance.transaction_categories]\nrefunds = 4\n",
        '[finance]\nunmapped_payment_method = "default"\n',
        "[finance]\nunmapped_payment_method = 0\n",
    ],
)
def test_a_wrong_finance_rule_is_a_config_error_naming_it(tmp_path: Any, text: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="finance"):
        load_profile(str(path))
