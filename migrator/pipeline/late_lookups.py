"""The network lookups, read while the first entities already run.

Most of the reference tables are a page or two, but the network lookups are not:
every RADIUS account (to find usernames several accounts share) and every
account's IP assignments are ~120 pages at 10,000 accounts, 18 s of a 400/min
budget. Only the networks and the services read them, so the run starts
without them and those entities wait: their source reads nothing until the
lookups are in (``WaitingSource``), and their transforms are made from the
lookups on first use (``AfterNetworks``). Partners, tariffs, customers, notes
and money are written meanwhile, instead of Splynx idling through the read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import anyio

from migrator.pipeline.entities import Item, Source
from migrator.transform.networks import NetworkLookups

__all__ = ["AfterNetworks", "LateNetworks", "WaitingSource"]

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class LateNetworks:
    """The network lookups once read (``set``); ``wait`` until then."""

    def __init__(self) -> None:
        self._ready = anyio.Event()
        self._value: NetworkLookups | None = None

    def set(self, value: NetworkLookups) -> None:
        self._value = value
        self._ready.set()

    async def wait(self) -> NetworkLookups:
        await self._ready.wait()
        return self.value

    @property
    def value(self) -> NetworkLookups:
        if self._value is None:
            raise RuntimeError("the network lookups were used before they were read")
        return self._value


class WaitingSource(Generic[R]):
    """``source``, reading nothing before ``ready`` has returned."""

    def __init__(self, source: Source[R], ready: Callable[[], Awaitable[object]]) -> None:
        self._source = source
        self._ready = ready

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]:
        await self._ready()
        return await self._source.partition_bounds(partitions)

    async def total(self) -> int | None:
        await self._ready()
        return await self._source.total()

    async def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[Item[R]]]:
        await self._ready()
        async for page in self._source.pages(low, high, after):
            yield page


class AfterNetworks(Generic[F]):
    """The function ``make`` builds from the network lookups, built on its first call
    (which comes after a ``WaitingSource`` let the first record through)."""

    def __init__(self, networks: LateNetworks, make: Callable[[NetworkLookups], F]) -> None:
        self._networks = networks
        self._make = make
        self._made: F | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._made is None:
            self._made = self._make(self._networks.value)
        return self._made(*args, **kwargs)
