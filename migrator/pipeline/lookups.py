"""Sonar's small reference tables, read once before the entities run.

Account statuses, account types, custom fields, the service catalog and its
data-service details are a few pages in all; the transforms look them up by
id, so they are loaded up front rather than joined record by record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from anyio.streams.memory import MemoryObjectReceiveStream

from migrator.entity_map import LOOKUPS
from migrator.errors import ConfigError
from migrator.sonar.entities import (
    AccountStatus,
    AccountType,
    Company,
    CustomField,
    DataServiceDetail,
    Service,
)
from migrator.sonar.extract import Extractor, Page

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

    @property
    def default_company(self) -> int:
        chosen = [c for c in self.companies if c.default] or list(self.companies)
        if not chosen:
            raise ConfigError("Sonar has no company: nothing can be migrated")
        return min(c.id for c in chosen)


async def _all(extractor: Extractor, query: str) -> list[Any]:
    found: list[Any] = []
    pages: MemoryObjectReceiveStream[Page[Any]]
    page: Page[Any]
    async with extractor.stream(query) as pages:
        async for page in pages:
            found.extend(page.records)
            if page.rejects:
                raise ConfigError(f"Sonar's {query} cannot be read: {page.rejects[0]}")
    return sorted(found, key=lambda record: record.id)


async def load_lookups(extractor: Extractor) -> Lookups:
    """Read the entity map's ``LOOKUPS``, one after the other, in its order."""
    tables = {query: await _all(extractor, query) for query in LOOKUPS}
    companies: list[Company] = tables["companies"]
    statuses: list[AccountStatus] = tables["account_statuses"]
    types: list[AccountType] = tables["account_types"]
    fields: list[CustomField] = tables["custom_fields"]
    services: list[Service] = tables["services"]
    details: list[DataServiceDetail] = tables["data_service_details"]
    return Lookups(
        companies=companies,
        statuses={s.id: s for s in statuses},
        types={t.id: t for t in types},
        custom_fields={f.id: f.name for f in fields},
        services={s.id: s for s in services},
        details={d.service_id: d for d in details},
    )
