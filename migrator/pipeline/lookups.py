"""Sonar's reference tables, read once: the small ones before the entities run.

Account statuses, account types, custom fields, the service catalog with its
data and recurring details, taxes and the services they apply to, and the
accounts' tax exemptions are a few pages in all; the transforms look them up by
id, so they are loaded up front rather than joined record by record
(``load_lookups``). The network lookups (subnets, supernets, pools, each
account's addresses, RADIUS usernames several accounts share) are ~120 pages at
10,000 accounts and only the networks and services need them: they are read
while the other entities run (``load_network_lookups``, ``late_lookups``).
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

__all__ = [
    "NETWORK_LOOKUPS",
    "Logins",
    "Lookups",
    "load_lookups",
    "load_network_lookups",
    "read_radius_logins",
    "shared_usernames",
]

# The lookups ``load_network_lookups`` reads (the account IPs come from their own query).
NETWORK_LOOKUPS = frozenset({"subnets", "supernets", "ip_pools", "radius_accounts"})


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
    ticket_groups: dict[int, str] = field(default_factory=dict)  # Sonar group names by id

    @property
    def default_company(self) -> int:
        chosen = [c for c in self.companies if c.default] or list(self.companies)
        if not chosen:
            raise ConfigError("Sonar has no company: nothing can be migrated")
        return min(c.id for c in chosen)


async def load_lookups(extractor: Extractor) -> Lookups:
    """Read the entity map's ``LOOKUPS`` but the network ones, one after the other."""
    tables = {
        query: await extractor.read_all(query) for query in LOOKUPS if query not in NETWORK_LOOKUPS
    }
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
        ticket_groups={g.id: g.name for g in _groups(tables)},
    )


def _groups(tables: dict[str, Any]) -> list[TicketGroup]:
    return list(tables.get("ticket_groups", []))


Logins = dict[int, tuple[str, int]]  # RADIUS account id -> (username, account id)


async def read_radius_logins(extractor: Extractor) -> Logins:
    """The RADIUS accounts ``extractor`` reads (all, or a delta's changed ones), page by page,
    kept only as username and account."""
    logins: Logins = {}
    pages: MemoryObjectReceiveStream[Page[RadiusAccount]]
    page: Page[RadiusAccount]
    async with extractor.stream("radius_accounts") as pages:
        async for page in pages:
            records: Sequence[RadiusAccount] = page.records
            for radius in records:
                logins[radius.id] = (radius.username, radius.account_id)
            if page.rejects:
                raise ConfigError(f"Sonar's radius_accounts cannot be read: {page.rejects[0]}")
    return logins


def shared_usernames(logins: Logins) -> dict[str, tuple[int, ...]]:
    """RADIUS usernames held by more than one Sonar account, with those accounts' ids."""
    holders: dict[str, set[int]] = {}
    for username, account_id in logins.values():
        holders.setdefault(username, set()).add(account_id)
    return {name: tuple(sorted(ids)) for name, ids in holders.items() if len(ids) > 1}


async def load_network_lookups(
    extractor: Extractor, *, known: Logins | None = None, changed: Extractor | None = None
) -> tuple[NetworkLookups, Logins]:
    """Subnets, supernets and pools; each account's addresses; logins several accounts hold;
    and every RADIUS login, to keep for the next delta.

    RADIUS accounts are the bulk (~73 pages at 10,000 accounts). A delta given the logins
    ``known`` from the last run and ``changed`` (an extractor of its window) reads only those
    changed since, over them. (One deleted in Sonar since stays known; a full run forgets
    it.) The rest is read whole: small, and the accounts' addresses cannot be asked for by
    date.
    """
    subnets: list[Subnet] = await extractor.read_all("subnets")
    supernets: list[Supernet] = await extractor.read_all("supernets")
    pools: list[IpPool] = await extractor.read_all("ip_pools")
    account_ips: dict[int, tuple[str, ...]] = {}
    for held in await read_account_ip_assignments(extractor):
        account_ips[held.account_id] = (*account_ips.get(held.account_id, ()), held.subnet)
    if known is not None and changed is not None:
        logins = {**known, **await read_radius_logins(changed)}
    else:
        logins = await read_radius_logins(extractor)
    lookups = NetworkLookups(
        subnets={s.id: s for s in subnets},
        supernets={s.id: s for s in supernets},
        pooled=frozenset(pool.subnet_id for pool in pools),
        account_ips=account_ips,
        shared_logins=shared_usernames(logins),
    )
    return lookups, logins
