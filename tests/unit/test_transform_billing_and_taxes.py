"""Billing periods, credits and taxes (issue 12 items 2 and 3): table-driven, by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.preflight.tax_mapping import links_by_service, tax_rows, unmapped_taxes
from migrator.profile_rules import CleanupRules, CustomerRules, ServiceRules
from migrator.records import Resolved
from migrator.sonar.entities import DataServiceDetail, Service, ServiceTax, Tax
from migrator.sonar.models import AccountWithRelations
from migrator.transform.billing_period import Frequencies, period_days, period_price
from migrator.transform.customers import CustomerLookups
from migrator.transform.services import (
    AccountServiceRecord,
    ServiceLookups,
    internet_service,
    recurring_service,
)
from migrator.transform.tariffs import TariffLookups, internet_tariff, recurring_tariff
from migrator.transform.taxes import TaxLookups, is_tax_exempt, tax_key
from tests.support.sonar_lookups import billing_parameters
from tests.support.sonar_lookups import status as sonar_status

STAMP = "2023-03-01T23:30:00-06:00"
COMMON = {"sonar_unique_id": "u", "created_at": STAMP, "updated_at": STAMP, "_version": "1"}


def held(hid: int, service_id: int, **extra: Any) -> dict[str, Any]:
    return {**COMMON, "id": str(hid), "account_id": "42", "service_id": str(service_id),
            "quantity": 1, **extra}  # fmt: skip


def an_account(services: list[dict[str, Any]]) -> Any:
    return AccountWithRelations.model_validate(
        {**COMMON, "id": "42", "account_status_id": "1", "account_type_id": "1",
         "company_id": "1", "is_delinquent": False, "name": "Ada",
         "account_services": services, "ip_assignments": []}
    )  # fmt: skip


WHERE = Resolved({"company_id": 2, "location": 3})
RESOLVED = Resolved({"account_id": 7, "service_id": 8})


def service(sid: int, kind: str, amount: int, application: str = "DEBIT") -> Service:
    return Service.model_validate(
        {**COMMON, "id": str(sid), "type": kind, "name": f"S{sid}", "amount": amount,
         "application": application, "display_if_zero": False, "enabled": True}
    )  # fmt: skip


def detail(service_id: int, months: int) -> DataServiceDetail:
    return DataServiceDetail.model_validate(
        {**COMMON, "id": str(service_id), "service_id": str(service_id),
         "billing_frequency": months, "download_speed_kilobits_per_second": 100000,
         "upload_speed_kilobits_per_second": 100000, "technology_code": "FIBER"}
    )  # fmt: skip


def tax(tid: int, name: str, rate: float, application: str = "PERCENTAGE") -> Tax:
    return Tax.model_validate(
        {**COMMON, "id": str(tid), "name": name, "rate": rate, "application": application,
         "type": "GLOBAL"}
    )  # fmt: skip


TAXES = {1: tax(1, "State sales tax", 6.25), 2: tax(2, "City telecom tax", 2.0),
         3: tax(3, "911 fee", 150, "FLAT")}  # fmt: skip
# service id -> (type, amount in cents, application, months, tax ids)
CATALOG_ROWS: dict[int, tuple[str, int, str, int, tuple[int, ...]]] = {
    10: ("DATA", 4799, "DEBIT", 1, ()),
    11: ("DATA", 52789, "DEBIT", 12, ()),
    12: ("DATA", 16797, "DEBIT", 3, ()),
    20: ("RECURRING", 750, "DEBIT", 1, (1,)),
    21: ("RECURRING", 8250, "DEBIT", 12, (1, 2)),
    22: ("RECURRING", 500, "CREDIT", 1, ()),
    23: ("RECURRING", 1000, "DEBIT", 100, ()),
    24: ("RECURRING", 1000, "DEBIT", 1, (3,)),
    25: ("DATA", 1000, "CREDIT", 1, ()),
    26: ("RECURRING", 59999, "DEBIT", 12, ()),
}
CATALOG = {sid: service(sid, kind, amount, app) for sid, (kind, amount, app, _, _) in
           CATALOG_ROWS.items()}  # fmt: skip
MONTHS = Frequencies({sid: row[3] for sid, row in CATALOG_ROWS.items()})
DETAILS = {sid: detail(sid, row[3]) for sid, row in CATALOG_ROWS.items() if row[0] == "DATA"}
BY_SERVICE = {sid: row[4] for sid, row in CATALOG_ROWS.items() if row[4]}


def tariff_lookups(rules: ServiceRules, mapping: dict[str, int] | None = None) -> TariffLookups:
    taxes = TaxLookups(TAXES, BY_SERVICE, mapping or {})
    return TariffLookups(DETAILS, {}, MONTHS, taxes, rules)


def tariff_body(sid: int, rules: ServiceRules, mapping: dict[str, int] | None = None) -> Any:
    make = internet_tariff if CATALOG_ROWS[sid][0] == "DATA" else recurring_tariff
    cleaned = make(CATALOG[sid], WHERE, lookups=tariff_lookups(rules, mapping))
    return cleaned.payload.body(), cleaned.notes


PERIOD = ServiceRules()
DAYS = ServiceRules(billing_period="tariff_days")


@pytest.mark.parametrize(
    ("sid", "rules", "price", "period"),
    [
        (10, PERIOD, 47.99, {}),  # monthly: as it is
        (11, PERIOD, 43.9908, {}),  # annual 527.89: per month, 4 decimals
        (12, PERIOD, 55.99, {}),  # quarterly 167.97
        (22, PERIOD, -5.0, {}),  # a credit: negative
        (10, DAYS, 47.99, {}),  # monthly stays monthly
        (11, DAYS, 527.89, {"custom_period": 1, "billing_days_count": 365}),
        (12, DAYS, 167.97, {"custom_period": 1, "billing_days_count": 91}),
    ],
)
def test_tariff_price_and_period(sid: int, rules: ServiceRules, price: float,
                                 period: dict[str, int]) -> None:  # fmt: skip
    body, _ = tariff_body(sid, rules)
    assert body["price"] == price
    assert {k: body[k] for k in ("custom_period", "billing_days_count") if k in body} == period


@pytest.mark.parametrize(
    ("sid", "rules", "field"),
    [
        (23, PERIOD, "billing_frequency"),  # 100 months: above the service period's 99
        (21, DAYS, None),  # 12 months fits 365 days
        (23, DAYS, "billing_frequency"),
        (25, PERIOD, "application"),  # a DATA credit has no internet tariff
    ],
)
def test_what_splynx_cannot_bill_is_rejected_with_the_field(
    sid: int, rules: ServiceRules, field: str | None
) -> None:
    if field is None:
        tariff_body(sid, rules)
        return
    with pytest.raises(Rejected) as caught:
        tariff_body(sid, rules)
    assert caught.value.field == field


def test_credits_can_be_refused_by_the_profile() -> None:
    with pytest.raises(Rejected, match="CREDIT"):
        tariff_body(22, ServiceRules(credits="reject"))


@pytest.mark.parametrize("months", range(1, 100))
def test_a_whole_period_of_monthly_prices_rounds_back_to_the_sonar_amount(months: int) -> None:
    for cents in (1, 99, 4799, 59999, 123457, 99_999_99):
        amount = Decimal(cents).scaleb(-2)
        monthly = period_price(amount, months, "service_period")
        assert monthly is not None and monthly.as_tuple().exponent >= -4
        assert (monthly * months).quantize(Decimal("0.01")) == amount


@pytest.mark.parametrize(("months", "days"), [(1, 30), (3, 91), (6, 182), (12, 365)])
def test_months_as_days(months: int, days: int) -> None:
    assert period_days(months) == days


@pytest.mark.parametrize(
    ("sid", "mapping", "expected", "noted"),
    [
        (10, {}, {"with_vat": False}, False),  # untaxed
        (20, {"State sales tax": 4}, {"with_vat": False, "vat_percent": 6.25, "tax_id": 4}, False),
        (20, {}, {"with_vat": False, "vat_percent": 6.25}, True),  # rate only, noted
        (21, {"City telecom tax + State sales tax": 9},
         {"with_vat": False, "vat_percent": 8.25, "tax_id": 9}, False),
        (21, {"State sales tax": 4}, {"with_vat": False, "vat_percent": 8.25}, True),
        (24, {"911 fee": 5}, {"with_vat": False, "vat_percent": 0.0, "tax_id": 5}, False),
    ],
)  # fmt: skip
def test_tariff_tax_from_the_profile_mapping(
    sid: int, mapping: dict[str, int], expected: dict[str, Any], noted: bool
) -> None:
    body, notes = tariff_body(sid, PERIOD, mapping)
    assert {k: body[k] for k in ("with_vat", "vat_percent", "tax_id") if k in body} == expected
    assert any("[taxes]" in note for note in notes) == noted


@pytest.mark.parametrize(
    ("sid", "rules"),
    [(20, ServiceRules(unmapped_tax="reject")), (24, PERIOD)],  # a flat tax needs a mapping
)
def test_an_unmapped_tax_is_rejected_when_the_profile_says_or_it_is_flat(
    sid: int, rules: ServiceRules
) -> None:
    with pytest.raises(Rejected) as caught:
        tariff_body(sid, rules)
    assert caught.value.field == "service_taxes"


def test_tax_key_sorts_names() -> None:
    assert tax_key([TAXES[1], TAXES[2]]) == "City telecom tax + State sales tax"


@pytest.mark.parametrize(
    ("flag", "rows", "exempt"), [(False, 0, False), (True, 0, True), (False, 1, True)]
)
def test_an_account_is_exempt_by_its_flag_or_its_exemption_rows(
    flag: bool, rows: int, exempt: bool
) -> None:
    assert is_tax_exempt(flag, rows) is exempt


def service_lookups(rules: ServiceRules, exempt: dict[int, int] | None = None) -> ServiceLookups:
    customers = CustomerLookups({1: sonar_status(1, "Active", activates=True)}, {}, {})
    return ServiceLookups(
        CATALOG, customers, CustomerRules(), rules, CleanupRules(), ZoneInfo("UTC"), MONTHS,
        TaxLookups(TAXES, BY_SERVICE, {}), exempt or {},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sid", "override", "rules", "unit_price", "period"),
    [
        (10, None, PERIOD, None, None),  # monthly: tariff price, default period
        (11, None, PERIOD, None, "12"),  # annual: billed 12 months at once
        (11, 48000, PERIOD, 40.0, "12"),  # an override for the year, per month
        (12, 15000, PERIOD, 50.0, "3"),
        (11, 48000, DAYS, 480.0, None),  # days: the tariff bills the year
        (22, None, PERIOD, None, None),  # a credit takes its tariff's negative price
        (22, 300, PERIOD, -3.0, None),  # its override is a credit too
    ],
)
def test_service_unit_price_and_period(
    sid: int, override: int | None, rules: ServiceRules, unit_price: float | None,
    period: str | None,
) -> None:  # fmt: skip
    account = an_account([held(1, sid, price_override=override)])
    record = AccountServiceRecord(account, account.account_services[0])
    make = internet_service if CATALOG_ROWS[sid][0] == "DATA" else recurring_service
    made = make(record, RESOLVED, lookups=service_lookups(rules)).payload
    body = getattr(made, "service", made).body()
    assert (body.get("unit_price"), body.get("period")) == (unit_price, period)


@pytest.mark.parametrize("by", ["rows", "flag", "neither"])
@pytest.mark.parametrize(
    ("sid", "rules", "outcome"),
    [
        (20, PERIOD, "noted"),  # taxed tariff, exempt account
        (10, PERIOD, "clean"),  # untaxed: nothing to say
        (20, ServiceRules(tax_exempt="reject"), "rejected"),
    ],
)
def test_an_exempt_accounts_taxed_service(
    sid: int, rules: ServiceRules, outcome: str, by: str
) -> None:
    """Exempt by a tax_exemptions row or by its billing parameters' flag, alike."""
    account = an_account([held(1, sid)])
    if by == "flag":
        flagged = billing_parameters(tax_exempt=True)
        account = account.model_copy(update={"account_billing_parameter": flagged})
    elif by == "neither":
        account = account.model_copy(update={"account_billing_parameter": billing_parameters()})
        outcome = "clean"
    record = AccountServiceRecord(account, account.account_services[0])
    make = internet_service if CATALOG_ROWS[sid][0] == "DATA" else recurring_service
    lookups = service_lookups(rules, {42: 1} if by == "rows" else None)
    if outcome == "rejected":
        with pytest.raises(Rejected) as caught:
            make(record, RESOLVED, lookups=lookups)
        assert caught.value.field == "tax_exempt"
        return
    notes = make(record, RESOLVED, lookups=lookups).notes
    assert any("tax-exempt" in note for note in notes) == (outcome == "noted")


