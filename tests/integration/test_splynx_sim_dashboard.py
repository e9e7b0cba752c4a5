"""Endpoints a dashboard client reads first, on both stores, as the blueprint and the live
answers say: sessions online and their statistics, payment statements, refill cards, and
the modules the live instance had switched off."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.php_query import http_build_query
from tests.support.splynx_records import internet_service, internet_tariff
from tests.support.splynx_sim import RunningSim, running, running_on

CUSTOMERS = "admin/customers/customer"
ONLINE = "admin/customers/customers-online"
STATISTICS = "admin/customers/customer-statistics"
STATEMENTS = "admin/finance/bank-statements"
REFILL = "admin/finance/refill-cards"


@pytest.fixture(params=["memory", pytest.param("mariadb", marks=pytest.mark.mariadb)])
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[RunningSim]:
    async with running_on(request, request.param, "migrator_dashboard") as started:
        yield started


def code(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["internal_code"]


def packed(address: str) -> str:
    """Blueprint L248-L262: ``main_attributes[ipv4] = inet_pton(...)``, PHP-encoded."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return http_build_query({"main_attributes": {"ipv4": socket.inet_pton(family, address)}})


async def online_customer(sim: RunningSim) -> tuple[int, int]:
    customer = await sim.customer("Online Ann")
    tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
    service = await sim.create(
        f"{CUSTOMERS}/{customer}/internet-services", internet_service("ann-pppoe", tariff)
    )
    return customer, service


async def test_customers_online_as_the_blueprint_lists_them(sim: RunningSim) -> None:
    # blueprint L2139-L2200; reference §2.3: POST {} was 422 live
    empty = await sim.client.post(ONLINE, json={})
    assert empty.status_code == 422
    assert [p["field"] for p in empty.json()] == ["customer_id"]
    customer, service = await online_customer(sim)
    session = {"customer_id": customer, "service_id": service, "login": "ann-pppoe",
               "ipv4": "172.16.2.254", "in_bytes": 100125, "type": "mikrotik_api"}  # fmt: skip
    made = await sim.create(ONLINE, session)
    [record] = (await sim.client.get(ONLINE)).json()
    assert record["id"] == made and record["ipv4"] == "172.16.2.254"
    assert record["services_internet_login"] == "ann-pppoe"
    assert record["services_internet_description"] == "Internet"
    assert {"kill", "fup", "signal"} <= set(record)
    found = await sim.client.get(f"{ONLINE}?{packed('172.16.2.254')}")
    missed = await sim.client.get(f"{ONLINE}?{packed('10.0.0.1')}")
    assert [r["id"] for r in found.json()] == [made] and missed.json() == []
    put = await sim.client.put(f"{ONLINE}/{made}", json={"in_bytes": 106325, "out_bytes": 3314247})
    assert put.status_code == 202
    assert (await sim.client.get(f"{ONLINE}/{made}")).json()["out_bytes"] == 3314247
    kill = await sim.client.put(f"{ONLINE}/{customer}--kill", json={"service_id": service})
    assert kill.status_code == 202
    assert (await sim.client.get(ONLINE)).json() == []
    again = await sim.client.put(f"{ONLINE}/{customer}--kill", json={"service_id": service})
    assert code(again) == (404, "NOT_FOUND")
    second = await sim.create(ONLINE, {"customer_id": customer})
    assert (await sim.client.delete(f"{ONLINE}/{second}")).status_code == 204


async def test_customer_statistics_are_read_only_and_listed_per_customer(sim: RunningSim) -> None:
    # blueprint L2041-L2058 (GET, GET /{id} -> array); reference §2.3: POST {} was 404 live
    posted = await sim.client.post(STATISTICS, json={})
    assert code(posted) == (404, "NOT_FOUND")
    assert (await sim.client.get(STATISTICS)).json() == []
    customer, service = await online_customer(sim)
    other = await sim.customer("Someone Else")
    async with sim.store.session(write=True) as session:  # what RADIUS accounting writes
        sessions = ((customer, "10.0.0.7"), (customer, "10.0.0.8"), (other, "10.1.0.1"))
        for owner, address in sessions:
            row = {"customer_id": owner, "service_id": service, "ipv4": address, "in_bytes": 5000,
                   "start_date": "2024-01-31", "start_time": "10:00:00"}  # fmt: skip
            await session.insert("customers_statistics", row)
    listing = (await sim.client.get(STATISTICS)).json()
    assert len(listing) == 3 and listing[0]["start_date"] == "2024-01-31"
    mine = await sim.client.get(f"{STATISTICS}/{customer}")
    assert [r["ipv4"] for r in mine.json()] == ["10.0.0.7", "10.0.0.8"]
    by_address = await sim.client.get(f"{STATISTICS}?{packed('10.1.0.1')}")
    assert [r["customer_id"] for r in by_address.json()] == [other]
    counted = await sim.client.head(f"{STATISTICS}/{customer}")
    assert counted.headers["X-total-count"] == "2"
    assert (await sim.client.get(f"{STATISTICS}/9999")).json() == []
    assert code(await sim.client.put(f"{STATISTICS}/1", json={})) == (404, "NOT_FOUND")


