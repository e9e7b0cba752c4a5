"""Accounts (with their contacts, phones, addresses, custom fields) → Splynx customers.

One account becomes a ``Customer`` (name, category and status from what the
account's type and status are in Sonar: ``transform.statuses``; email / billing
email / phone from the contacts (an address Splynx would refuse is left out
with a note, never the reason a customer is lost), street / zip / city / gps from the
account's own serviceable address, else its mailing address, date_add from
activation, the ``sonar_id`` marker) and a ``CustomerInfo`` (the contact
person, and the company / VAT ids the profile maps from custom fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import CleanupRules, CustomerRules, CustomerStatus
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import Account, AccountStatus, AccountType, Address
from migrator.sonar.models import AccountWithRelations, ContactWithPhones
from migrator.splynx.payloads import Customer, CustomerBilling, CustomerInfo
from migrator.splynx.payloads.base import field_limits
from migrator.transform.cleaning import (
    Notes,
    first_valid_email,
    gps_point,
    name_text,
    short_text,
)
from migrator.transform.dates import splynx_date
from migrator.transform.statuses import decide_category, decide_status

__all__ = [
    "CustomerLookups",
    "CustomerPayload",
    "customer_from_account",
    "customer_parents",
    "customer_status",
]

CUSTOMER = field_limits(Customer)
INFO = field_limits(CustomerInfo)


@dataclass(frozen=True)
class CustomerLookups:
    """Small Sonar reference tables the transform reads, loaded before the run."""

    statuses: Mapping[int, AccountStatus]  # by account_status_id
    types: Mapping[int, AccountType]  # by account_type_id
    custom_fields: Mapping[int, str]  # custom_field_id → name


@dataclass(frozen=True)
class CustomerPayload:
    """What one account becomes: the customer, and the info and billing rows to put after it."""

    sonar_id: int
    customer: Customer
    info: CustomerInfo | None
    billing: CustomerBilling | None = None  # added by ``transform.customer_billing.with_billing``


def customer_parents(account: AccountWithRelations) -> list[ParentRef]:
    """A customer needs its partner (from the company) and the default location first.

    The parent account is linked when it is already in Splynx, and otherwise
    after the customers are all written (it may come later in the same run).
    """
    refs = [
        ParentRef("partners", account.company_id, "company_id"),
        ParentRef("locations", 1, "location"),
    ]
    if account.parent_account_id is not None:
        refs.append(
            ParentRef("customers", account.parent_account_id, "parent_account_id", wait=False)
        )
    return refs


def customer_status(account: Account, lookups: CustomerLookups, rules: CustomerRules,
            notes: Notes) -> CustomerStatus:  # fmt: skip
    """The account's Splynx status (``transform.statuses``); its services follow it."""
    status = lookups.statuses.get(account.account_status_id)
    decision = decide_status(
        status, rules, delinquent=account.is_delinquent, archived=account.archived_at is not None
    )
    name = status.name if status is not None else f"#{account.account_status_id}"
    if decision.status is None:
        message = f"account status {name!r} is not in the profile's [customers.status] map"
        raise Rejected(message, [FieldError("account_status_id", message)])
    if status is None:  # the other decisions are the profile's rules (the mapping table)
        notes.add("account_status_id", f"status {name!r}: {decision.why} ({decision.status!r})")
    return decision.status


def _address(account: AccountWithRelations) -> Address | None:
    """The account's serviceable physical address, else its mailing one, else any."""
    own = sorted(account.addresses, key=lambda a: a.id)
    for wanted in (lambda a: a.serviceable, lambda a: a.type == "MAILING", lambda a: True):
        for address in own:
            if wanted(address):
                return address
    return None


def _phones(contact: ContactWithPhones | None, truncate: bool, notes: Notes) -> str | None:
    if contact is None:
        return None
    numbers = []
    for phone in sorted(contact.phone_numbers, key=lambda p: p.id):
        number = (phone.number_formatted or phone.number).strip()
        if phone.extension:
            number = f"{number} x{phone.extension}"
        numbers.append(number)
    joined = ", ".join(n for n in numbers if n)
    return name_text(joined, "phone", CUSTOMER.get("phone"), truncate, notes)


