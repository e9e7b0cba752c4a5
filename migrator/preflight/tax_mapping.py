"""The tax mapping a run will use: one row per set of Sonar taxes found on services.

Rows are (Sonar tax name(s), rate, Splynx target, why), the shape of the
mapping table ``check`` and ``run --dry-run`` print for statuses and
categories; ``unmapped_taxes`` is the ``check`` finding for the tax sets the
profile's ``[taxes]`` does not name. Pure: the caller passes the lookups it
read (``migrator.pipeline.lookups.Lookups``) and the profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from migrator.preflight.findings import Finding
from migrator.profile import Profile
from migrator.sonar.entities import Tax
from migrator.transform.taxes import TaxLookups, tax_key, taxes_of

__all__ = ["TaxRow", "tax_rows", "unmapped_taxes"]

CHECK = "profile.taxes"


class TaxRow(NamedTuple):
    sonar: str  # a tax name, or several joined by " + " (the [taxes] key)
    rate: str  # e.g. "6.25%", "6.25% + 2%", "$1.50 flat"
    splynx: str  # "tax 4", "vat_percent 6.25, no tax_id", "rejected"
    why: str


def _rate(tax: Tax) -> str:
    if tax.application == "FLAT":
        return f"{tax.rate / 100:.2f} flat"
    return f"{tax.rate:g}%"


def tax_rows(
    taxes: Mapping[int, Tax],
    service_taxes: Mapping[int, tuple[int, ...]],
    profile: Profile,
) -> list[TaxRow]:
    """One row per distinct set of taxes on a Sonar service, sorted by key."""
    lookups = TaxLookups(taxes, service_taxes, profile.taxes)
    found: dict[str, list[Tax]] = {}
    for service_id in service_taxes:
        on_service = taxes_of(service_id, lookups)
        if on_service:
            found.setdefault(tax_key(on_service), on_service)
    rows = []
    for key, on_service in sorted(found.items()):
        rate = " + ".join(_rate(t) for t in sorted(on_service, key=lambda t: t.name))
        rows.append(TaxRow(key, rate, *_target(key, on_service, profile)))
    return rows


def _target(key: str, on_service: list[Tax], profile: Profile) -> tuple[str, str]:
    tax_id = profile.taxes.get(key)
    if tax_id is not None:
        return f"tax {tax_id}", "profile [taxes]"
    if profile.services.unmapped_tax == "reject" or any(
        t.application == "FLAT" for t in on_service
    ):
        return "rejected", "not in [taxes]; its tariffs are rejected"
    percent = sum(t.rate for t in on_service)
    return f"vat_percent {percent:g}, no tax_id", "not in [taxes]; unmapped_tax = rate_only"


def unmapped_taxes(rows: list[TaxRow]) -> Finding:
    """A warning (rate only) or a blocker (tariffs rejected) naming the sets to map."""
    missing = [row for row in rows if not row.splynx.startswith("tax ")]
    if not missing:
        return Finding.ok(CHECK, f"{len(rows)} Sonar tax sets mapped to Splynx taxes")
    names = ", ".join(repr(row.sonar) for row in missing)
    fix = "add them to the profile's [taxes] table: " + ", ".join(
        f'"{row.sonar}" = <Splynx tax id>' for row in missing
    )
    detail = f"{len(missing)} Sonar tax sets have no Splynx tax: {names}"
    if any(row.splynx == "rejected" for row in missing):
        return Finding.blocker(CHECK, detail + " (their tariffs would be rejected)", fix)
    return Finding.warning(CHECK, detail + " (tariffs would carry vat_percent only)", fix)
