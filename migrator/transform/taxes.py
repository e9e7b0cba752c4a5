"""Sonar taxes on a service → the tax of its Splynx tariff.

Sonar links taxes to services (``service_taxes``); each tax is a percentage
of the charge or a flat amount. A Splynx tariff has one ``tax_id`` (a tax of
``GET /admin/config/taxes``, which may be a group) and a ``vat_percent``;
Splynx's taxes cannot be created through the API, so which Splynx tax stands
for Sonar's is the profile's ``[taxes]`` table: a Sonar tax name, or for a
service with several taxes their names sorted and joined by `` + ``, to a
Splynx tax id. Sonar prices exclude tax, so ``with_vat`` (price includes VAT)
is false.

Exemptions: the references show no per-customer tax exemption in Splynx, so
an exempt account's services on a taxed tariff are noted or rejected, by the
profile's ``[services] tax_exempt``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from migrator.errors import FieldError, Rejected
from migrator.sonar.entities import Tax
from migrator.transform.cleaning import Notes

__all__ = ["TaxLookups", "is_tax_exempt", "tariff_tax", "tax_key", "taxes_of"]

UnmappedTax = Literal["rate_only", "reject"]


@dataclass(frozen=True)
class TaxLookups:
    """Sonar taxes by id, the tax ids on each service, and the profile's ``[taxes]``."""

    taxes: Mapping[int, Tax] = field(default_factory=dict)
    by_service: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    mapping: Mapping[str, int] = field(default_factory=dict)


def taxes_of(service_id: int, lookups: TaxLookups) -> list[Tax]:
    """The taxes Sonar charges on the service, by id (unknown tax ids left out)."""
    ids = sorted(set(lookups.by_service.get(service_id, ())))
    return [lookups.taxes[i] for i in ids if i in lookups.taxes]


def tax_key(taxes: Sequence[Tax]) -> str:
    """The profile's ``[taxes]`` key for this set of taxes: names sorted, " + " between."""
    return " + ".join(sorted(tax.name for tax in taxes))


def _percent(taxes: Sequence[Tax]) -> Decimal:
    total = sum((Decimal(str(t.rate)) for t in taxes if t.application == "PERCENTAGE"), Decimal())
    return total.quantize(Decimal("0.0001"))


def tariff_tax(
    service_id: int, lookups: TaxLookups, unmapped: UnmappedTax, notes: Notes
) -> dict[str, Any]:
    """``with_vat`` / ``vat_percent`` / ``tax_id`` for the tariff made from the service."""
    taxes = taxes_of(service_id, lookups)
    if not taxes:
        return {"with_vat": False}
    key = tax_key(taxes)
    fields: dict[str, Any] = {"with_vat": False, "vat_percent": _percent(taxes)}
    flat = [t.name for t in taxes if t.application == "FLAT"]
    tax_id = lookups.mapping.get(key)
    if tax_id is not None:
        return {**fields, "tax_id": tax_id}
    message = f"Sonar tax {key!r} has no Splynx tax in the profile's [taxes]"
    if unmapped == "reject" or flat:
        why = f"{message}; a flat tax ({', '.join(flat)}) is no percentage" if flat else message
        raise Rejected(why, [FieldError("service_taxes", why)])
    notes.add("tax_id", f"{message}; vat_percent {fields['vat_percent']} only")
    return fields


def is_tax_exempt(tax_exempt_flag: bool, exemptions: int) -> bool:
    """Whether Sonar exempts the account from tax: its billing parameters' ``tax_exempt``
    or any ``tax_exemptions`` row of its own (the lead feeds both)."""
    return tax_exempt_flag or exemptions > 0
