"""Account services (with the account's IP assignments) → a customer's services.

A DATA account service becomes an internet service on the internet tariff
made from its Sonar service; a RECURRING one a recurring service on its
recurring tariff. Other kinds (one-time, overage, adjustment, voice, expiring
charges) are not services in Splynx: they are rejected with that reason, so
an operator sees them rather than losing them. The account's static IPs go
to its first internet service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import CleanupRules, CustomerRules, ServiceRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import AccountService, Service
from migrator.sonar.models import AccountWithRelations
from migrator.splynx.payloads import InternetService, RecurringService
from migrator.splynx.payloads.base import field_limits
from migrator.transform.billing_period import Frequencies, credit_sign, period_price, service_period
from migrator.transform.cleaning import Notes, cents, name_text
from migrator.transform.customers import CustomerLookups, customer_status
from migrator.transform.dates import splynx_date
from migrator.transform.tariffs import INTERNET_SERVICE_TYPES, RECURRING_SERVICE_TYPES
from migrator.transform.taxes import TaxLookups, is_tax_exempt, taxes_of

__all__ = [
    "AccountServiceRecord",
    "ServiceLookups",
    "internet_service",
    "recurring_service",
    "service_parents",
]

LIMITS = field_limits(InternetService)


@dataclass(frozen=True)
class AccountServiceRecord:
    """One account service, with the account it belongs to (status, IPs, siblings)."""

    account: AccountWithRelations
    service: AccountService

    @property
    def id(self) -> int:
        return self.service.id


@dataclass(frozen=True)
class ServiceLookups:
    services: Mapping[int, Service]  # Sonar services (the catalog) by id
    customers: CustomerLookups
    customer_rules: CustomerRules
    rules: ServiceRules
    cleanup: CleanupRules
    zone: ZoneInfo
    frequencies: Frequencies = field(default_factory=lambda: Frequencies({}))
    taxes: TaxLookups = field(default_factory=TaxLookups)
    exemptions: Mapping[int, int] = field(default_factory=dict)  # tax_exemptions rows by account


def _kind(record: AccountServiceRecord, lookups: ServiceLookups) -> str:
    service = lookups.services.get(record.service.service_id)
    return service.type if service is not None else "unknown"


def service_parents(record: AccountServiceRecord, lookups: ServiceLookups) -> list[ParentRef]:
    refs = [ParentRef("customers", record.service.account_id, "account_id")]
    kind = _kind(record, lookups)
    if kind in INTERNET_SERVICE_TYPES:
        refs.append(ParentRef("internet_tariffs", record.service.service_id, "service_id"))
    elif kind in RECURRING_SERVICE_TYPES:
        refs.append(ParentRef("recurring_tariffs", record.service.service_id, "service_id"))
    return refs


def _exempt(record: AccountServiceRecord, lookups: ServiceLookups) -> bool:
    """Sonar exempts the account: the flag on its billing parameters, or exemption rows."""
    parameters = record.account.account_billing_parameter
    flag = parameters is not None and parameters.tax_exempt
    return is_tax_exempt(flag, lookups.exemptions.get(record.service.account_id, 0))


def _billing(record: AccountServiceRecord, lookups: ServiceLookups,
             notes: Notes) -> dict[str, Any]:  # fmt: skip
    """Unit price for Sonar's period (credits negative), the service ``period``, and what
    a tax-exempt account's service on a taxed tariff gets."""
    held = record.service
    catalog = lookups.services.get(held.service_id)
    rules = lookups.rules
    if credit_sign(catalog) < 0 and rules.credits == "reject":
        message = 'a RECURRING CREDIT service; the profile\'s [services] credits = "reject"'
        raise Rejected(message, [FieldError("service_id", message)])
    months = lookups.frequencies.of(held.service_id)
    override = cents(held.price_override, "price_override")
    if override is not None and credit_sign(catalog) < 0:
        override = -override
    taxed = taxes_of(held.service_id, lookups.taxes)
    if taxed and _exempt(record, lookups):
        message = (
            "the account is tax-exempt in Sonar and Splynx has no per-customer exemption: "
            "the tariff's tax applies"
        )
        if rules.tax_exempt == "reject":
            raise Rejected(message, [FieldError("tax_exempt", message)])
        notes.add("tax_exempt", message)
    return {
        "unit_price": period_price(override, months, rules.billing_period),
        **service_period(months, rules.billing_period),
    }


