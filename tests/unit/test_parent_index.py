"""What a child learns about a parent that will not be mapped: rejected, or outside a sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from migrator.pipeline.parents import NotInSample, ParentIndex
from migrator.pipeline.state import StateStore
from migrator.records import ParentRef


@pytest.fixture
def index() -> Iterator[ParentIndex]:
    store = StateStore.open(Path(":memory:"))
    yield ParentIndex(store)
    store.close()


def customer(sonar_id: int) -> ParentRef:
    return ParentRef("customers", sonar_id, "customer_id")


async def test_a_parent_the_finished_entity_passed_without_mapping_it_is_none(
    index: ParentIndex,
) -> None:
    index.track("customers", lambda cursor: cursor <= 10)  # read up to 10
    index.close("customers")
    assert await index.resolve(customer(7)) is None  # absent from Sonar, or rejected


async def test_a_parent_the_entity_stopped_before_is_outside_the_sample(
    index: ParentIndex,
) -> None:
    index.track("customers", lambda cursor: cursor <= 10)  # a --limit stopped it at 10
    index.close("customers")
    with pytest.raises(NotInSample):
        await index.resolve(customer(11))


async def test_an_entity_left_out_of_the_run_rejects_as_before(index: ParentIndex) -> None:
    index.close("customers")  # --skip customers: nothing tracks it
    assert await index.resolve(customer(11)) is None


async def test_the_children_of_a_skipped_record_are_skipped_too(index: ParentIndex) -> None:
    index.track("customers", lambda cursor: True)
    index.skipped("customers", 5)
    with pytest.raises(NotInSample):
        await index.resolve(customer(5))
    index.failed("customers", 6)
    assert await index.resolve(customer(6)) is None


async def test_a_parent_read_with_another_record_is_settled_by_that_record_s_cursor() -> None:
    """An invoice is read with its account. Two partitions of accounts, 1-100 and 101-200:
    the second is through, the first is not; invoice 117 of account 9 is not settled for
    all that 117 lies in the finished partition: only account 9 being passed says so."""
    store = StateStore.open(Path(":memory:"))
    index = ParentIndex(store)
    first_partition = {"at": 0}
    index.track("invoices", lambda cursor: cursor > 100 or cursor <= first_partition["at"])
    found: list[int | None] = []
    async with anyio.create_task_group() as tg:
        tg.start_soon(_into, index, ParentRef("invoices", 117, "invoice_id", cursor=9), found)
        await anyio.wait_all_tasks_blocked()
        first_partition["at"] = 8
        index.progressed("invoices")  # account 9 is not reached yet: still waiting
        await anyio.wait_all_tasks_blocked()
        assert found == []
        store.mapped("invoices", 117, 4117, how="created", run_id=None)
        index.mapped("invoices", 117)
    assert found == [4117]

    async with anyio.create_task_group() as tg:
        tg.start_soon(_into, index, ParentRef("invoices", 118, "invoice_id", cursor=10), found)
        await anyio.wait_all_tasks_blocked()
        first_partition["at"] = 10  # account 10 is through and invoice 118 was never mapped
        index.progressed("invoices")
    assert found == [4117, None]
    store.close()


async def _into(index: ParentIndex, ref: ParentRef, found: list[int | None]) -> None:
    found.append(await index.resolve(ref))
