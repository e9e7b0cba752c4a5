"""What a child learns about a parent that will not be mapped: rejected, or outside a sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
