"""Search, order, paging and counting over real HTTP, encoded as PHP's http_build_query does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.php_query import DOCUMENTED_QUERY, http_build_query
from tests.support.splynx_records import internet_service, internet_tariff
from tests.support.splynx_searches import ADDITIONAL_FIELDS, SEARCHES, Made, Search, make_customers
from tests.support.splynx_sim import RunningSim, running

CUSTOMERS = "admin/customers/customer"


@pytest.fixture
async def populated() -> AsyncIterator[tuple[RunningSim, list[Made]]]:
    async with running(additional_fields=ADDITIONAL_FIELDS) as sim:
        yield sim, await make_customers(sim)


async def ids_for(sim: RunningSim, query: str) -> list[int]:
    answer = await sim.client.get(f"{CUSTOMERS}?{query}")
    assert answer.status_code == 200, answer.text
    return [record["id"] for record in answer.json()]


async def test_the_documented_search_example(populated: tuple[RunningSim, list[Made]]) -> None:
    sim, made = populated
    wanted = [
        c.id
        for c in made
        if "durden" in c.login.lower()
        and 1 <= c.partner_id <= 10
        and c.date_add == "2024-01-31"
        and c.sex in {"male", "female"}
    ]
    assert len(wanted) == 24  # the dataset's design: 24 match, 6 miss in one way each
    query = DOCUMENTED_QUERY
    assert await ids_for(sim, query) == sorted(wanted, reverse=True)[20:30]
    head = await sim.client.head(f"{CUSTOMERS}?{query}")
    assert head.status_code == 204
    assert head.headers["X-total-count"] == "24"
    assert head.headers["Access-Control-Expose-Headers"] == "X-total-count"


@pytest.mark.parametrize("search", SEARCHES, ids=lambda s: s.name)
async def test_each_operator(populated: tuple[RunningSim, list[Made]], search: Search) -> None:
    sim, made = populated
    wanted = [c.id for c in made if search.matches(c)]
    assert wanted, "a search that matches nothing proves nothing"
    assert len(wanted) < len(made) or search.name == "<"
    assert await ids_for(sim, search.query()) == wanted


async def test_order_limit_offset_page_without_gaps(
    populated: tuple[RunningSim, list[Made]],
) -> None:
    sim, made = populated
    pages = []
    for offset in range(0, 40, 7):
        query = http_build_query(
            {"order": {"status": "ASC", "name": "DESC"}, "limit": 7, "offset": offset}
        )
        pages.extend(await ids_for(sim, query))
    rank = {"new": 0, "active": 1, "blocked": 2, "disabled": 3}  # MySQL sorts an enum by index
    expected = sorted(made, key=lambda c: c.name, reverse=True)
    expected.sort(key=lambda c: rank[c.status])
    assert pages == [c.id for c in expected]
    everyone = await ids_for(sim, "")
    assert everyone == [c.id for c in made] and len(everyone) == 30


async def test_unsearchable_and_unreadable_searches(
    populated: tuple[RunningSim, list[Made]],
) -> None:
    sim, _ = populated
    unknown = await sim.client.get(
        f"{CUSTOMERS}?{http_build_query({'main_attributes': {'nope': 1}})}"
    )
    secret = await sim.client.get(
        f"{CUSTOMERS}?{http_build_query({'main_attributes': {'password': 'x'}})}"
    )
    regexp = await sim.client.get(
        f"{CUSTOMERS}?{http_build_query({'main_attributes': {'login': ['REGEXP', '(']}})}"
    )
    json_string = await sim.client.get(CUSTOMERS, params={"main_attributes": '{"login":"marla"}'})
    for answer in (unknown, secret, regexp):
        assert answer.status_code == 400
        assert answer.json()["error"]["internal_code"] == "BAD_REQUEST"
    assert json_string.status_code == 500  # what the live server answered (reference §2.4)
    assert json_string.json()["error"]["internal_code"] == "SERVER_ERROR"


async def test_services_are_searched_across_customers_through_customer_zero() -> None:
    async with running() as sim:
        tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre 100"))
        other = await sim.create("admin/tariffs/internet", internet_tariff("Fibre 200"))
        owners = [await sim.customer(f"Owner {n}") for n in range(3)]
        ids = [
            await sim.create(
                f"admin/customers/customer/{owner}/internet-services",
                internet_service(f"login{n}", tariff if n != 1 else other),
            )
            for n, owner in enumerate(owners)
        ]
        search = http_build_query({"main_attributes": {"tariff_id": tariff}})
        found = await sim.client.get(f"admin/customers/customer/0/internet-services?{search}")
        of_one = await sim.client.get(f"admin/customers/customer/{owners[1]}/internet-services")
        unbounded = await sim.client.get("admin/customers/customer/0/internet-services")
    assert [s["id"] for s in found.json()] == [ids[0], ids[2]]
    assert [s["id"] for s in of_one.json()] == [ids[1]]
    assert unbounded.status_code == 400