def _emails(account: AccountWithRelations, drop: bool,
            notes: Notes) -> tuple[str | None, str | None]:  # fmt: skip
    """The primary contact's email first, then the others'; billing from a billing contact."""
    primary = account.primary_contact
    ordered = sorted(account.contacts, key=lambda c: (c is not primary, c.id))
    billing_contacts = [c for c in ordered if c.role and "billing" in c.role.lower()]
    email = first_valid_email(
        [c.email_address for c in ordered], "email", notes, limit=CUSTOMER.get("email"), drop=drop
    )
    billing = first_valid_email(
        [c.email_address for c in billing_contacts],
        "billing_email",
        Notes(),  # a billing contact's address was noted under email already
        limit=CUSTOMER.get("billing_email"),
        drop=drop,
    )
    return email, billing if billing != email else None


def _gps(address: Address | None, drop: bool, notes: Notes) -> str | None:
    if address is None:
        return None
    return gps_point(address.latitude, address.longitude, notes, drop=drop)


def _info(account: AccountWithRelations, lookups: CustomerLookups, rules: CustomerRules,
          truncate: bool, notes: Notes) -> CustomerInfo | None:  # fmt: skip
    values: dict[str, str] = {}
    contact = account.primary_contact
    if contact is not None and contact.name.strip() and contact.name.strip() != account.name:
        person = name_text(
            contact.name, "contact_person", INFO.get("contact_person"), truncate, notes
        )
        if person:
            values["contact_person"] = person
    for datum in account.custom_field_data:
        target = rules.custom_fields.get(lookups.custom_fields.get(datum.custom_field_id, ""))
        if target is not None:
            value = short_text(datum.value, target, INFO.get(target), truncate, notes)
            if value:
                values[target] = value
    return CustomerInfo(**values) if values else None


def customer_from_account(
    account: AccountWithRelations,
    resolved: Resolved,
    *,
    lookups: CustomerLookups,
    rules: CustomerRules,
    cleanup: CleanupRules,
    zone: ZoneInfo,
) -> Cleaned[CustomerPayload]:
    notes = Notes()
    truncate = cleanup.truncate
    name = name_text(account.name, "name", CUSTOMER.get("name"), truncate, notes)
    if not name:
        raise Rejected("the account has no name", [FieldError("name", "empty")])
    drop = cleanup.invalid_fields == "drop"
    email, billing_email = _emails(account, drop, notes)
    address = _address(account)
    login = f"{rules.login_prefix}{account.id}" if rules.login == "sonar_id" else None
    customer = Customer(
        name=name,
        partner_id=resolved.parents["company_id"],
        location_id=resolved.parents["location"],
        category=decide_category(lookups.types.get(account.account_type_id), rules).category,
        status=customer_status(account, lookups, rules, notes),
        login=short_text(login, "login", CUSTOMER.get("login"), truncate, notes),
        parent_id=resolved.id_for("parent_account_id"),
        email=email,
        billing_email=billing_email,
        phone=_phones(account.primary_contact, truncate, notes),
        street_1=_street(address, truncate, notes),
        zip_code=short_text(
            address.zip if address else None, "zip_code", CUSTOMER.get("zip_code"), truncate, notes
        ),
        city=name_text(
            address.city if address else None, "city", CUSTOMER.get("city"), truncate, notes
        ),
        gps=_gps(address, drop, notes),
        date_add=splynx_date(account.activation_date or account.created_at, zone),
        additional_attributes={"sonar_id": str(account.id)},
    )
    info = _info(account, lookups, rules, truncate, notes)
    return Cleaned(CustomerPayload(account.id, customer, info), tuple(notes.lines))


def _street(address: Address | None, truncate: bool, notes: Notes) -> str | None:
    if address is None:
        return None
    lines = [line for line in (address.line1, address.line2) if line and line.strip()]
    return name_text(", ".join(lines), "street_1", CUSTOMER.get("street_1"), truncate, notes)
