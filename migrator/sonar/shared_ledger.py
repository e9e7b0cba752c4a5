"""One nested read of each page of accounts' ledgers, shared by every money entity.

Invoices, payments and transactions are each an entity of their own (their
own id map, checkpoints and writers), and each pages through the same
accounts with their whole ledger. Read three times, the ledger would cost
three times Sonar's budget for the same documents. ``SharedLedger`` reads a
page once: the first entity to ask for it (the same ``after``, ``upto`` and
size) sends the request, the others wait for that answer and take it too.

Each entity decodes only the relations it is made of (``LedgerView``): a
payment needs the payments and the credits applying them, not the debits,
so less is held per page while its records wait for their writers.

Entities do not move in step (payments wait for their invoices), so a page
is kept until every entity took it, but never more than ``keep`` pages: the
oldest one goes first, and an entity that asks for it afterwards reads it
again (a request more, never a record less). A resumed run's entities start
from their own checkpoints and simply share less.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import anyio

from migrator.errors import Rejected
from migrator.sonar.client import SonarClient
from migrator.sonar.finance import NestedFinance
from migrator.sonar.models import AccountWithFinance
from migrator.sonar.readers import Batch
from migrator.sonar.relations import FINANCE_FIELDS
from migrator.sonar.variables import Window

__all__ = ["LedgerView", "SharedLedger"]

_Key = tuple[int, int | None, int]


class _Page:
    def __init__(self) -> None:
        self.ready = anyio.Event()
        self.batch: Batch | None = None  # None once ready: the read failed
        self.taken = 0


class SharedLedger:
    """Pages of accounts with their ledgers, each read once for ``consumers`` entities."""

    def __init__(self, reader: NestedFinance, consumers: int, *, keep: int = 8) -> None:
        self._reader = reader
        self._consumers = max(1, consumers)
        self._keep = keep
        self._pages: OrderedDict[_Key, _Page] = OrderedDict()
        self.requests_saved = 0

    def view(self, relations: Sequence[str]) -> LedgerView:
        """A reader for one entity, decoding only ``relations`` of each account's ledger."""
        unknown = set(relations) - set(FINANCE_FIELDS)
        if unknown:
            raise ValueError(f"not ledger relations: {', '.join(sorted(unknown))}")
        return LedgerView(self, tuple(relations))

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch:
        key = (after, upto, page_size)
        while True:
            page = self._pages.get(key)
            if page is None:
                return await self._fetch(key, client, window, operation)
            await page.ready.wait()
            if page.batch is not None:  # else the reader failed: try it ourselves
                self.requests_saved += 1
                return self._take(key, page, page.batch)

    async def _fetch(
        self, key: _Key, client: SonarClient, window: Window | None, operation: str
    ) -> Batch:
        page = self._pages[key] = _Page()
        while len(self._pages) > self._keep:
            self._pages.popitem(last=False)
        try:
            after, upto, page_size = key
            batch = await self._reader.read(client, after, upto, page_size, window, operation)
        except BaseException:
            if self._pages.get(key) is page:
                del self._pages[key]
            page.ready.set()
            raise
        page.batch = batch
        page.ready.set()
        return self._take(key, page, batch)

    def _take(self, key: _Key, page: _Page, batch: Batch) -> Batch:
        page.taken += 1
        if page.taken >= self._consumers and self._pages.get(key) is page:
            del self._pages[key]
        return batch

    def decode(self, raw: Mapping[str, Any]) -> AccountWithFinance | Rejected:
        return self._reader.decode(raw)


class LedgerView:
    """One entity's reader of the shared ledger (``Reader`` of ``migrator.sonar.readers``)."""

    query = "accounts"

    def __init__(self, shared: SharedLedger, relations: tuple[str, ...]) -> None:
        self._shared = shared
        self._left_out = tuple(field for field in FINANCE_FIELDS if field not in relations)

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch:
        return await self._shared.read(client, after, upto, page_size, window, operation)

    def decode(self, raw: Mapping[str, Any]) -> AccountWithFinance | Rejected:
        """The account with only this entity's relations (the raw page is shared: untouched)."""
        if self._left_out:
            raw = {key: value for key, value in raw.items() if key not in self._left_out}
        return self._shared.decode(raw)
