"""``POST /admin/changes`` over real HTTP on 127.0.0.1: a batch of changes, then the client's
own documents find exactly it (delta search by ``updated_at``, nested reads, keyset pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import anyio
import httpx
import pytest
from graphql import print_ast

from migrator.sim.faults import FaultKind
from migrator.sim.harness import serve
from migrator.sim.sonar.app import ADMIN_CHANGES_PATH, GRAPHQL_PATH, SonarSimConfig, build_app
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.instance_time import NOW, instant_to_iso
from migrator.sim.sonar.table import Dataset
from migrator.sonar.queries import nested_accounts_document, page_document, probe_document
from migrator.sonar.variables import Window, keyset_variables, probe_variables

TOKEN = "changes-token"
SCALE = 150
BEFORE = datetime.fromisoformat(instant_to_iso(NOW))  # every generated record is at or before
DELTA_QUERIES = ("accounts", "contacts", "account_services", "notes", "payments")
COUNT = "query Count { accounts(include_archived: true) { page_info { total_count } } }"
LIVE = """query Live($search: [Search]) {
  accounts(search: $search, paginator: {page: 1, records_per_page: 1000}) {
    entities { id } } }"""


@pytest.fixture
def dataset() -> Dataset:
    return generate_dataset(SCALE, seed=9)


@pytest.fixture
async def sim(dataset: Dataset) -> AsyncIterator[str]:
    async with serve(build_app(SonarSimConfig(token=TOKEN, rate_limit=0), dataset=dataset)) as url:
        yield url


async def graphql(
    client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    answer = await client.post(
        url + GRAPHQL_PATH,
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def change(
    client: httpx.AsyncClient, url: str, body: Any, token: str | None = TOKEN
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return await client.post(url + ADMIN_CHANGES_PATH, json=body, headers=headers)


async def changed_since(
    client: httpx.AsyncClient, url: str, query: str, since: datetime
) -> list[dict[str, Any]]:
    """Every record of ``query`` with ``updated_at > since``, by the client's own page
    document and variables (keyset pages of 7, archived accounts included)."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        variables = keyset_variables(query, after, None, 7, window=Window(since))
        data = await graphql(client, url, print_ast(page_document(query).document), variables)
        page = data[query]["entities"]
        found += page
        if len(page) < 7:
            return found
        after = int(page[-1]["id"])


