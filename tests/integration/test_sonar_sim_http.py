"""The Sonar simulator over real HTTP on 127.0.0.1: auth, rate limit, GraphQL over HTTP, faults."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from migrator.sim.faults import FaultKind
from migrator.sim.harness import serve
from migrator.sim.sonar.app import GRAPHQL_PATH, SonarSimConfig, build_app, dataset_of
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.table import Dataset

TOKEN, OTHER = "test-token-1", "test-token-2"
COUNT = "query Count { accounts(include_archived: true) { page_info { total_count } } }"


@pytest.fixture(scope="module")
def shared() -> Dataset:
    return generate_dataset(60, seed=4)


async def post(
    client: httpx.AsyncClient, url: str, body: Any, token: str | None = TOKEN, **kwargs: Any
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return await client.post(url + GRAPHQL_PATH, json=body, headers=headers, **kwargs)


@pytest.fixture
async def sim(shared: Dataset) -> AsyncIterator[str]:
    config = SonarSimConfig(token=TOKEN, extra_tokens=(OTHER,), rate_limit=5)
    async with serve(build_app(config, dataset=shared)) as url:
        yield url


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer", f"bearer{TOKEN}"],
)
async def test_requests_without_a_known_bearer_token_are_refused(
    sim: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with httpx.AsyncClient() as client:
        answer = await client.post(sim + GRAPHQL_PATH, json={"query": COUNT}, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "Unauthenticated."}


async def test_the_rate_limit_answers_429_per_token(sim: str, shared: Dataset) -> None:
    async with httpx.AsyncClient() as client:
        answers = [await post(client, sim, {"query": COUNT}) for _ in range(6)]
        other = await post(client, sim, {"query": COUNT}, token=OTHER)
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[-1].json() == {"error": "Request limit of 5/min reached."}
    assert answers[0].json() == {
        "data": {"accounts": {"page_info": {"total_count": shared.count("accounts")}}}
    }
    assert other.status_code == 200  # its own window


async def test_graphql_over_http_with_variables_fragments_and_operation_names(
    shared: Dataset,
) -> None:
    document = """
    query First($n: Int!) {
      accounts(include_archived: true, paginator: {page: 1, records_per_page: $n})
      { entities { ...Named } } }
    query Other { companies { entities { name } } }
    fragment Named on Account { id name }"""
    app = build_app(SonarSimConfig(token=TOKEN, rate_limit=0), dataset=shared)
    async with serve(app) as url, httpx.AsyncClient() as client:
        first = await post(
            client, url, {"query": document, "variables": {"n": 3}, "operationName": "First"}
        )
        other = await post(client, url, {"query": document, "operationName": "Other"})
        ambiguous = await post(client, url, {"query": document})
    expected = [{"id": r["id"], "name": r["name"]} for r in list(shared.records("accounts"))[:3]]
    assert first.status_code == 200 and first.json() == {
        "data": {"accounts": {"entities": expected}}
    }
    assert other.json()["data"]["companies"]["entities"][0]["name"]
    assert (
        ambiguous.status_code == 200
        and "operation name" in ambiguous.json()["errors"][0]["message"]
    )


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"query": "{ accounts { entities { nope } } }"}, 200, "Cannot query field 'nope'"),
        ({"query": "{ accounts { entities { id } "}, 200, "Syntax Error"),
        ({"query": "query($n: Int!) { accounts(paginator: {page: 1, records_per_page: $n}) "
                   "{ entities { id } } }"}, 200, "$n"),
        ({"variables": {}}, 400, "'query'"),
        ({"query": COUNT, "variables": [1]}, 400, "'variables'"),
        ([COUNT], 400, "JSON object"),
    ],
)  # fmt: skip
async def test_bad_requests_are_answered_with_errors_not_tracebacks(
    shared: Dataset, body: Any, status: int, words: str
) -> None:
    app = build_app(SonarSimConfig(token=TOKEN, rate_limit=0), dataset=shared)
    async with serve(app) as url, httpx.AsyncClient() as client:
        answer = await post(client, url, body)
        not_json = await client.post(
            url + GRAPHQL_PATH, content=b"{nope", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        wrong_method = await client.get(
            url + GRAPHQL_PATH, headers={"Authorization": f"Bearer {TOKEN}"}
        )
    assert answer.status_code == status
    assert words in answer.json()["errors"][0]["message"]
    assert (
        not_json.status_code == 400 and "not valid JSON" in not_json.json()["errors"][0]["message"]
    )
    assert wrong_method.status_code == 405


async def test_a_partitioned_keyset_walk_returns_every_account_once(shared: Dataset) -> None:
    query = """query Page($after: Int64Bit!, $upto: Int64Bit!) {
      accounts(include_archived: true, sorter: [{attribute: "id", direction: ASC}],
               paginator: {page: 1, records_per_page: 7},
               search: [{integer_fields: [{attribute: "id", operator: GT, search_value: $after},
                                          {attribute: "id", operator: LTE, search_value: $upto}]}])
      { entities { id } } }"""
    config = SonarSimConfig(token=TOKEN, rate_limit=0, max_page_size=10)
    seen: list[str] = []
    async with serve(build_app(config, dataset=shared)) as url, httpx.AsyncClient() as client:
        for low, high in ((0, 20), (20, 45), (45, 10**6)):
            after = low
            while True:
                answer = await post(
                    client, url, {"query": query, "variables": {"after": after, "upto": high}}
                )
                page = [e["id"] for e in answer.json()["data"]["accounts"]["entities"]]
                if not page:
                    break
                seen += page
                after = int(page[-1])
    assert seen == [r["id"] for r in shared.records("accounts")]


async def test_injected_faults_fail_in_sonars_shape(shared: Dataset) -> None:
    config = SonarSimConfig(
        token=TOKEN, rate_limit=0, fault_rate=1.0, fault_kinds=(FaultKind.SERVER_ERROR,), seed=9
    )
    app = build_app(config, dataset=shared)
    assert dataset_of(app) is shared
    async with serve(app) as url, httpx.AsyncClient() as client:
        answers = [await post(client, url, {"query": COUNT}) for _ in range(12)]
    assert {a.status_code for a in answers} <= {500, 502, 503}
    for answer in answers:
        if answer.status_code == 500:
            assert answer.json() == {"message": "Server Error"}
        else:
            assert "text/html" in answer.headers["content-type"]


async def test_by_default_a_page_of_a_million_is_served_whole(shared: Dataset) -> None:
    """A public client asks for 1,000,000 records per page; the default clamp must not cut
    it (Sonar documents no cap), while --max-page-size still clamps, visibly."""
    query = """query All($size: Int!) { debits(paginator: {page: 1, records_per_page: $size}) {
      entities { id } page_info { records_per_page total_count total_pages } } }"""
    body = {"query": query, "variables": {"size": 1_000_000}}
    debits = shared.count("debits")
    assert debits > 100
    answers = []
    for config in (SonarSimConfig(token=TOKEN), SonarSimConfig(token=TOKEN, max_page_size=100)):
        async with serve(build_app(config, dataset=shared)) as url, httpx.AsyncClient() as client:
            answers.append((await post(client, url, body)).json()["data"]["debits"])
    whole, clamped = answers
    assert len(whole["entities"]) == debits
    assert whole["page_info"] == {
        "records_per_page": 1_000_000,
        "total_count": debits,
        "total_pages": 1,
    }
    assert len(clamped["entities"]) == 100 and clamped["page_info"]["records_per_page"] == 100
