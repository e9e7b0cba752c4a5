"""One read of each page, shared by every entity made of the same Sonar records.

Several entities may page through the same list query with the same document:
the money entities through accounts with their ledgers, tickets and their
messages through tickets with their conversations. Read once per entity, the
same documents would cost Sonar's request budget once per entity.
``SharedPages`` reads a page once: the first entity to ask for it (the same
``after``, ``upto``, size and delta window) sends the request, the others wait
for that answer and take it too. Each entity decodes the shared raw page its
own way (``PageView``), leaving out what it is not made of.

Entities do not move in step (a ticket's messages wait for the ticket), so a
page is kept until every entity took it, but never more than ``keep`` pages:
the oldest one goes first, and an entity that asks for it afterwards reads it
again (a request more, never a record less). A resumed run's entities start
from their own checkpoints and simply share less.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import anyio

from migrator.errors import Rejected
from migrator.sonar.client import SonarClient
from migrator.sonar.readers import Batch, Reader
from migrator.sonar.variables import Window

__all__ = ["PageView", "SharedPages"]

T = TypeVar("T")
_Key = tuple[int, int | None, int, Window | None]


class _Page:
    def __init__(self) -> None:
        self.ready = anyio.Event()
        self.batch: Batch | None = None  # None once ready: the read failed
        self.taken = 0


class SharedPages:
    """Pages of ``reader``'s query, each read once for ``consumers`` entities."""

    def __init__(self, reader: Reader[Any], consumers: int, *, keep: int = 8) -> None:
        self.reader = reader
        self.query = reader.query
        self._consumers = max(1, consumers)
        self._keep = keep
        self._pages: OrderedDict[_Key, _Page] = OrderedDict()
        self.requests_saved = 0

    def view(self, decode: Callable[[Mapping[str, Any]], T | Rejected]) -> PageView[T]:
        """A reader for one entity, decoding each shared record with ``decode``."""
        return PageView(self, decode)

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch:
        key = (after, upto, page_size, window)
        while True:
            page = self._pages.get(key)
            if page is None:
                return await self._fetch(key, client, operation)
            await page.ready.wait()
            if page.batch is not None:  # else the reader failed: try it ourselves
                self.requests_saved += 1
                return self._take(key, page, page.batch)

    async def _fetch(self, key: _Key, client: SonarClient, operation: str) -> Batch:
        page = self._pages[key] = _Page()
        while len(self._pages) > self._keep:
            self._pages.popitem(last=False)
        try:
            after, upto, page_size, window = key
            batch = await self.reader.read(client, after, upto, page_size, window, operation)
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


class PageView(Generic[T]):
    """One entity's reader of shared pages (``Reader`` of ``migrator.sonar.readers``)."""

    def __init__(
        self, shared: SharedPages, decode: Callable[[Mapping[str, Any]], T | Rejected]
    ) -> None:
        self._shared = shared
        self.query = shared.query
        self.decode = decode  # the raw page is shared: a decode must not change it

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
