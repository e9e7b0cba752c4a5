"""Billing parameters → a customer's billing settings: table-driven, expectations by hand."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.profile_rules import BillingRules, CleanupRules, CustomerRules
from migrator.records import Resolved
from migrator.sonar.models import AccountWithRelations
from migrator.transform.customer_billing import customer_billing, with_billing
from migrator.transform.customers import CustomerLookups, customer_from_account
from tests.support.sonar_lookups import account_type, status
from tests.support.sonar_lookups import billing_parameters as parameters

STAMP = "2023-03-01T10:00:00-06:00"


@pytest.mark.parametrize(
    ("given", "rules", "expected", "noted"),
    [
        ({}, BillingRules(), {"billing_date": 1, "billing_due": 14, "grace_period": 0}, []),
        ({"bill_day": 15, "due_days": 21, "grace_days": 5}, BillingRules(),
         {"billing_date": 15, "billing_due": 21, "grace_period": 5}, []),
        ({"bill_day": 28}, BillingRules(), {"billing_date": 28}, []),
        # Splynx bills on days 1-28: 29-31 go to the profile's day, noted
        ({"bill_day": 29}, BillingRules(), {"billing_date": 28}, ["billing_date"]),
        ({"bill_day": 31}, BillingRules(late_bill_day=1), {"billing_date": 1}, ["billing_date"]),
        # no bill day: Splynx's default stays
        ({"bill_day": None}, BillingRules(), {"billing_date": None}, []),
        ({"bill_day": 0}, BillingRules(), {"billing_date": None}, ["billing_date"]),
        # payment due 1-28 days after billing; grace 0 (none) to 99
        ({"due_days": 30}, BillingRules(), {"billing_due": 28}, ["billing_due"]),
        ({"due_days": 0}, BillingRules(), {"billing_due": 1}, ["billing_due"]),
        ({"grace_days": 120}, BillingRules(), {"grace_period": 99}, ["grace_period"]),
    ],
)  # fmt: skip
def test_billing_settings(
    given: dict[str, Any], rules: BillingRules, expected: dict[str, Any], noted: list[str]
) -> None:
    cleaned = customer_billing(parameters(**given), rules)
    assert cleaned.payload is not None
    body = cleaned.payload.body()
    for field, value in expected.items():
        assert body.get(field) == value, field
    assert [note.split(":")[0] for note in cleaned.notes] == noted


def test_a_late_bill_day_note_says_what_happened_and_where_to_change_it() -> None:
    [note] = customer_billing(parameters(bill_day=30), BillingRules()).notes
    assert "30" in note and "28" in note and "late_bill_day" in note


def test_no_parameters_means_nothing_to_put() -> None:
    assert customer_billing(None, BillingRules()).payload is None


def test_the_late_bill_day_is_a_splynx_day() -> None:
    with pytest.raises(ValueError, match="late_bill_day"):
        BillingRules(late_bill_day=30)


def test_the_customer_payload_carries_its_billing_and_both_notes() -> None:
    account = AccountWithRelations.model_validate(
        {
            "id": "42", "sonar_unique_id": "u", "created_at": STAMP, "updated_at": STAMP,
            "_version": "1", "account_status_id": "1", "account_type_id": "1",
            "company_id": "1", "is_delinquent": False, "name": "Ada Lovelace",
            "account_billing_parameter": parameters(bill_day=31).model_dump(by_alias=True),
        }
    )  # fmt: skip
    customer = customer_from_account(
        account,
        Resolved({"company_id": 3, "location": 4}),
        lookups=CustomerLookups(
            {1: status(1, "Active", activates=True)},
            {1: account_type(1, "Residential", "RESIDENTIAL")},
            {},
        ),
        rules=CustomerRules(),
        cleanup=CleanupRules(),
        zone=ZoneInfo("UTC"),
    )
    cleaned = with_billing(customer, account, BillingRules())
    assert cleaned.payload.customer == customer.payload.customer
    assert cleaned.payload.billing is not None and cleaned.payload.billing.billing_date == 28
    assert cleaned.notes[: len(customer.notes)] == customer.notes
    assert any(note.startswith("billing_date") for note in cleaned.notes)
