"""Tariffs, services and notes: table-driven, expectations written by hand."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.profile_rules import CleanupRules, CustomerRules, NoteRules, ServiceRules
from migrator.records import Resolved
from migrator.sonar.entities import DataServiceDetail, Note, Service
from migrator.sonar.models import AccountWithRelations
from migrator.transform.customers import CustomerLookups
from migrator.transform.notes import comment_from_note
from migrator.transform.services import (
    AccountServiceRecord,
    ServiceLookups,
    internet_service,
    recurring_service,
    service_parents,
)
from migrator.transform.tariffs import (
    TITLE_LIMIT,
    TariffLookups,
    internet_tariff,
    recurring_tariff,
    title_key,
)
from tests.support.sonar_lookups import status as sonar_status

STAMP = "2023-03-01T23:30:00-06:00"
COMMON = {"sonar_unique_id": "u", "created_at": STAMP, "updated_at": STAMP, "_version": "1"}


def service(sid: int, kind: str, name: str, amount: int | None = 4999) -> Service:
    return Service.model_validate(
        {
            **COMMON,
            "id": str(sid),
            "type": kind,
            "name": name,
            "amount": amount,
            "application": "DEBIT",
            "display_if_zero": False,
            "enabled": True,
        }
    )


DETAIL = DataServiceDetail.model_validate(
    {
        **COMMON,
        "id": "1",
        "service_id": "10",
        "billing_frequency": 1,
        "download_speed_kilobits_per_second": 50000,
        "upload_speed_kilobits_per_second": 10000,
        "technology_code": "FIBER",
    }
)
CATALOG = {
    10: service(10, "DATA", "Fiber 50"),
    11: service(11, "RECURRING", "Static IP fee"),
    12: service(12, "ONETIME", "Install"),
}
TARIFFS = TariffLookups({10: DETAIL}, {"fiber 50": 1, "static ip fee": 2, "install": 1})


def test_internet_tariff_takes_speeds_and_price() -> None:
    cleaned = internet_tariff(
        CATALOG[10], Resolved({"company_id": 2, "location": 3}), lookups=TARIFFS
    )
    body = cleaned.payload.body()
    assert (body["title"], body["price"], body["speed_download"], body["speed_upload"]) == (
        "Fiber 50",
        49.99,
        50000,
        10000,
    )
    assert (body["partners_ids"], body["available_for_locations"]) == ([2], [3])


def test_shared_names_get_the_sonar_id_and_a_data_service_needs_details() -> None:
    tariff = recurring_tariff(
        CATALOG[11], Resolved({"company_id": 2, "location": 3}), lookups=TARIFFS
    )
    assert tariff.payload.title == "Static IP fee (Sonar 11)"
    assert tariff.notes
    with pytest.raises(Rejected, match="data_service_details"):
        internet_tariff(
            service(13, "DATA", "Ghost"),
            Resolved({"company_id": 2, "location": 3}),
            lookups=TARIFFS,
        )
    with pytest.raises(Rejected, match="negative"):
        recurring_tariff(
            service(14, "RECURRING", "Credit", -5),
            Resolved({"company_id": 2, "location": 3}),
            lookups=TARIFFS,
        )


def test_names_that_clean_to_the_same_title_count_as_shared() -> None:
    names = {20: "Fiber  100", 21: " fiber 100", 22: "x" * 130 + "a", 23: "x" * 130 + "b"}
    catalog = [service(sid, "RECURRING", name) for sid, name in names.items()]
    lookups = TariffLookups({}, Counter(title_key(s.name) for s in catalog))
    where = Resolved({"company_id": 2, "location": 3})
    titles = [recurring_tariff(s, where, lookups=lookups).payload.title for s in catalog]
    assert titles[:2] == ["Fiber 100 (Sonar 20)", "fiber 100 (Sonar 21)"]
    assert titles[2].endswith("(Sonar 22)") and titles[3].endswith("(Sonar 23)")
    assert len(set(titles)) == 4 and all(len(title) <= TITLE_LIMIT for title in titles)


def held(hid: int, service_id: int, **extra: Any) -> dict[str, Any]:
    return {
        **COMMON,
        "id": str(hid),
        "account_id": "42",
        "service_id": str(service_id),
        "quantity": 1,
        **extra,
    }


def an_account(services: list[dict[str, Any]], ips: list[str] = (), status: str = "1") -> Any:
    return AccountWithRelations.model_validate(
        {
            **COMMON,
            "id": "42",
            "account_status_id": status,
            "account_type_id": "1",
            "company_id": "1",
            "is_delinquent": False,
            "name": "Ada",
            "account_services": services,
            "ip_assignments": [
                {
                    **COMMON,
                    "id": str(i + 1),
                    "ipassignmentable_id": "42",
                    "ipassignmentable_type": "Account",
                    "soft": False,
                    "subnet": ip,
                    "subnet_id": "1",
                }
                for i, ip in enumerate(ips)
            ],
        }
    )


LOOKUPS = ServiceLookups(
    CATALOG,
    CustomerLookups(
        {
            1: sonar_status(1, "Active", activates=True),
            2: sonar_status(2, "Suspended", activates=False),
        },
        {},
        {},
    ),
    CustomerRules(),
    ServiceRules(),
    CleanupRules(),
    ZoneInfo("UTC"),
)
RESOLVED = Resolved({"account_id": 7, "service_id": 8})


def test_internet_services_carry_their_customer_tariff_dates_and_marker() -> None:
    # addresses, logins and MACs: tests/unit/test_transform_network_access.py
    account = an_account([held(1, 10), held(2, 10, name_override="Second line")])
    first = internet_service(
        AccountServiceRecord(account, account.account_services[0]), RESOLVED, lookups=LOOKUPS
    )
    body = first.payload.service.body()
    assert (body["customer_id"], body["tariff_id"], body["login"]) == (7, 8, "sonar-svc1")
    assert body["taking_ipv4"] == 0
    assert body["start_date"] == "2023-03-02"  # the created_at, in Splynx's zone (UTC)
    assert body["additional_attributes"] == {"sonar_id": "1"}
    second = internet_service(
        AccountServiceRecord(account, account.account_services[1]), RESOLVED, lookups=LOOKUPS
    )
    assert second.payload.service.description == "Second line"


def test_service_status_follows_the_account_and_bad_values_are_rejected() -> None:
    account = an_account([held(3, 11, price_override=1500)], status="2")
    record = AccountServiceRecord(account, account.account_services[0])
    service_payload = recurring_service(record, RESOLVED, lookups=LOOKUPS).payload
    # "Suspended" does not activate the account: the customer is disabled, and so is this
    assert (service_payload.status, service_payload.unit_price) == ("disabled", Decimal("15.00"))
    for bad, field in (({"quantity": 0}, "quantity"), ({"price_override": -1}, "price_override")):
        broken = an_account([held(4, 11, **bad)])
        with pytest.raises(Rejected) as caught:
            recurring_service(
                AccountServiceRecord(broken, broken.account_services[0]), RESOLVED, lookups=LOOKUPS
            )
        assert caught.value.field == field


def test_other_service_kinds_are_rejected_with_the_reason() -> None:
    account = an_account([held(5, 12)])
    record = AccountServiceRecord(account, account.account_services[0])
    assert [r.entity for r in service_parents(record, LOOKUPS)] == ["customers"]
    with pytest.raises(Rejected, match="ONETIME"):
        recurring_service(record, RESOLVED, lookups=LOOKUPS)


def note(message: str, priority: str = "NORMAL") -> Note:
    return Note.model_validate(
        {
            **COMMON,
            "id": "77",
            "message": message,
            "noteable_id": "42",
            "noteable_type": "Account",
            "priority": priority,
        }
    )


def test_note_becomes_a_titled_comment() -> None:
    cleaned = comment_from_note(
        note("  line 1\nline 2  ", "STICKY"),
        Resolved({"noteable_id": 9}),
        rules=NoteRules(),
        cleanup=CleanupRules(),
        zone=ZoneInfo("UTC"),
    )
    assert cleaned.payload.body() == {
        "customer_id": 9,
        "comment": "line 1\nline 2",
        "title": "sonar:note:77",
        "datetime": "2023-03-02 05:30:00",
        "type": "comment",
        "class": "warning",
        "is_pinned": "1",
    }


def test_huge_note_is_cut_and_empty_note_rejected() -> None:
    cleaned = comment_from_note(
        note("x" * 40_000),
        Resolved({"noteable_id": 9}),
        rules=NoteRules(),
        cleanup=CleanupRules(),
        zone=ZoneInfo("UTC"),
    )
    assert len(cleaned.payload.comment) == 16_383
    with pytest.raises(Rejected):
        comment_from_note(
            note(" \n "),
            Resolved({"noteable_id": 9}),
            rules=NoteRules(),
            cleanup=CleanupRules(),
            zone=ZoneInfo("UTC"),
        )
