"""Sonar's small reference tables, read once before the entities run.

Account statuses, account types, custom fields, the service catalog with its
data and recurring details, taxes and the services they apply to, and the
accounts' tax exemptions are a few pages in all; the transforms look them up by
id, so they are loaded up front rather than joined record by record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from anyio.streams.memory import MemoryObjectReceiveStream

from migrator.entity_map import LOOKUPS
from migrator.errors import ConfigError
from migrator.sonar.account_ips import read_account_ip_assignments
from migrator.sonar.entities import (
    AccountStatus,
    AccountType,
    Company,
    CustomField,
    DataServiceDetail,
    IpPool,
    RadiusAccount,
    RecurringServiceDetail,
    Service,
    ServiceTax,
    Subnet,
    Supernet,
    Tax,
    TaxExemption,
    TicketGroup,
)
from migrator.sonar.extract import Extractor, Page
from migrator.transform.networks import NetworkLookups

__all__ = ["Lookups", "load_lookups"]


@dataclass(frozen=True)
class Lookups:
    """Sonar's small reference tables, read once before the entities run."""

    companies: Sequence[Company]
    statuses: dict[int, AccountStatus]
    types: dict[int, AccountType]
    custom_fields: dict[int, str]
    services: dict[int, Service]
    details: dict[int, DataServiceDetail]
    frequencies: dict[int, int]  # billing_frequency (months) by service id, data or recurring
    taxes: dict[int, Tax]
    service_taxes: dict[int, tuple[int, ...]]  # tax ids by service id
    exemptions: dict[int, int]  # tax_exemptions rows by account id
    networks: NetworkLookups = field(default_factory=NetworkLookups)
    ticket_groups: dict[int, str] = field(default_factory=dict)  # Sonar group names by id

    @property
    def default_company(self) -> int:
        chosen = [c for c in self.companies if c.default] or list(self.companies)
        if not chosen:
            raise ConfigError("Sonar has no company: nothing can be migrated")
        return min(c.id for c in chosen)


async def load_lookups(extractor: Extractor) -> Lookups:
    """Read the entity map's ``LOOKUPS``, one after the other, in its order."""
    tables = {query: await extractor.read_all(query) for query in LOOKUPS if query not in _REDUCED}
    companies: list[Company] = tables["companies"]
    statuses: list[AccountStatus] = tables["account_statuses"]
    types: list[AccountType] = tables["account_types"]
    fields: list[CustomField] = tables["custom_fields"]
    services: list[Service] = tables["services"]
    details: list[DataServiceDetail] = tables["data_service_details"]
    recurring: list[RecurringServiceDetail] = tables["recurring_service_details"]
    taxes: list[Tax] = tables["taxes"]
    links: list[ServiceTax] = tables["service_taxes"]
    exemptions: list[TaxExemption] = tables["tax_exemptions"]
    by_service: dict[int, tuple[int, ...]] = {}
    for link in links:
        by_service[link.service_id] = (*by_service.get(link.service_id, ()), link.tax_id)
    return Lookups(
        companies=companies,
        statuses={s.id: s for s in statuses},
        types={t.id: t for t in types},
        custom_fields={f.id: f.name for f in fields},
        services={s.id: s for s in services},
        details={d.service_id: d for d in details},
        frequencies={
            **{d.service_id: d.billing_frequency for d in details},
            **{d.service_id: d.billing_frequency for d in recurring},
        },
        taxes={t.id: t for t in taxes},
        service_taxes=by_service,
        exemptions=dict(Counter(e.account_id for e in exemptions)),
        networks=await _network_lookups(extractor, tables),
        ticket_groups={g.id: g.name for g in _groups(tables)},
    )


def _groups(tables: dict[str, Any]) -> list[TicketGroup]:
    return list(tables.get("ticket_groups", []))


# Read page by page and kept only in part: every RADIUS account is read, the usernames
# held by more than one account are kept.
_REDUCED = frozenset({"radius_accounts"})


async def shared_usernames(extractor: Extractor) -> dict[str, tuple[int, ...]]:
    """RADIUS usernames held by more than one Sonar account, with those accounts' ids."""
    holders: dict[str, set[int]] = {}
    pages: MemoryObjectReceiveStream[Page[RadiusAccount]]
    page: Page[RadiusAccount]
    async with extractor.stream("radius_accounts") as pages:
        async for page in pages:
            records: Sequence[RadiusAccount] = page.records
            for radius in records:
                holders.setdefault(radius.username, set()).add(radius.account_id)
            if page.rejects:
                raise ConfigError(f"Sonar's radius_accounts cannot be read: {page.rejects[0]}")
    return {name: tuple(sorted(ids)) for name, ids in holders.items() if len(ids) > 1}


async def _network_lookups(extractor: Extractor, tables: dict[str, list[Any]]) -> NetworkLookups:
    """Subnets, supernets and pools; each account's addresses; logins several accounts hold."""
    subnets: list[Subnet] = tables["subnets"]
    supernets: list[Supernet] = tables["supernets"]
    pools: list[IpPool] = tables["ip_pools"]
    account_ips: dict[int, tuple[str, ...]] = {}
    for held in await read_account_ip_assignments(extractor):
        account_ips[held.account_id] = (*account_ips.get(held.account_id, ()), held.subnet)
    return NetworkLookups(
        subnets={s.id: s for s in subnets},
        supernets={s.id: s for s in supernets},
        pooled=frozenset(pool.subnet_id for pool in pools),
        account_ips=account_ips,
        shared_logins=await shared_usernames(extractor),
    )
