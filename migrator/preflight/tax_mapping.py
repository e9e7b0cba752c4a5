"""The tax mapping a run will use: one row per set of Sonar taxes found on services.

Rows are ``MappingRow``s of kind ``tax`` (the Sonar tax name(s), the rate,
the Splynx target, the profile option that decided it), printed by ``check``
and ``run --dry-run`` in the mapping table beside statuses and types;
``unmapped_taxes`` is the ``check`` finding for the tax sets the profile's
``[taxes]`` does not name. Pure, but for ``read_tax_references``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from migrator.preflight.findings import Finding
from migrator.preflight.mapping_table import MappingRow
from migrator.profile_rules import ServiceRules
from migrator.sonar.entities import ServiceTax, Tax
from migrator.sonar.extract import Extractor
from migrator.transform.taxes import TaxLookups, tax_key, taxes_of

__all__ = ["links_by_service", "read_tax_references", "tax_rows", "unmapped_taxes"]

CHECK = "profile.taxes"


def links_by_service(links: Iterable[ServiceTax]) -> dict[int, tuple[int, ...]]:
    """Tax ids by service id, from ``service_taxes`` rows."""
    found: dict[int, tuple[int, ...]] = {}
    for link in links:
        found[link.service_id] = (*found.get(link.service_id, ()), link.tax_id)
    return found


async def read_tax_references(extractor: Extractor) -> tuple[list[Tax], list[ServiceTax]]:
    """Sonar's taxes and which services they apply to (a page or two each)."""
    taxes = [t for t in await extractor.read_all("taxes", strict=False) if isinstance(t, Tax)]
    links = [
        s
        for s in await extractor.read_all("service_taxes", strict=False)
        if isinstance(s, ServiceTax)
    ]
    return taxes, links


def _rate(tax: Tax) -> str:
    if tax.application == "FLAT":
        return f"{tax.rate / 100:.2f} flat"
    return f"{tax.rate:g}%"


def tax_rows(
    taxes: Mapping[int, Tax],
    service_taxes: Mapping[int, tuple[int, ...]],
    mapping: Mapping[str, int],
    rules: ServiceRules,
) -> list[MappingRow]:
    """One row per distinct set of taxes on a Sonar service, sorted by its [taxes] key."""
    lookups = TaxLookups(taxes, service_taxes, mapping)
    found: dict[str, list[Tax]] = {}
    for service_id in service_taxes:
        on_service = taxes_of(service_id, lookups)
        if on_service:
            found.setdefault(tax_key(on_service), on_service)
    rows = []
    for key, on_service in sorted(found.items()):
        rate = " + ".join(_rate(t) for t in sorted(on_service, key=lambda t: t.name))
        splynx, why = _target(key, on_service, mapping, rules)
        rows.append(MappingRow(kind="tax", sonar=key, detail=rate, splynx=splynx, why=why))
    return rows


def _target(
    key: str, on_service: list[Tax], mapping: Mapping[str, int], rules: ServiceRules
) -> tuple[str, str]:
    tax_id = mapping.get(key)
    if tax_id is not None:
        return f"tax {tax_id}", f'[taxes] "{key}"'
    if rules.unmapped_tax == "reject" or any(t.application == "FLAT" for t in on_service):
        why = "a flat tax needs [taxes]" if rules.unmapped_tax != "reject" else "unmapped_tax"
        return "refused", why
    percent = sum(t.rate for t in on_service)
    return f"vat_percent {percent:g}, no tax_id", "unmapped_tax"


def unmapped_taxes(rows: Iterable[MappingRow]) -> Finding:
    """A warning (rate only) or a blocker (tariffs refused) naming the sets to map."""
    taxed = [row for row in rows if row.kind == "tax"]
    missing = [row for row in taxed if not row.splynx.startswith("tax ")]
    if not missing:
        return Finding.ok(CHECK, f"{len(taxed)} Sonar tax sets mapped to Splynx taxes")
    names = ", ".join(repr(row.sonar) for row in missing)
    fix = "add to the profile's [taxes] table: " + ", ".join(
        f'"{row.sonar}" = <Splynx tax id>' for row in missing
    )
    detail = f"{len(missing)} Sonar tax sets have no Splynx tax: {names}"
    if any(row.splynx == "refused" for row in missing):
        return Finding.blocker(CHECK, detail + " (their tariffs would be rejected)", fix)
    return Finding.warning(CHECK, detail + " (tariffs would carry vat_percent only)", fix)