def _common(record: AccountServiceRecord, resolved: Resolved, lookups: ServiceLookups,
            notes: Notes) -> dict[str, Any]:  # fmt: skip
    held = record.service
    catalog = lookups.services.get(held.service_id)
    if held.quantity < 1:
        raise Rejected("quantity below 1", [FieldError("quantity", f"{held.quantity}")])
    description = held.name_override or (
        catalog.name if catalog else f"Sonar service {held.service_id}"
    )
    truncate = lookups.cleanup.truncate
    status = customer_status(record.account, lookups.customers, lookups.customer_rules, notes)
    return {
        "customer_id": resolved.parents["account_id"],
        "tariff_id": resolved.parents["service_id"],
        "status": lookups.rules.status.get(status, "active"),
        "description": name_text(
            description, "description", LIMITS.get("description"), truncate, notes
        ),
        "quantity": held.quantity,
        **_billing(record, lookups, notes),
        "start_date": splynx_date(held.addition_prorate_date or held.created_at, lookups.zone),
        "additional_attributes": {"sonar_id": str(held.id)},
    }


def _addresses(
    record: AccountServiceRecord, lookups: ServiceLookups, notes: Notes
) -> dict[str, Any]:
    """The account's IPs, on its first internet service only."""
    internet = sorted(
        held.id
        for held in record.account.account_services
        if getattr(lookups.services.get(held.service_id), "type", None) in INTERNET_SERVICE_TYPES
    )
    if not internet or internet[0] != record.service.id:
        return {}
    fields: dict[str, Any] = {}
    for assignment in sorted(record.account.ip_assignments, key=lambda a: a.id):
        try:
            network = ipaddress.ip_network(assignment.subnet, strict=False)
        except ValueError:
            notes.add("ip_assignments", f"{assignment.subnet!r} is not a subnet; left out")
            continue
        if network.version == 4 and "ipv4" not in fields:
            fields.update(taking_ipv4=1, ipv4=str(network.network_address))
            if network.prefixlen < 32:
                fields["ipv4_route"] = str(network)
        elif network.version == 6 and "ipv6" not in fields:
            fields.update(taking_ipv6=1, ipv6=str(network))
        else:
            notes.add("ip_assignments", f"{assignment.subnet} not migrated (one per family)")
    return fields


def internet_service(
    record: AccountServiceRecord, resolved: Resolved, *, lookups: ServiceLookups
) -> Cleaned[InternetService]:
    if _kind(record, lookups) not in INTERNET_SERVICE_TYPES:
        raise Rejected("not a DATA service", [FieldError("service_id", "not an internet service")])
    notes = Notes()
    service = InternetService(
        **_common(record, resolved, lookups, notes),
        login=f"{lookups.rules.login_prefix}{record.service.id}",
        **_addresses(record, lookups, notes),
    )
    return Cleaned(service, tuple(notes.lines))


def recurring_service(
    record: AccountServiceRecord, resolved: Resolved, *, lookups: ServiceLookups
) -> Cleaned[RecurringService]:
    kind = _kind(record, lookups)
    if kind == "unknown":
        message = f"service {record.service.service_id} is not in Sonar's service catalog"
        raise Rejected(message, [FieldError("service_id", message)])
    if kind not in RECURRING_SERVICE_TYPES:
        message = f"Sonar service type {kind} has no Splynx service counterpart; not migrated"
        raise Rejected(message, [FieldError("service_id", message)])
    notes = Notes()
    service = RecurringService(**_common(record, resolved, lookups, notes))
    return Cleaned(service, tuple(notes.lines))
