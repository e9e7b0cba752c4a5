"""Extraction as the migration engine will use it, against the simulator over real HTTP.

Typed models for every list query, partition pages that checkpoint and
resume, the page-size clamp, and accounts with every relation complete even
when a parent has more children than one nested page holds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from migrator.sim.harness import serve
from migrator.sim.sonar.app import SonarSimConfig, build_app, load_dataset
from migrator.sim.sonar.table import Dataset
from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.extract import Extractor, Page
from migrator.sonar.models import AccountWithRelations, model_for
from migrator.sonar.readers import FlatRecords, NestedAccounts
from migrator.sonar.schema import LIST_QUERIES

TOKEN = "extract-token"
CONFIG = SonarSimConfig(token=TOKEN, scale=25, seed=5, rate_limit=0, max_page_size=100)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(CONFIG)


@pytest.fixture
async def sonar(dataset: Dataset) -> AsyncIterator[SonarClient]:
    app = build_app(CONFIG, dataset=dataset)
    async with serve(app) as url, SonarClient(url, TOKEN, limiter=sonar_limiter(0)) as client:
        yield client


async def collect(extractor: Extractor, query: str, reader: Any) -> list[Page[Any]]:
    plan = await extractor.plan(query)
    send, receive = anyio.create_memory_object_stream[Page[Any]](2)
    pages = []
    async with anyio.create_task_group() as group:
        group.start_soon(extractor.run, plan.partitions, reader, send)
        async with receive:
            async for page in receive:
                pages.append(page)
    return pages


async def test_every_list_query_streams_as_typed_models(
    sonar: SonarClient, dataset: Dataset
) -> None:
    extractor = Extractor(sonar, page_size=40, producers=3)
    for query in LIST_QUERIES:
        pages = await collect(extractor, query, FlatRecords(query))
        records = [record for page in pages for record in page.records]
        assert [page.rejects for page in pages if page.rejects] == [], query
        assert all(isinstance(record, model_for(query)) for record in records)
        expected = [int(raw["id"]) for raw in dataset.records(query)]
        assert sorted(record.id for record in records) == expected, query
        for page in pages:  # a page's last id bounds what it covered, within its partition
            assert all(record.id <= page.last_id for record in page.records)
            assert page.partition.upto is None or page.last_id <= page.partition.upto
        assert sum(1 for page in pages if page.done) == len({page.partition for page in pages})


async def test_a_partition_resumes_from_a_checkpoint(sonar: SonarClient, dataset: Dataset) -> None:
    extractor = Extractor(sonar, page_size=25, producers=1)
    (partition,) = (await extractor.plan("debits", partitions=1)).partitions
    seen: list[int] = []
    async for page in extractor.pages(partition, FlatRecords("debits")):
        seen += [record.id for record in page.records]
        checkpoint = page.last_id
        if page.number == 2:
            break
    async for page in extractor.pages(partition.resumed(checkpoint), FlatRecords("debits")):
        seen += [record.id for record in page.records]
    assert seen == [int(raw["id"]) for raw in dataset.records("debits")]  # no gap, no repeat


async def test_the_servers_page_size_clamp_loses_nothing(
    sonar: SonarClient, dataset: Dataset
) -> None:
    extractor = Extractor(sonar, page_size=500, producers=2)  # the simulator clamps to 100
    pages = await collect(extractor, "credits", FlatRecords("credits"))
    assert max(len(page.records) for page in pages) == 100
    assert sum(len(page.records) for page in pages) == dataset.count("credits")


def _children(dataset: Dataset, query: str, key: str, kind: str | None) -> dict[int, list[int]]:
    """Child ids per parent id, from the flat list (the ground truth)."""
    owners: dict[int, list[int]] = {}
    type_field = {
        "contactable_id": "contactable_type",
        "addressable_id": "addressable_type",
        "customfielddataable_id": "customfielddataable_type",
        "noteable_id": "noteable_type",
        "ipassignmentable_id": "ipassignmentable_type",
    }.get(key)
    for raw in dataset.records(query):
        if type_field and raw[type_field] != kind:
            continue
        owners.setdefault(int(raw[key]), []).append(int(raw["id"]))
    return owners


RELATIONS = (
    ("contacts", "contacts", "contactable_id"),
    ("addresses", "addresses", "addressable_id"),
    ("account_services", "account_services", "account_id"),
    ("custom_field_data", "custom_field_data", "customfielddataable_id"),
    ("notes", "notes", "noteable_id"),
    ("ip_assignments", "ip_assignments", "ipassignmentable_id"),
)


async def test_nested_accounts_arrive_with_every_child(
    sonar: SonarClient, dataset: Dataset
) -> None:
    extractor = Extractor(sonar, page_size=10, producers=2)
    before = sonar.stats.requests
    pages = await collect(extractor, "accounts", NestedAccounts(nested_page_size=1))
    accounts = [account for page in pages for account in page.records]
    assert all(isinstance(account, AccountWithRelations) for account in accounts)
    assert sorted(a.id for a in accounts) == [int(r["id"]) for r in dataset.records("accounts")]
    for field, query, key in RELATIONS:
        truth = _children(dataset, query, key, "Account")
        for account in accounts:
            got = [child.id for child in getattr(account, field)]
            assert got == truth.get(account.id, []), (field, account.id)
    phones = _children(dataset, "phone_numbers", "contact_id", None)
    contacts = [contact for account in accounts for contact in account.contacts]
    assert any(len(phones.get(contact.id, [])) > 1 for contact in contacts)
    for contact in contacts:
        assert [p.id for p in contact.phone_numbers] == phones.get(contact.id, [])
    # nested pages of one child each: a parent with more needed extra requests
    assert sonar.stats.requests - before > len(pages) + 1