async def test_payment_statements_take_an_empty_body(sim: RunningSim) -> None:
    # reference §2.3: bank-statements accepted POST {} with 201; blueprint L4683: GET /{id}
    # answers an array
    made = await sim.client.post(STATEMENTS, json={})
    assert made.status_code == 201
    ident = made.json()["id"]
    [record] = (await sim.client.get(f"{STATEMENTS}/{ident}")).json()
    assert record["id"] == ident and record["status"] == "new"
    titled = await sim.create(STATEMENTS, {"title": "filename.csv", "make_preview": "1"})
    assert (
        await sim.client.put(f"{STATEMENTS}/{titled}", json={"title": "New"})
    ).status_code == 202
    assert [r["title"] for r in (await sim.client.get(STATEMENTS)).json()] == ["", "New"]


async def test_refill_cards_read_as_the_live_server_answered(sim: RunningSim) -> None:
    # reference §2.1/§2.2/§2.3: GET 405 METHOD_DISABLED (88 bytes), HEAD 204, POST {} 422,
    # PUT/DELETE without an id 400 (97 bytes); blueprint L4784-L4830: POST, PUT, DELETE
    listing = await sim.client.get(REFILL)
    assert listing.content == (
        b'{"error":{"message":"Method is disabled!","code":405,"internal_code":"METHOD_DISABLED"}}'
    )
    counted = await sim.client.head(REFILL)
    assert counted.status_code == 204 and counted.headers["X-total-count"] == "0"
    options = (await sim.client.options(REFILL)).json()
    assert options["additional_attributes"] == []
    assert {a["name"] for a in options["attributes"] if a["required"]} == {"prefix", "quantity"}
    empty = await sim.client.post(REFILL, json={})
    assert empty.status_code == 422
    assert {p["field"] for p in empty.json()} == {"prefix", "quantity"}
    for verb in ("PUT", "DELETE"):
        answer = await sim.client.request(verb, REFILL)
        assert code(answer) == (400, "BAD_REQUEST") and len(answer.content) == 97
    card = {"prefix": "SPL", "serie": "201701", "code": "SOMEranDomUnIQUEcode",
            "valid_till": "2019-12-01", "price": 10, "quantity": 1}  # fmt: skip
    made = await sim.create(REFILL, card)
    assert code(await sim.client.get(f"{REFILL}/{made}")) == (405, "METHOD_DISABLED")
    changed = await sim.client.put(f"{REFILL}/{made}", json={"valid_till": "2020-12-01"})
    assert changed.status_code == 202
    assert (await sim.client.head(REFILL)).headers["X-total-count"] == "1"
    assert (await sim.client.delete(f"{REFILL}/{made}")).status_code == 204


@pytest.mark.parametrize("path", ["admin/networking/cpe", "admin/fup/capped-data/3"])
@pytest.mark.parametrize("verb", ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"])
async def test_switched_off_modules_answer_method_disabled(path: str, verb: str) -> None:
    # reference §2.1: every verb on cpe, cpe-ap, cpe-qos, cap-tariff, capped-data -> 405,
    # 88 bytes (HEAD: no body)
    async with running() as sim:
        answer = await sim.client.request(verb, path)
    assert answer.status_code == 405
    if verb == "HEAD":
        assert answer.content == b""
    else:
        assert code(answer) == (405, "METHOD_DISABLED") and len(answer.content) == 88


async def test_every_tariff_type_lists_and_a_voice_tariff_is_made(sim: RunningSim) -> None:
    # blueprint L751-L976: internet, voice, recurring, one-time tariffs; L1341 Voice tariff
    # Base; a dashboard lists each type first
    for kind in ("internet", "voice", "recurring", "one-time"):
        listing = await sim.client.get(f"admin/tariffs/{kind}")
        assert (listing.status_code, listing.json()) == (200, []), kind
    voice = await sim.create("admin/tariffs/voice", {"title": "Phone", "partners_ids": [1]})
    record = (await sim.client.get(f"admin/tariffs/voice/{voice}")).json()
    assert (record["type"], record["service_name"], record["custom_period"]) == ("voip", "Phone", 0)
    assert record["partners_ids"] == [1] and record["services"] == 0
    taken = await sim.client.post(
        "admin/tariffs/voice", json={"title": "Phone", "partners_ids": [1]}
    )
    assert taken.status_code == 422
    assert (await sim.client.delete(f"admin/tariffs/voice/{voice}")).status_code == 204