@pytest.mark.parametrize(
    ("mapping", "unmapped", "targets", "status"),
    [
        ({"State sales tax": 4, "City telecom tax + State sales tax": 9, "911 fee": 5},
         "rate_only", ["tax 5", "tax 9", "tax 4"], "ok"),
        ({"State sales tax": 4, "911 fee": 5}, "rate_only",
         ["tax 5", "vat_percent 8.25, no tax_id", "tax 4"], "warning"),
        ({"State sales tax": 4, "City telecom tax + State sales tax": 9}, "rate_only",
         ["refused", "tax 9", "tax 4"], "blocker"),  # a flat tax cannot be a rate
        ({"911 fee": 5}, "reject", ["tax 5", "refused", "refused"], "blocker"),
    ],
)  # fmt: skip
def test_tax_mapping_rows_and_the_check_finding(
    mapping: dict[str, int], unmapped: str, targets: list[str], status: str
) -> None:
    rules = ServiceRules.model_validate({"unmapped_tax": unmapped})
    rows = tax_rows(TAXES, BY_SERVICE, mapping, rules)
    assert {row.kind for row in rows} == {"tax"}
    assert [row.sonar for row in rows] == [
        "911 fee", "City telecom tax + State sales tax", "State sales tax"
    ]  # fmt: skip
    assert [row.detail for row in rows] == ["1.50 flat", "2% + 6.25%", "6.25%"]
    assert [row.splynx for row in rows] == targets
    finding = unmapped_taxes(rows)
    assert finding.status == status
    if status != "ok":
        assert "[taxes]" in finding.fix and all(
            row.sonar in finding.detail for row in rows if not row.splynx.startswith("tax ")
        )


def test_service_taxes_rows_group_by_service() -> None:
    links = [
        ServiceTax.model_validate({**COMMON, "id": str(i), "service_id": str(sid),
                                   "tax_id": str(tid), "exemption_amount": 0})
        for i, (sid, tid) in enumerate([(20, 1), (21, 1), (21, 2)], start=1)
    ]  # fmt: skip
    assert links_by_service(links) == {20: (1,), 21: (1, 2)}
