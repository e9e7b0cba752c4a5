"""The generated entity models: fresh, faithful to the scalars, and forgiving per record."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import get_args

import pytest

from migrator.errors import Rejected
from migrator.sonar.codegen import ENTITIES_PATH, MONEY_FIELDS, generate
from migrator.sonar.entities import ENTITY_MODELS, Account, Invoice, TicketStatus
from migrator.sonar.fixture import dump_record
from migrator.sonar.models import (
    AccountWithRelations,
    SerializedRecord,
    decode_as,
    model_for,
    serialized,
    typed,
)
from migrator.sonar.scalars import CENTS
from migrator.sonar.schema import LIST_QUERIES, entity_fields

ACCOUNT = {
    "id": "42",
    "sonar_unique_id": "0d8c",
    "created_at": "2017-01-01T12:33:12+04:00",
    "updated_at": "2024-05-06T07:08:09+00:00",
    "_version": "3",
    "account_status_id": "1",
    "account_type_id": "2",
    "activation_date": "2020-02-29",
    "activation_time": "08:30:00",
    "archived_at": None,
    "archived_by_user_id": None,
    "company_id": "1",
    "data_usage_percentage": None,
    "geopoint": "45.5,-73.6",
    "is_delinquent": False,
    "is_eligible_for_archive": None,
    "name": "Zoë 🚀 שלום",
    "next_bill_date": None,
    "next_recurring_charge_amount": 4999,
    "parent_account_id": None,
}


def test_committed_models_are_what_the_generator_writes() -> None:
    assert ENTITIES_PATH.read_text(encoding="utf-8") == generate(), (
        "migrator/sonar/entities.py is stale: run python -m migrator.sonar.codegen"
    )


def test_every_list_query_has_a_model_with_every_fixture_key() -> None:
    assert set(ENTITY_MODELS) == set(LIST_QUERIES)
    for query in LIST_QUERIES:
        model = model_for(query)
        names = {field.alias or name for name, field in model.model_fields.items()}
        assert names == set(entity_fields(query)), query
    with pytest.raises(KeyError):
        model_for("emails")


def test_scalars_parse_as_the_reference_describes() -> None:
    account = Account.model_validate(ACCOUNT)
    assert account.id == 42 and account.account_type_id == 2  # Int64Bit strings → int
    assert account.created_at == datetime(2017, 1, 1, 8, 33, 12, tzinfo=UTC)
    assert account.created_at.utcoffset() == timedelta(hours=4)
    assert account.activation_date == date(2020, 2, 29)
    assert account.activation_time == time(8, 30)
    assert account.version == "3"  # `_version` by its alias
    assert account.next_recurring_charge_amount == 4999  # cents
    assert account.model_dump(by_alias=True, mode="json")["_version"] == "3"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "12.5"),
        ("id", 1.0),
        ("company_id", True),
        ("created_at", "2017-01-01T12:33:12"),  # a Datetime without offset
        ("activation_date", "29/02/2020"),
        ("name", None),  # non-null in the schema
    ],
)
def test_a_record_that_does_not_fit_is_rejected_naming_the_field(field: str, value: object) -> None:
    raw = {**ACCOUNT, field: value}
    result = typed("accounts")(raw)
    assert isinstance(result, Rejected)
    assert result.field == field
    assert "accounts id" in result.reason
    assert result.raw == dump_record(raw)


def test_enums_small_become_python_enums_large_stay_strings() -> None:
    assert TicketStatus("OPEN") is TicketStatus.OPEN
    assert Invoice.model_fields["status"].annotation in (str, "str")
    address_country = model_for("addresses").model_fields["country"].annotation
    assert address_country in ("str | None", str | None)


def _units(annotation: object) -> set[object]:
    """Every Annotated metadata item inside ``annotation`` (through Optional)."""
    found = set(getattr(annotation, "__metadata__", ()))
    for inner in get_args(annotation):
        found |= _units(inner)
    return found


def test_money_fields_are_cents_where_present() -> None:
    for query in LIST_QUERIES:
        for name, field in model_for(query).model_fields.items():
            is_money = CENTS in _units(field.annotation) or CENTS in field.metadata
            assert is_money == ((field.alias or name) in MONEY_FIELDS), (query, name)


def test_nested_account_with_relations() -> None:
    contact = {
        "id": "7",
        "sonar_unique_id": "c",
        "created_at": "2020-01-01T00:00:00+00:00",
        "updated_at": "2020-01-01T00:00:00+00:00",
        "_version": "1",
        "contactable_id": "42",
        "contactable_type": "Account",
        "name": "Ann",
        "primary": False,
        "phone_numbers": [],
    }
    primary = {**contact, "id": "8", "primary": True}
    account = decode_as(AccountWithRelations, "accounts")(
        {**ACCOUNT, "contacts": [contact, primary]}
    )
    assert isinstance(account, AccountWithRelations)
    assert [c.id for c in account.contacts] == [7, 8]
    assert account.primary_contact is not None and account.primary_contact.id == 8
    assert account.addresses == ()


def test_serialized_records_keep_the_api_spelling() -> None:
    record = serialized("accounts")(ACCOUNT)
    assert isinstance(record, SerializedRecord)
    assert record.id == 42
    assert record.line() == dump_record(ACCOUNT)
    assert '"created_at":"2017-01-01T12:33:12+04:00"' in record.line()
    assert isinstance(serialized("accounts")({"name": "no id"}), Rejected)


def test_a_naive_offset_free_datetime_never_passes() -> None:
    aware = Account.model_validate({**ACCOUNT, "archived_at": "2021-03-04T05:06:07-05:00"})
    assert aware.archived_at is not None
    assert aware.archived_at.tzinfo is not None
    assert aware.archived_at.utcoffset() == timezone(timedelta(hours=-5)).utcoffset(None)


LOGIN = {
    "id": "5",
    "sonar_unique_id": "r",
    "created_at": "2020-01-01T00:00:00+00:00",
    "updated_at": "2020-01-01T00:00:00+00:00",
    "_version": "1",
    "account_id": "42",
    "password": "s3cr3t!pw",
    "username": "jsmith42",
    "ip_assignments": [],
}


def test_radius_passwords_are_secrets_in_models_and_rejects() -> None:
    account = decode_as(AccountWithRelations, "accounts")({**ACCOUNT, "radius_accounts": [LOGIN]})
    assert isinstance(account, AccountWithRelations)
    (login,) = account.radius_accounts
    assert login.password is not None and login.password.get_secret_value() == "s3cr3t!pw"
    assert "s3cr3t" not in repr(account) and "s3cr3t" not in account.model_dump_json()
    broken = {**LOGIN, "username": None}  # a never-null field: the account is rejected
    rejected = decode_as(AccountWithRelations, "accounts")(
        {**ACCOUNT, "radius_accounts": [broken, {**LOGIN, "password": None}]}
    )
    assert isinstance(rejected, Rejected) and rejected.raw is not None
    assert "s3cr3t" not in rejected.raw and "radius_accounts.0.username" in str(rejected)
    assert '"password":"[redacted]"' in rejected.raw and '"password":null' in rejected.raw
