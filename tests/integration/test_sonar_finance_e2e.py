"""Every account's ledger read nested over real HTTP, with and without a size limit on Sonar.

The simulator runs with ``--max-answer-entities`` so that a page of accounts with
their ledgers is refused (HTTP 500, as a server out of memory answers): the
reader must ask for the same accounts in smaller documents and still return
exactly the flat tables' invoices, debits, credits and payments, with every
field, computed independently of the client (``tests.support.ground_truth``).
"""

from __future__ import annotations

from typing import Any

import aiohttp
import anyio
import pytest
from graphql import print_ast

from migrator.sim.harness import serve
from migrator.sim.sonar.app import GRAPHQL_PATH, SonarSimConfig, build_app, load_dataset
from migrator.sim.sonar.table import Dataset
from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.extract import Extractor, Page
from migrator.sonar.finance import NestedFinance
from migrator.sonar.models import AccountWithFinance
from migrator.sonar.queries import FINANCE_FIELDS, nested_accounts_document
from migrator.sonar.readers import Reader
from migrator.sonar.shared_ledger import SharedLedger
from migrator.sonar.sizing import DocumentSizer
from migrator.sonar.variables import keyset_variables
from tests.support.ground_truth import account_finance

TOKEN = "finance-token"
CONFIG = SonarSimConfig(token=TOKEN, scale=40, seed=3, rate_limit=0, max_page_size=100)
LIMIT = 1000  # entities per answer: about 10 accounts with their ledgers


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(CONFIG)


async def read(url: str, reader: Reader[Any], page_size: int) -> tuple[list[Any], int, int]:
    """Every account read through ``reader``, the requests it took, and the partitions."""
    async with SonarClient(url, TOKEN, limiter=sonar_limiter(0), retry_budget=5) as sonar:
        found, partitions = await read_with(sonar, reader, page_size)
        return found, sonar.stats.requests, partitions


async def read_with(
    sonar: SonarClient, reader: Reader[Any], page_size: int
) -> tuple[list[Any], int]:
    extractor = Extractor(sonar, page_size=page_size, producers=2)
    plan = await extractor.plan("accounts", partitions=2)
    send, receive = anyio.create_memory_object_stream[Page[Any]](2)
    accounts: list[Any] = []
    async with anyio.create_task_group() as group:
        group.start_soon(extractor.run, plan.partitions, reader, send)
        async with receive:
            async for page in receive:
                assert page.rejects == []
                accounts += page.records
    return sorted(accounts, key=lambda a: a.id), len(plan.partitions)


def assert_equal_to_the_flat_tables(accounts: list[Any], dataset: Dataset) -> None:
    truth = account_finance(dataset)
    assert all(isinstance(account, AccountWithFinance) for account in accounts)
    assert [a.id for a in accounts] == [a.id for a in truth]
    for got, expected in zip(accounts, truth, strict=True):
        for field in FINANCE_FIELDS:
            assert getattr(got, field) == getattr(expected, field), (got.id, field)
    for query in FINANCE_FIELDS:  # nothing left out: every row belongs to some account
        assert sum(len(getattr(a, query)) for a in accounts) == dataset.count(query), query


async def test_a_size_limited_sonar_is_read_in_smaller_documents(dataset: Dataset) -> None:
    config = CONFIG.model_copy(update={"max_answer_entities": LIMIT})
    reader = NestedFinance(sizer=DocumentSizer(nested=30, min_nested=5))
    async with serve(build_app(config, dataset=dataset)) as url:
        accounts, _, partitions = await read(url, reader, page_size=20)
    assert_equal_to_the_flat_tables(accounts, dataset)
    assert partitions == 2
    assert reader.sizer.shrinks >= 1  # 20 accounts a page (about 1,500 entities) refused
    assert reader.sizer.accounts <= 10


async def test_without_a_limit_one_request_carries_a_page_of_ledgers(dataset: Dataset) -> None:
    reader = NestedFinance(nested_page_size=100)
    async with serve(build_app(CONFIG, dataset=dataset)) as url:
        accounts, requests, partitions = await read(url, reader, page_size=100)
    assert_equal_to_the_flat_tables(accounts, dataset)
    overflowing = sum(len(getattr(a, field)) > 100 for a in accounts for field in FINANCE_FIELDS)
    # the probe, one page (all 40 accounts), a follow-up per connection over 100 records
    assert (partitions, requests) == (1, 1 + 1 + overflowing)
    assert reader.sizer.shrinks == 0


async def test_the_refusal_looks_like_a_php_server_out_of_memory(dataset: Dataset) -> None:
    config = CONFIG.model_copy(update={"max_answer_entities": LIMIT})
    body = {
        "query": print_ast(nested_accounts_document(FINANCE_FIELDS).document),
        "variables": keyset_variables("accounts", 0, None, 40, nested_page_size=100),
    }
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with serve(build_app(config, dataset=dataset)) as url, aiohttp.ClientSession() as http:
        async with http.post(f"{url}{GRAPHQL_PATH}", json=body, headers=headers) as response:
            assert response.status == 500
            assert await response.json() == {"message": "Server Error"}
        body["variables"] = keyset_variables("accounts", 0, None, 2, nested_page_size=10)
        async with http.post(f"{url}{GRAPHQL_PATH}", json=body, headers=headers) as response:
            assert response.status == 200
            assert len((await response.json())["data"]["accounts"]["entities"]) == 2


async def test_the_money_entities_share_each_page_and_decode_only_their_share(
    dataset: Dataset,
) -> None:
    """Three entities read the ledger at once through one ``SharedLedger``: the requests are
    one reader's, and each gets exactly the relations it asked for."""
    async with serve(build_app(CONFIG, dataset=dataset)) as url:
        _, alone, _ = await read(url, NestedFinance(), page_size=10)
        async with SonarClient(url, TOKEN, limiter=sonar_limiter(0)) as sonar:
            await Extractor(sonar, page_size=10, producers=2).plan("accounts", partitions=2)
            planning = sonar.stats.requests
        shared = SharedLedger(NestedFinance(), consumers=3)
        views = {
            "invoices": shared.ledger_view(("invoices", "debits", "credits", "payments")),
            "payments": shared.ledger_view(("payments", "credits")),
            "transactions": shared.ledger_view(("debits", "credits")),
        }
        results: dict[str, list[Any]] = {}
        async with SonarClient(url, TOKEN, limiter=sonar_limiter(0), retry_budget=5) as sonar:

            async def one(name: str) -> None:
                results[name] = (await read_with(sonar, views[name], page_size=10))[0]

            async with anyio.create_task_group() as group:
                for name in views:
                    group.start_soon(one, name)
            together = sonar.stats.requests
    assert together == alone + 2 * planning  # each entity plans; the pages are read once
    # each page (with its follow-ups) fetched for one entity and taken as it is by two more
    assert shared.requests_saved > 0 and shared.requests_saved % 2 == 0
    assert_equal_to_the_flat_tables(results["invoices"], dataset)
    truth = {a.id: a for a in account_finance(dataset)}
    for account in results["payments"]:
        assert account.payments == truth[account.id].payments
        assert account.credits == truth[account.id].credits
        assert account.debits == () and account.invoices == ()
    for account in results["transactions"]:
        assert account.debits == truth[account.id].debits and account.payments == ()