async def test_a_delta_search_finds_exactly_what_the_batch_changed(sim: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await change(client, sim, {"seed": 3, "fraction": 0.1})
        assert answer.status_code == 200
        summary = answer.json()
        assert set(summary) == {"created", "updated", "archived", "at"}
        for query in DELTA_QUERIES:
            records = await changed_since(client, sim, query, BEFORE)
            ids = [int(r["id"]) for r in records]
            wanted = summary["created"][query] + summary["updated"].get(query, [])
            wanted += summary["archived"].get(query, [])
            assert ids == sorted(wanted) and wanted, query
            assert {r["updated_at"] for r in records} == {summary["at"]}
            created = set(summary["created"][query])
            assert all((r["_version"] == "1") == (int(r["id"]) in created) for r in records)
            probe = print_ast(probe_document(query).document)
            data = await graphql(client, sim, probe, probe_variables(query, window=Window(BEFORE)))
            assert data["lowest"]["page_info"]["total_count"] == len(wanted)
            ends = [data[end]["entities"][0]["id"] for end in ("lowest", "highest")]
            assert ends == [str(min(wanted)), str(max(wanted))]
        at = datetime.fromisoformat(summary["at"])
        for query in DELTA_QUERIES:
            assert await changed_since(client, sim, query, at) == [], query
        counted = await graphql(client, sim, COUNT)
    total = counted["accounts"]["page_info"]["total_count"]
    assert total == SCALE + len(summary["created"]["accounts"])


async def test_archived_accounts_are_hidden_unless_asked_for(sim: str) -> None:
    search = [{"datetime_fields": [{"attribute": "updated_at", "operator": "GT",
                                    "search_value": BEFORE.isoformat()}]}]  # fmt: skip
    async with httpx.AsyncClient() as client:
        summary = (await change(client, sim, {"seed": 5, "fraction": 0.2})).json()
        live = await graphql(client, sim, LIVE, {"search": search})
    ids = sorted(int(a["id"]) for a in live["accounts"]["entities"])
    assert summary["archived"]["accounts"]
    assert ids == sorted(summary["created"]["accounts"] + summary["updated"]["accounts"])


async def test_nested_account_reads_show_the_new_children(sim: str, dataset: Dataset) -> None:
    document = print_ast(nested_accounts_document().document)
    async with httpx.AsyncClient() as client:
        summary = (await change(client, sim, {"seed": 3, "fraction": 0.1})).json()
        variables = keyset_variables("accounts", 0, None, 1000, nested_page_size=100)
        accounts = (await graphql(client, sim, document, variables))["accounts"]["entities"]
    by_id = {int(a["id"]): a for a in accounts}
    added = set(summary["created"]["account_services"])
    for service_id in added:
        service = dataset.get("account_services", service_id)
        assert service is not None
        held = by_id[int(service["account_id"])]["account_services"]["entities"]
        assert service_id in {int(s["id"]) for s in held}
    for account_id in summary["created"]["accounts"]:
        account = by_id[account_id]
        assert account["contacts"]["entities"] and account["addresses"]["entities"]
        assert account["account_services"]["entities"]
        assert account["account_billing_parameter"]["account_id"] == str(account_id)
        contacts = {int(c["id"]) for c in account["contacts"]["entities"]}
        assert contacts <= set(summary["created"]["contacts"])
    logins = {int(r["id"]) for a in by_id.values() for r in a["radius_accounts"]["entities"]}
    assert set(summary["created"]["radius_accounts"]) <= logins
    notes = {int(n["id"]) for a in by_id.values() for n in a["notes"]["entities"]}
    assert set(summary["created"]["notes"]) <= notes


async def test_keyset_pages_reach_the_appended_ids_once_each(sim: str) -> None:
    async with httpx.AsyncClient() as client:
        first = (await change(client, sim, {"seed": 1, "fraction": 0.1})).json()
        second = (await change(client, sim, {"seed": 1, "fraction": 0.1})).json()
        everything = await changed_since(client, sim, "accounts", datetime(2000, 1, 1).astimezone())
    ids = [int(a["id"]) for a in everything]
    assert ids == sorted(set(ids)) and len(ids) == SCALE + 2 * len(first["created"]["accounts"])
    assert min(second["created"]["accounts"]) > max(first["created"]["accounts"])
    assert datetime.fromisoformat(second["at"]) > datetime.fromisoformat(first["at"])


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}"])
async def test_the_endpoint_refuses_a_missing_or_wrong_token(
    sim: str, dataset: Dataset, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with httpx.AsyncClient() as client:
        answer = await client.post(sim + ADMIN_CHANGES_PATH, json={"seed": 1}, headers=headers)
    assert answer.status_code == 401 and answer.json() == {"error": "Unauthenticated."}
    assert dataset.count("accounts") == SCALE and dataset.table("accounts").overlay == {}


@pytest.mark.parametrize(
    "body",
    [
        {"fraction": 0.1},
        {"seed": "1"},
        {"seed": 1, "fraction": 2},
        {"seed": 1, "fraction": 0},
        {"seed": 1, "colour": "red"},
        {"seed": 1, "now": "2030-01-01T00:00:00"},
        {"seed": 1, "now": "2020-01-01T00:00:00+00:00"},
        [1],
    ],
)
async def test_a_body_it_cannot_use_is_answered_400(sim: str, dataset: Dataset, body: Any) -> None:
    async with httpx.AsyncClient() as client:
        answer = await change(client, sim, body)
        broken = await client.post(
            sim + ADMIN_CHANGES_PATH, content=b"{", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    assert answer.status_code == 400 and set(answer.json()) == {"error"}
    assert broken.status_code == 400
    assert dataset.table("accounts").overlay == {}


async def count(client: httpx.AsyncClient, url: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return await client.post(url + GRAPHQL_PATH, json={"query": COUNT}, headers=headers)


async def test_the_endpoint_does_not_count_against_the_rate_limit(dataset: Dataset) -> None:
    config = SonarSimConfig(token=TOKEN, rate_limit=2)
    async with serve(build_app(config, dataset=dataset)) as url, httpx.AsyncClient() as client:
        answers = [await change(client, url, {"seed": seed}) for seed in range(4)]
        counted = [await count(client, url) for _ in range(3)]
    assert [a.status_code for a in answers] == [200] * 4
    assert [a.status_code for a in counted] == [200, 200, 429]  # the window is the API's


async def test_the_endpoint_is_never_faulted(dataset: Dataset) -> None:
    config = SonarSimConfig(
        token=TOKEN, rate_limit=0, fault_rate=1.0, fault_kinds=(FaultKind.SERVER_ERROR,)
    )
    async with serve(build_app(config, dataset=dataset)) as url, httpx.AsyncClient() as client:
        answers = [await change(client, url, {"seed": seed}) for seed in range(3)]
        faulted = await count(client, url)
    assert [a.status_code for a in answers] == [200] * 3
    assert faulted.status_code >= 500


async def test_a_batch_lands_between_graphql_requests_never_inside_one(
    sim: str, dataset: Dataset
) -> None:
    document = print_ast(nested_accounts_document().document)
    variables = keyset_variables("accounts", 0, None, 20, nested_page_size=20)
    totals: list[int] = []
    async with httpx.AsyncClient() as client:

        async def read() -> None:
            data = await graphql(client, sim, document, variables)
            totals.append(data["accounts"]["page_info"]["total_count"])

        async with anyio.create_task_group() as group:
            for index in range(12):
                group.start_soon(read)
                if index == 5:
                    group.start_soon(change, client, sim, {"seed": 2, "fraction": 0.1})
    assert set(totals) <= {SCALE, dataset.count("accounts")} and len(totals) == 12
