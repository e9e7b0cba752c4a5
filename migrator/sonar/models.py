"""The typed records extraction yields, and how a raw API entity becomes one.

Two shapes, chosen per use by a decoder:

- a typed model (``ENTITY_MODELS[query]``, generated in ``entities.py``, or
  ``AccountWithRelations`` / ``AccountWithFinance`` for the nested accounts
  reads) for the migration;
- a ``SerializedRecord``: the entity exactly as Sonar's API serialized it, for
  ``migrator export``, whose fixture must be byte-identical to what Sonar sent
  (a model would re-spell datetimes and floats in its own way).

An entity that does not fit its model is not an exception that stops a page:
the decoder returns a ``Rejected`` carrying the raw entity and the field, so
the caller can keep it with its reason and carry on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from migrator.errors import FieldError, Rejected
from migrator.sonar.entities import (
    ENTITY_MODELS,
    Account,
    AccountBillingParameter,
    AccountService,
    Address,
    Contact,
    CustomFieldData,
    IpAssignment,
    Note,
    PhoneNumber,
    RadiusAccount,
    UninventoriedMacAddress,
)
from migrator.sonar.fixture import dump_record
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice, LedgerPayment
from migrator.sonar.scalars import SonarEntity, without_secrets

__all__ = [
    "ENTITY_MODELS",
    "AccountWithFinance",
    "AccountWithRelations",
    "ContactWithPhones",
    "Decoder",
    "MacAddressWithIps",
    "RadiusAccountWithIps",
    "SerializedRecord",
    "decode_as",
    "model_for",
    "serialized",
    "typed",
]

T = TypeVar("T")
M = TypeVar("M", bound=SonarEntity)

Decoder = Callable[[Mapping[str, Any]], "T | Rejected"]
"""Turns one raw API entity into a record, or a ``Rejected`` naming what is wrong."""


class ContactWithPhones(Contact):
    """A contact with its phone numbers (``Contact.phone_numbers``)."""

    phone_numbers: tuple[PhoneNumber, ...] = ()


class RadiusAccountWithIps(RadiusAccount):
    """A RADIUS account with the IPs assigned to it (``RadiusAccount.ip_assignments``)."""

    ip_assignments: tuple[IpAssignment, ...] = ()


class MacAddressWithIps(UninventoriedMacAddress):
    """A MAC binding with the IPs assigned to it (``UninventoriedMacAddress.ip_assignments``)."""

    ip_assignments: tuple[IpAssignment, ...] = ()


class AccountWithRelations(Account):
    """An account with the relations the migration needs, every page of each fetched."""

    contacts: tuple[ContactWithPhones, ...] = ()
    addresses: tuple[Address, ...] = ()
    account_services: tuple[AccountService, ...] = ()
    custom_field_data: tuple[CustomFieldData, ...] = ()
    notes: tuple[Note, ...] = ()
    ip_assignments: tuple[IpAssignment, ...] = ()
    radius_accounts: tuple[RadiusAccountWithIps, ...] = ()
    uninventoried_mac_addresses: tuple[MacAddressWithIps, ...] = ()
    account_billing_parameter: AccountBillingParameter | None = None

    @property
    def primary_contact(self) -> ContactWithPhones | None:
        """The contact marked primary, else the first one, else none."""
        for contact in self.contacts:
            if contact.primary:
                return contact
        return self.contacts[0] if self.contacts else None


class AccountWithFinance(Account):
    """An account with its whole ledger, each list complete and in id order.

    Read nested (``migrator.sonar.finance.NestedFinance``): one request carries a
    page of accounts with all four, instead of a flat page of one kind each.
    """

    invoices: tuple[LedgerInvoice, ...] = ()
    debits: tuple[LedgerDebit, ...] = ()
    credits: tuple[LedgerCredit, ...] = ()
    payments: tuple[LedgerPayment, ...] = ()


@dataclass(frozen=True, slots=True)
class SerializedRecord:
    """One entity exactly as Sonar's API serialized it; ``line()`` is its fixture line."""

    id: int
    values: Mapping[str, Any]

    def line(self) -> str:
        return dump_record(self.values)


def model_for(query: str) -> type[SonarEntity]:
    """The generated model of a list query's entity."""
    try:
        return ENTITY_MODELS[query]
    except KeyError:
        raise KeyError(f"{query!r} is not a list query migrator reads") from None


def _raw_id(raw: Mapping[str, Any]) -> str:
    return str(raw.get("id", "?"))


def _rejected(label: str, raw: Mapping[str, Any], problem: ValidationError) -> Rejected:
    errors = [
        FieldError(".".join(str(part) for part in error["loc"]) or "?", error["msg"])
        for error in problem.errors(include_url=False)
    ]
    return Rejected(
        f"Sonar {label} id {_raw_id(raw)} does not match the schema",
        errors,
        raw=dump_record(without_secrets(raw)),
    )


def decode_as(model: type[M], label: str) -> Callable[[Mapping[str, Any]], M | Rejected]:
    """A decoder validating raw entities into ``model``; ``label`` names them in errors."""

    def decode(raw: Mapping[str, Any]) -> M | Rejected:
        try:
            return model.model_validate(raw)
        except ValidationError as problem:
            return _rejected(label, raw, problem)

    return decode


def typed(query: str) -> Callable[[Mapping[str, Any]], SonarEntity | Rejected]:
    """Decode ``query``'s entities into their generated model."""
    return decode_as(model_for(query), query)


def serialized(query: str) -> Callable[[Mapping[str, Any]], SerializedRecord | Rejected]:
    """Keep ``query``'s entities as Sonar sent them (only the id is read, as an int)."""

    def decode(raw: Mapping[str, Any]) -> SerializedRecord | Rejected:
        try:
            return SerializedRecord(int(raw["id"]), raw)
        except (KeyError, TypeError, ValueError):
            return Rejected(
                f"Sonar {query} entity without a readable id",
                [FieldError("id", "missing or not an integer")],
                raw=dump_record(without_secrets(raw)),
            )

    return decode
