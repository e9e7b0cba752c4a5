"""Reading Sonar's ``account_ip_assignments``: every IP associated with an account.

The view answers, per account, the addresses it holds whatever they are
assigned to (the account itself, its inventory items, its RADIUS accounts, its
MAC bindings), as ``{account_id, subnet}``. Its entities have no id and the
query has no sorter or search, so it cannot be read by keyset like a list
query: it is read by page number, page 1 first (which says how many pages
there are), then the rest concurrently through the same client, so the shared
rate limiter and retry policy apply as to every other request.

Numbered pages are only as stable as the data under them: an assignment added
or removed while the pages are read can shift a row across a page boundary.
The total Sonar announced is checked against what arrived, and a difference
is logged (a re-run reads it again).
"""

from __future__ import annotations

import logging

import anyio
from pydantic import BaseModel, ConfigDict, ValidationError

from migrator.errors import ProtocolError
from migrator.sonar.client import SonarClient
from migrator.sonar.extract import Extractor
from migrator.sonar.queries import account_ip_assignments_document
from migrator.sonar.scalars import Int64
from migrator.sonar.variables import numbered_page_variables

__all__ = ["AccountIp", "read_account_ip_assignments"]

log = logging.getLogger(__name__)


class AccountIp(BaseModel):
    """One IP associated with an account: ``subnet`` is its CIDR (``203.0.113.7/32``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    account_id: Int64
    subnet: str


class _PageInfo(BaseModel):
    page: int
    records_per_page: int
    total_count: int
    total_pages: int


class _Page(BaseModel):
    entities: list[AccountIp]
    page_info: _PageInfo


async def _page(client: SonarClient, number: int, page_size: int) -> _Page:
    operation = f"account_ip_assignments page {number}"
    data = await client.execute(
        account_ip_assignments_document(),
        numbered_page_variables(number, page_size),
        operation=operation,
    )
    try:
        return _Page.model_validate(data["account_ip_assignments"])
    except (KeyError, TypeError, ValidationError) as exc:
        raise ProtocolError(f"{operation}: malformed answer: {exc}") from exc


async def read_account_ip_assignments(extractor: Extractor) -> list[AccountIp]:
    """Every row of ``account_ip_assignments``, in Sonar's order, through ``extractor``'s
    client, page size and producer count."""
    client = extractor.client
    first = await _page(client, 1, extractor.page_size)
    pages = {1: first.entities}
    slots = anyio.CapacityLimiter(max(1, extractor.producers))

    async def fetch(number: int) -> None:
        async with slots:
            pages[number] = (await _page(client, number, extractor.page_size)).entities

    async with anyio.create_task_group() as group:
        for number in range(2, first.page_info.total_pages + 1):
            group.start_soon(fetch, number)
    rows = [row for number in sorted(pages) for row in pages[number]]
    announced = first.page_info.total_count
    if len(rows) != announced:
        log.warning(
            "account_ip_assignments: Sonar announced %d rows, %d arrived"
            " (assignments changed while they were read)",
            announced,
            len(rows),
        )
    return rows
