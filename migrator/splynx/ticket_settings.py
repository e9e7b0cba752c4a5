"""Splynx's ticket statuses, types and groups, by title: what a ticket is filed under.

The blueprint has no POST for them (they are made in Splynx's UI), so the
migration only reads them: each title (a status's ``title_for_agent``),
compared without case, to its id. The run and the pre-flight read them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from migrator.splynx.client import SplynxClient

__all__ = ["TicketSettings", "read_ticket_settings", "title_key"]


def title_key(title: str) -> str:
    return title.strip().casefold()


@dataclass(frozen=True)
class TicketSettings:
    """Title (``title_key``) -> id of each ticket status, type and group Splynx has."""

    statuses: Mapping[str, int]
    types: Mapping[str, int]
    groups: Mapping[str, int]


async def _titles(client: SplynxClient, endpoint: str, field: str) -> dict[str, int]:
    by_title: dict[str, int] = {}
    async for record in client.iterate(endpoint):
        by_title.setdefault(title_key(str(record.get(field) or "")), record.id)
    return by_title


async def read_ticket_settings(client: SplynxClient) -> TicketSettings:
    return TicketSettings(
        statuses=await _titles(client, "ticket_statuses", "title_for_agent"),
        types=await _titles(client, "ticket_types", "title"),
        groups=await _titles(client, "ticket_groups", "title"),
    )
