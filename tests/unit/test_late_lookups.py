"""Entities that need the network lookups wait for them; the others do not."""

from collections.abc import AsyncIterator, Callable, Sequence

import anyio
import pytest

from migrator.pipeline.entities import Item
from migrator.pipeline.late_lookups import AfterNetworks, LateNetworks, WaitingSource
from migrator.transform.networks import NetworkLookups


class Counted:
    """A source of two records that counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def partition_bounds(self, partitions: int) -> list[tuple[int, int]]:
        self.asked.append("bounds")
        return [(1, 2)]

    async def total(self) -> int | None:
        self.asked.append("total")
        return 2

    async def pages(self, low: int, high: int, after: int) -> AsyncIterator[Sequence[Item[str]]]:
        self.asked.append("pages")
        yield [Item(1, 1, "a"), Item(2, 2, "b")]


async def test_a_waiting_source_reads_nothing_until_the_lookups_are_in() -> None:
    networks, inner = LateNetworks(), Counted()
    source = WaitingSource(inner, networks.wait)
    read: list[str] = []

    async def plan_and_read() -> None:
        assert await source.partition_bounds(4) == [(1, 2)]
        async for page in source.pages(1, 2, 0):
            read.extend(item.record for item in page if item.record is not None)

    async with anyio.create_task_group() as tg:
        tg.start_soon(plan_and_read)
        await anyio.wait_all_tasks_blocked()
        assert inner.asked == [] and read == []
        networks.set(NetworkLookups(shared_logins={"ann": (1, 2)}))
    assert inner.asked == ["bounds", "pages"]
    assert read == ["a", "b"]


def test_a_function_after_the_networks_is_made_once_from_them() -> None:
    networks, made = LateNetworks(), []

    def make(held: NetworkLookups) -> Callable[[str], tuple[int, ...]]:
        made.append(held)
        return lambda name: tuple(held.shared_logins.get(name, ()))

    holders = AfterNetworks(networks, make)
    with pytest.raises(RuntimeError, match="before they were read"):
        holders("ann")
    lookups = NetworkLookups(shared_logins={"ann": (1, 2)})
    networks.set(lookups)
    assert holders("ann") == (1, 2)
    assert holders("bob") == ()
    assert made == [lookups]
