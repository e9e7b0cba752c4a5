"""Account services (with the account's IP assignments) → a customer's services.

A DATA account service becomes an internet service on the internet tariff
made from its Sonar service; a RECURRING one a recurring service on its
recurring tariff. Other kinds (one-time, overage, adjustment, voice, expiring
charges) are not services in Splynx: they are rejected with that reason, so
an operator sees them rather than losing them. The account's static IPs go
to its first internet service.
"""

from __future__ import annotations

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
from migrator.transform.internet_access import (
    IPV4_PARENT,
    access_fields,
    access_parents,
    addresses_of,
    service_login,
)
from migrator.transform.network_access import ServiceAccess, plan_access
from migrator.transform.networks import NetworkLookups
from migrator.transform.tariffs import INTERNET_SERVICE_TYPES, RECURRING_SERVICE_TYPES
from migrator.transform.taxes import TaxLookups, is_tax_exempt, taxes_of

__all__ = [
    "AccountServiceRecord",
    "InternetServicePayload",
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
    networks: NetworkLookups = field(default_factory=NetworkLookups)


@dataclass(frozen=True)
class InternetServicePayload:
    """An internet service, and the static IPv4 its network must show as used by the customer."""

    service: InternetService
    sonar_id: int  # the Sonar account service
    static_ipv4: str | None = None
    ipv4_network_id: int | None = None  # the Splynx network holding ``static_ipv4``


def _kind(record: AccountServiceRecord, lookups: ServiceLookups) -> str:
    service = lookups.services.get(record.service.service_id)
    return service.type if service is not None else "unknown"


def service_parents(record: AccountServiceRecord, lookups: ServiceLookups) -> list[ParentRef]:
    refs = [ParentRef("customers", record.service.account_id, "account_id")]
    kind = _kind(record, lookups)
    if kind in INTERNET_SERVICE_TYPES:
        refs.append(ParentRef("internet_tariffs", record.service.service_id, "service_id"))
        refs += _network_parents(record, lookups)
    elif kind in RECURRING_SERVICE_TYPES:
        refs.append(ParentRef("recurring_tariffs", record.service.service_id, "service_id"))
    return refs


def _network_parents(record: AccountServiceRecord, lookups: ServiceLookups) -> list[ParentRef]:
    """The networks its addresses need; none when they cannot be placed (the transform then
    refuses the record, naming the login or the address)."""
    try:
        return access_parents(addresses_of(_access(record, lookups), lookups.networks, Notes()))
    except Rejected:
        return []


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


def _data_services(record: AccountServiceRecord, lookups: ServiceLookups) -> list[int]:
    return [
        held.id
        for held in record.account.account_services
        if getattr(lookups.services.get(held.service_id), "type", None) in INTERNET_SERVICE_TYPES
    ]


def _access(record: AccountServiceRecord, lookups: ServiceLookups) -> ServiceAccess:
    """This service's share of the account's RADIUS logins, MACs and IPs."""
    account_ips = lookups.networks.account_ips.get(record.account.id, ())
    plan = plan_access(record.account, _data_services(record, lookups), account_ips)
    return plan.get(record.service.id, ServiceAccess())


def internet_service(
    record: AccountServiceRecord, resolved: Resolved, *, lookups: ServiceLookups
) -> Cleaned[InternetServicePayload]:
    if _kind(record, lookups) not in INTERNET_SERVICE_TYPES:
        raise Rejected("not a DATA service", [FieldError("service_id", "not an internet service")])
    notes = Notes()
    access = _access(record, lookups)
    service_login(access, record.service.id, lookups.networks, lookups.rules)  # refused first
    chosen = addresses_of(access, lookups.networks, notes)
    granted = access_fields(
        access, record.service.id, chosen, resolved, lookups=lookups.networks,
        rules=lookups.rules, drop_invalid=lookups.cleanup.invalid_fields == "drop", notes=notes,
    )  # fmt: skip
    service = InternetService(**_common(record, resolved, lookups, notes), **granted.fields)
    network = resolved.parents.get(IPV4_PARENT) if granted.static_ipv4 else None
    payload = InternetServicePayload(service, record.id, granted.static_ipv4, network)
    return Cleaned(payload, tuple(notes.lines))


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
