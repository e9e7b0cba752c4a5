"""Accounts → customers: table-driven, with the expected Splynx fields written by hand."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.profile_rules import CleanupRules, CustomerRules
from migrator.records import Resolved
from migrator.sonar.models import AccountWithRelations
from migrator.transform.customers import (
    CustomerLookups,
    customer_from_account,
    customer_parents,
)
from tests.support.sonar_lookups import account_type, status

LOOKUPS = CustomerLookups(
    statuses={
        1: status(1, "Active", activates=True),
        2: status(2, "Inactive", activates=False),
        3: status(3, "Mystery", activates=True),
    },
    types={
        1: account_type(1, "Residential", "RESIDENTIAL"),
        2: account_type(2, "Business", "COMMERCIAL"),
    },
    custom_fields={7: "VAT number", 8: "Tower site"},
)
RESOLVED = Resolved({"company_id": 3, "location": 4})
STAMP = "2023-03-01T10:00:00-06:00"


def account(**overrides: Any) -> AccountWithRelations:
    base: dict[str, Any] = {
        "id": "42",
        "sonar_unique_id": "u",
        "created_at": STAMP,
        "updated_at": STAMP,
        "_version": "1",
        "account_status_id": "1",
        "account_type_id": "1",
        "company_id": "1",
        "is_delinquent": False,
        "name": "Ada Lovelace",
        "activation_date": "2021-05-04",
        "contacts": [],
        "addresses": [],
        "custom_field_data": [],
    }
    base.update(overrides)
    return AccountWithRelations.model_validate(base)


def contact(
    cid: int,
    *,
    primary: bool,
    email: str | None,
    name: str = "Ada Lovelace",
    role: str | None = None,
    phones: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": str(cid),
        "sonar_unique_id": "c",
        "created_at": STAMP,
        "updated_at": STAMP,
        "_version": "1",
        "contactable_id": "42",
        "contactable_type": "Account",
        "name": name,
        "primary": primary,
        "email_address": email,
        "role": role,
        "phone_numbers": phones or [],
    }


def phone(pid: int, number: str, *, formatted: str | None = None) -> dict[str, Any]:
    return {
        "id": str(pid),
        "sonar_unique_id": "p",
        "created_at": STAMP,
        "updated_at": STAMP,
        "_version": "1",
        "contact_id": "1",
        "country": "US",
        "number": number,
        "number_formatted": formatted,
        "phone_number_type_id": "1",
        "sms_opt_in": False,
    }


def address(aid: int, *, serviceable: bool, kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(aid),
        "sonar_unique_id": "a",
        "created_at": STAMP,
        "updated_at": STAMP,
        "_version": "1",
        "addressable_id": "42",
        "addressable_type": "Account",
        "is_anchor": False,
        "serviceable": serviceable,
        "type": kind,
        **fields,
    }


def transform(
    record: AccountWithRelations, rules: CustomerRules | None = None, truncate: bool = True
) -> Any:
    return customer_from_account(
        record,
        RESOLVED,
        lookups=LOOKUPS,
        rules=rules or CustomerRules(),
        cleanup=CleanupRules(truncate=truncate),
        zone=ZoneInfo("UTC"),
    )


def test_a_plain_account_becomes_a_customer_with_its_marker() -> None:
    cleaned = transform(
        account(
            contacts=[
                contact(
                    1,
                    primary=True,
                    email="ada@example.org",
                    phones=[phone(9, "5551234567", formatted="(555) 123-4567")],
                )
            ],
            addresses=[
                address(
                    5,
                    serviceable=True,
                    kind="PHYSICAL",
                    line1="1 Main St",
                    line2="Apt 2",
                    city="Springfield",
                    zip="62704",
                    latitude=39.78,
                    longitude=-89.65,
                )
            ],
        )
    )
    body = cleaned.payload.customer.body()
    assert body == {
        "name": "Ada Lovelace",
        "partner_id": 3,
        "location_id": 4,
        "category": "person",
        "status": "active",
        "login": "sonar42",
        "email": "ada@example.org",
        "phone": "(555) 123-4567",
        "street_1": "1 Main St, Apt 2",
        "zip_code": "62704",
        "city": "Springfield",
        "gps": "39.78,-89.65",
        "date_add": "2021-05-04",
        "additional_attributes": {"sonar_id": "42"},
    }
    assert cleaned.payload.info is None  # the contact is the account holder
    assert cleaned.notes == ()


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"account_status_id": "2"}, "status", "disabled"),
        ({"archived_at": STAMP}, "status", "disabled"),
        ({"account_type_id": "2"}, "category", "company"),
        ({"account_type_id": "99"}, "category", "person"),
        ({"is_delinquent": True}, "status", "blocked"),
        ({"is_delinquent": True, "account_status_id": "2"}, "status", "disabled"),
        ({"activation_date": None}, "date_add", "2023-03-01"),
        ({"name": "  Zoë \t Ünïcode 🚀  "}, "name", "Zoë Ünïcode 🚀"),
        ({"name": "שלום עליכם"}, "name", "שלום עליכם"),
        ({"parent_account_id": "7"}, "parent_id", None),
    ],
)
def test_field_mapping(overrides: dict[str, Any], field: str, expected: Any) -> None:
    body = transform(account(**overrides)).payload.customer.body()
    assert body.get(field) == expected


def test_an_unmapped_status_follows_activates_account_or_is_rejected() -> None:
    cleaned = transform(account(account_status_id="3"))  # "Mystery" activates
    assert (cleaned.payload.customer.status, cleaned.notes) == ("active", ())
    unknown = transform(account(account_status_id="99"))  # not in Sonar's table
    assert unknown.payload.customer.status == "disabled"
    assert any("#99" in note for note in unknown.notes)
    strict = CustomerRules(unknown_status="reject")
    with pytest.raises(Rejected) as caught:
        transform(account(account_status_id="3"), strict)
    assert caught.value.field == "account_status_id"


def test_first_valid_email_wins_and_bad_ones_are_noted() -> None:
    cleaned = transform(
        account(
            contacts=[
                contact(2, primary=False, email="second@example.org", role="Billing"),
                contact(1, primary=True, email="not an email"),
            ]
        )
    )
    assert cleaned.payload.customer.email == "second@example.org"
    assert cleaned.payload.customer.billing_email is None  # the same address: not repeated
    assert any("not an email" in note for note in cleaned.notes)


def test_no_contact_and_no_address_still_migrate() -> None:
    customer = transform(account()).payload.customer
    assert (customer.email, customer.phone, customer.street_1, customer.city) == (None,) * 4


def test_mailing_address_when_there_is_no_serviceable_one() -> None:
    record = account(addresses=[address(6, serviceable=False, kind="MAILING", city="Shelbyville")])
    assert transform(record).payload.customer.city == "Shelbyville"


def test_overlong_values_are_cut_with_a_note_or_rejected() -> None:
    long_name = "N" * 300
    cleaned = transform(account(name=long_name))
    assert cleaned.payload.customer.name == "N" * 256
    assert "name: cut from 300 to 256 characters" in cleaned.notes
    city = account(addresses=[address(5, serviceable=True, kind="PHYSICAL", city="C" * 40)])
    assert transform(city).payload.customer.city == "C" * 32
    with pytest.raises(Rejected) as caught:
        transform(account(name=long_name), truncate=False)
    assert caught.value.field == "name"


def test_phones_beyond_the_column_follow_the_truncate_rule() -> None:
    # 40 numbers of 10 digits: over 256 characters joined
    numbers = [phone(pid, f"555{pid:07d}") for pid in range(1, 41)]
    many = account(contacts=[contact(1, primary=True, email=None, phones=numbers)])
    assert len(transform(many).payload.customer.phone) == 256
    with pytest.raises(Rejected) as caught:
        transform(many, truncate=False)
    assert caught.value.field == "phone"


def test_empty_name_is_rejected_naming_the_field() -> None:
    with pytest.raises(Rejected) as caught:
        transform(account(name="   "))
    assert caught.value.field == "name"


def test_contact_person_and_mapped_custom_fields_go_to_customer_info() -> None:
    record = account(
        contacts=[contact(1, primary=True, email=None, name="Bob Builder")],
        custom_field_data=[
            {
                "id": "1",
                "sonar_unique_id": "d",
                "created_at": STAMP,
                "updated_at": STAMP,
                "_version": "1",
                "custom_field_id": "7",
                "customfielddataable_id": "42",
                "customfielddataable_type": "Account",
                "value": " DE123456789 ",
            },
            {
                "id": "2",
                "sonar_unique_id": "d",
                "created_at": STAMP,
                "updated_at": STAMP,
                "_version": "1",
                "custom_field_id": "8",
                "customfielddataable_id": "42",
                "customfielddataable_type": "Account",
                "value": "North Tower",
            },
        ],
    )
    rules = CustomerRules(custom_fields={"VAT number": "vat_id"})
    info = transform(record, rules).payload.info
    assert info is not None
    assert info.body() == {"contact_person": "Bob Builder", "vat_id": "DE123456789"}


def test_parents_name_partner_location_and_parent_account() -> None:
    refs = customer_parents(account(parent_account_id="7"))
    assert [(r.entity, r.sonar_id, r.field, r.wait) for r in refs] == [
        ("partners", 1, "company_id", True),
        ("locations", 1, "location", True),
        ("customers", 7, "parent_account_id", False),
    ]


def test_control_characters_go_but_emoji_joiners_and_direction_marks_stay() -> None:
    family = "The 👨\u200d👩\u200d👧 Family"  # one emoji made of three, joined by ZWJ
    body = transform(account(name=f"{family}\x07\x1b")).payload.customer.body()
    assert body["name"] == family
    rtl = "\u200fמרכז שירות\u200f"
    assert transform(account(name=rtl)).payload.customer.body()["name"] == rtl
