"""What each customer pays per month, on both sides, computed independently.

Sonar: for every DATA or RECURRING account service, (price_override or the
service's amount) x quantity / billing_frequency, negative for a CREDIT
service, read from the simulator's own tables. Splynx: for every internet and
recurring service read back through the API, unit price x quantity, less its
discount, per month: a service whose tariff bills in days (``custom_period``
1) covers ``billing_days_count`` days, a year being 365. The two must agree
to a tenth of a cent (Splynx keeps four decimals per service).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from tests.support.migration_checks import everything
from tests.support.pair import Pair

__all__ = ["ChargeReport", "check_charges", "check_taxes", "sonar_monthly"]

TOLERANCE = Decimal("0.001")
KINDS = {"DATA": "internet", "RECURRING": "recurring"}


class ChargeReport:
    """What the check saw: customers compared, and how many held each special case."""

    def __init__(self) -> None:
        self.customers = 0
        self.with_credit = 0
        self.with_annual = 0
        self.with_quarterly = 0


def _months(dataset: Any) -> dict[int, int]:
    months: dict[int, int] = {}
    for query in ("data_service_details", "recurring_service_details"):
        for detail in dataset.records(query):
            months[int(detail["service_id"])] = int(detail["billing_frequency"])
    return months


def sonar_monthly(dataset: Any) -> tuple[dict[int, Decimal], dict[int, list[dict[str, Any]]]]:
    """Per account: its monthly charge, and its DATA/RECURRING account services."""
    services = {int(s["id"]): s for s in dataset.records("services")}
    months = _months(dataset)
    charges: dict[int, Decimal] = defaultdict(Decimal)
    held: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in dataset.records("account_services"):
        service = services.get(int(row["service_id"]))
        if service is None or service["type"] not in KINDS:
            continue
        account = int(row["account_id"])
        price = row["price_override"] if row["price_override"] is not None else service["amount"]
        sign = -1 if service["application"] == "CREDIT" else 1
        per_month = (
            Decimal(int(price or 0))
            * int(row["quantity"])
            / 100
            / months.get(int(service["id"]), 1)
        )
        charges[account] += sign * per_month
        held[account].append(row)
    return charges, held


def _splynx_monthly(service: Any, tariff: Any) -> Decimal:
    total = Decimal(str(service["unit_price"])) * int(service["quantity"])
    if str(service.get("discount")) == "1" and service.get("discount_value") is not None:
        value = Decimal(str(service["discount_value"]))
        total -= total * value / 100 if service.get("discount_type") == "percent" else value
    if str(tariff.get("custom_period")) == "1":
        total = total * Decimal(365) / 12 / int(tariff["billing_days_count"])
    return total


async def check_charges(
    client: SplynxClient, pair: Pair, customers: dict[int, int], rejected: dict[str, set[int]]
) -> ChargeReport:
    """Every customer whose services all arrived pays per month what its account paid."""
    dataset = pair.dataset
    expected, held = sonar_monthly(dataset)
    months = _months(dataset)
    any_id = Search(main={"id": where(">", 0)})
    paid: dict[int, Decimal] = defaultdict(Decimal)
    periods: dict[int, str] = {}
    for kind in ("internet", "recurring"):
        tariffs = {t.id: t for t in await everything(client, f"{kind}_tariffs")}
        for service in await everything(client, f"{kind}_services", any_id):
            tariff = tariffs[int(service["tariff_id"])]
            paid[int(service["customer_id"])] += _splynx_monthly(service, tariff)
            periods[int(service.additional_attributes["sonar_id"])] = str(service.get("period"))
    lost = set().union(*(rejected.get(e, set()) for e in ("internet_services",
                                                           "recurring_services")))  # fmt: skip
    services = {int(s["id"]): s for s in dataset.records("services")}
    report = ChargeReport()
    for account, rows in held.items():
        if account not in customers or any(int(r["id"]) in lost for r in rows):
            continue
        got = paid.get(customers[account], Decimal())
        assert abs(got - expected[account]) < TOLERANCE, (account, expected[account], got)
        report.customers += 1
        terms = {months.get(int(r["service_id"]), 1) for r in rows}
        report.with_credit += any(services[int(r["service_id"])]["application"] == "CREDIT"
                                  for r in rows)  # fmt: skip
        report.with_annual += 12 in terms
        report.with_quarterly += 3 in terms
        for row in rows:  # a plan paid every N months is charged N months at once
            term = months.get(int(row["service_id"]), 1)
            assert periods[int(row["id"])] == (str(term) if term > 1 else "-1"), row["id"]
    return report


async def check_taxes(client: SplynxClient, pair: Pair, mapping: dict[str, int]) -> int:
    """Every tariff made from a taxed Sonar service carries the mapped tax and its rate;
    an untaxed one none. Returns how many taxed tariffs were seen."""
    dataset = pair.dataset
    taxes = {int(t["id"]): t for t in dataset.records("taxes")}
    on_service: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in dataset.records("service_taxes"):
        on_service[int(link["service_id"])].append(taxes[int(link["tax_id"])])
    tariffs = [*await everything(client, "internet_tariffs"),
               *await everything(client, "recurring_tariffs")]  # fmt: skip
    by_title = {t["title"]: t for t in tariffs}
    taxed = 0
    for service in dataset.records("services"):
        tariff = by_title.get(service["name"]) or by_title.get(
            f"{service['name']} (Sonar {service['id']})"
        )
        if tariff is None:
            continue
        found = on_service.get(int(service["id"]), [])
        if not found:
            assert int(tariff["tax_id"] or 0) == 0, service["name"]
            continue
        key = " + ".join(sorted(t["name"] for t in found))
        rate = sum(Decimal(str(t["rate"])) for t in found)
        assert int(tariff["tax_id"]) == mapping[key], (service["name"], key)
        assert Decimal(str(tariff["vat_percent"])) == rate, service["name"]
        assert str(tariff["with_vat"]) in ("0", "False", "false"), service["name"]
        taxed += 1
    return taxed
