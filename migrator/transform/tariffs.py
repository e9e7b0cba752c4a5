"""Services → internet and recurring tariffs.

Tariffs are matched by title: a Splynx tariff that already has the title is
used as it is (an ISP often sets its plans up in Splynx before the
migration), otherwise it is created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import ServiceRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import DataServiceDetail, Service
from migrator.splynx.payloads import InternetTariff, RecurringTariff
from migrator.transform.billing_period import Frequencies, credit_sign, period_price, tariff_period
from migrator.transform.cleaning import Notes, cents, name_text
from migrator.transform.taxes import TaxLookups, tariff_tax

__all__ = [
    "INTERNET_SERVICE_TYPES",
    "RECURRING_SERVICE_TYPES",
    "TariffLookups",
    "internet_tariff",
    "recurring_tariff",
    "tariff_parents",
    "tariff_title",
]

INTERNET_SERVICE_TYPES = frozenset({"DATA"})
RECURRING_SERVICE_TYPES = frozenset({"RECURRING"})
TITLE_LIMIT = 128  # not in the dumped tables; kept short enough for any sane column


@dataclass(frozen=True)
class TariffLookups:
    """Data-service details by service id, how many services share each ``title_key``,
    billing periods, taxes and the profile's service rules."""

    details: Mapping[int, DataServiceDetail]
    name_counts: Mapping[str, int]
    frequencies: Frequencies = field(default_factory=lambda: Frequencies({}))
    taxes: TaxLookups = field(default_factory=TaxLookups)
    rules: ServiceRules = field(default_factory=ServiceRules)


def tariff_parents(service: Service, default_company: int) -> list[ParentRef]:
    company = service.company_id if service.company_id is not None else default_company
    return [ParentRef("partners", company, "company_id"), ParentRef("locations", 1, "location")]


def title_key(name: str) -> str:
    """What tariff titles collide on: the cleaned, fitted title, case-folded (``name_counts``
    is keyed by it, so "Fiber  100" and "fiber 100" count as one name)."""
    return (name_text(name, "title", TITLE_LIMIT, True, Notes()) or "").casefold()


def tariff_title(service: Service, lookups: TariffLookups, notes: Notes) -> str:
    """The service's name, made unique with its Sonar id when several share it."""
    name = name_text(service.name, "title", TITLE_LIMIT, True, notes)
    if not name:
        raise Rejected("the service has no name", [FieldError("name", "empty")])
    if lookups.name_counts.get(name.casefold(), 1) > 1:
        suffix = f" (Sonar {service.id})"
        notes.add("title", f"several services are called {name!r}; added {suffix.strip()!r}")
        name = name[: TITLE_LIMIT - len(suffix)] + suffix
    return name


def _billing(service: Service, lookups: TariffLookups, notes: Notes) -> dict[str, Any]:
    """Price for Sonar's billing period, the period itself and the tax (see ``billing``)."""
    rule = lookups.rules.billing_period
    months = lookups.frequencies.of(service.id)
    amount = cents(service.amount, "amount")
    if amount is not None and credit_sign(service) < 0:
        amount = -amount
    return {
        "price": period_price(amount, months, rule),
        **tariff_period(months, rule),
        **tariff_tax(service.id, lookups.taxes, lookups.rules.unmapped_tax, notes),
    }


def internet_tariff(
    service: Service, resolved: Resolved, *, lookups: TariffLookups
) -> Cleaned[InternetTariff]:
    notes = Notes()
    detail = lookups.details.get(service.id)
    if detail is None:
        message = "a DATA service without data_service_details has no speeds"
        raise Rejected(message, [FieldError("data_service_details", "missing")])
    if credit_sign(service) < 0:
        message = "a DATA service that credits the customer has no internet tariff counterpart"
        raise Rejected(message, [FieldError("application", "CREDIT")])
    tariff = InternetTariff(
        title=tariff_title(service, lookups, notes),
        partners_ids=[resolved.parents["company_id"]],
        available_for_locations=[resolved.parents["location"]],
        **_billing(service, lookups, notes),
        speed_download=detail.download_speed_kilobits_per_second,
        speed_upload=detail.upload_speed_kilobits_per_second,
    )
    return Cleaned(tariff, tuple(notes.lines))


def recurring_tariff(
    service: Service, resolved: Resolved, *, lookups: TariffLookups
) -> Cleaned[RecurringTariff]:
    notes = Notes()
    if credit_sign(service) < 0 and lookups.rules.credits == "reject":
        message = 'a RECURRING CREDIT service; the profile\'s [services] credits = "reject"'
        raise Rejected(message, [FieldError("application", "CREDIT")])
    tariff = RecurringTariff(
        title=tariff_title(service, lookups, notes),
        partners_ids=[resolved.parents["company_id"]],
        available_for_locations=[resolved.parents["location"]],
        **_billing(service, lookups, notes),
    )
    return Cleaned(tariff, tuple(notes.lines))
