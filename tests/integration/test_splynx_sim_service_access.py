"""An internet service's login, MACs and addresses, checked as a real Splynx would, over HTTP.

Blueprint ``Customer Internet service Base`` (L3934-L3955) and splynx_docs_facts.md
("Services and network access"): static IPs come from IPAM networks that exist
first, an assigned IP is locked, logins are unique. Each refusal is a 422 naming
the field; the simulator's own choices are the ASSUMPTIONs of ``service_access``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.splynx_db import named_database
from tests.support.splynx_records import internet_service, internet_tariff
from tests.support.splynx_sim import RunningSim, running

IPV4 = "admin/networking/ipv4"
IPV4_IP = "admin/networking/ipv4-ip"


@dataclass
class Isp:
    """A simulator holding a customer, a tariff, a static, a pool and an IPv6 network."""

    sim: RunningSim
    customer: int
    tariff: int
    static: int
    pool: int
    ipv6: int

    def services(self, customer: int | None = None) -> str:
        return f"admin/customers/customer/{customer or self.customer}/internet-services"

    def body(self, login: str = "ann", **fields: Any) -> dict[str, Any]:
        return {**internet_service(login, self.tariff), **fields}

    async def create(self, body: dict[str, Any], customer: int | None = None) -> int:
        return await self.sim.create(self.services(customer), body)

    async def refused(self, body: dict[str, Any], customer: int | None = None) -> dict[str, str]:
        answer = await self.sim.client.post(self.services(customer), json=body)
        assert answer.status_code == 422, answer.text
        return {p["field"]: p["message"] for p in answer.json()}

    async def ip_row(self, address: str) -> dict[str, Any]:
        query = {"main_attributes[ipv4_networks_id]": self.static, "main_attributes[ip]": address}
        [row] = (await self.sim.client.get(IPV4_IP, params=query)).json()
        return dict(row)


async def _isp(sim: RunningSim) -> Isp:
    customer = await sim.customer("Ann", status="active")
    tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
    common = {"location_id": 1, "network_category": 1}
    static = await sim.create(IPV4, {"network": "100.64.0.0", "mask": 29, "title": "Static",
                                     "type_of_usage": "static", **common})  # fmt: skip
    pool = await sim.create(IPV4, {"network": "100.65.0.0", "mask": 24, "title": "Pool",
                                   "type_of_usage": "pool", **common})  # fmt: skip
    v6 = {"network": "2001:db8::", "prefix": 40, "title": "V6", **common}
    ipv6 = await sim.create("admin/networking/ipv6", v6)
    return Isp(sim, customer, tariff, static, pool, ipv6)


@pytest.fixture
async def isp() -> AsyncIterator[Isp]:
    async with running() as sim:
        yield await _isp(sim)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"taking_ipv4": 1}, "ipv4", "IPv4 cannot be blank."),
        ({"taking_ipv4": 1, "ipv4": ""}, "ipv4", "IPv4 cannot be blank."),
        ({"taking_ipv4": 1, "ipv4": "100.64.0.300"}, "ipv4", "IPv4 must be a valid IPv4 address."),
        ({"taking_ipv4": 0, "ipv4": "2001:db8::1"}, "ipv4", "IPv4 must be a valid IPv4 address."),
        ({"taking_ipv4": 1, "ipv4": "100.64.1.1"}, "ipv4",
         "IPv4 100.64.1.1 is not inside any IPv4 end network."),
        ({"taking_ipv4": 1, "ipv4": "100.64.0.0"}, "ipv4",
         "IPv4 100.64.0.0 is the network or broadcast address of 100.64.0.0/29."),
        ({"taking_ipv4": 1, "ipv4": "100.64.0.7"}, "ipv4",
         "IPv4 100.64.0.7 is the network or broadcast address of 100.64.0.0/29."),
        ({"taking_ipv4": 3}, "taking_ipv4", "Taking IPv4 is invalid."),
        ({"taking_ipv4": 2}, "ipv4_pool_id", "IPv4 pool cannot be blank."),
        ({"taking_ipv4": 2, "ipv4_pool_id": 999}, "ipv4_pool_id", "IPv4 pool is invalid."),
        ({"ipv4_route": "100.70.0.1/24"}, "ipv4_route",
         "IPv4 route must be IPv4 addresses or networks separated by commas."),
        ({"ipv6": "2001:db8::zz"}, "ipv6", "IPv6 must be an IPv6 address or network."),
        ({"ipv6": "100.64.0.1"}, "ipv6", "IPv6 must be an IPv6 address or network."),
        ({"ipv6_delegated": "2001:db8::1/56"}, "ipv6_delegated",
         "IPv6 delegated must be an IPv6 address or network."),
        ({"taking_ipv6": 1}, "ipv6", "IPv6 cannot be blank."),
        ({"taking_ipv6": 2}, "ipv6_pool_id", "IPv6 pool cannot be blank."),
        ({"taking_ipv6": 2, "ipv6_pool_id": 999}, "ipv6_pool_id", "IPv6 pool is invalid."),
        ({"mac": "00:11:22:33:44"}, "mac", "MAC(s) must be MAC addresses separated by commas."),
        ({"mac": "00:11:22:33:44:GG"}, "mac", "MAC(s) must be MAC addresses separated by commas."),
        ({"mac": "00:11:22-33:44:55"}, "mac", "MAC(s) must be MAC addresses separated by commas."),
        ({"mac": "0011.2233.4455"}, "mac", "MAC(s) must be MAC addresses separated by commas."),
        ({"mac": "00:11:22:33:44:55,"}, "mac", "MAC(s) must be MAC addresses separated by commas."),
        ({"router_id": 3}, "router_id", "Router is invalid."),
        ({"login": "jürgen"}, "login",
         "Login may contain only printable ASCII without spaces, quotes or backslashes."),
        ({"login": "ann smith"}, "login",
         "Login may contain only printable ASCII without spaces, quotes or backslashes."),
        ({"login": 'ann"1'}, "login",
         "Login may contain only printable ASCII without spaces, quotes or backslashes."),
        ({"login": "a" * 129}, "login", "Login should contain at most 128 characters."),
        ({"login": ""}, "login", "Login cannot be blank."),
    ],
)  # fmt: skip
async def test_each_refusal_names_its_field(
    isp: Isp, fields: dict[str, Any], field: str, message: str
) -> None:
    assert await isp.refused(isp.body(**fields)) == {field: message}
    assert await isp.sim.store.rows("services_internet") == []


@pytest.mark.parametrize(
    "fields",
    [
        {"taking_ipv4": 1, "ipv4": "100.64.0.1", "ipv4_route": "100.70.0.0/29,100.70.1.1"},
        {"taking_ipv4": 0, "ipv4": "100.99.0.1"},  # no static IP taken: not checked against IPAM
        {"taking_ipv4": 2, "ipv4_pool_id": 2},
        {"mac": "00:11:22:33:44:55"},
        {"mac": "aa-bb-cc-dd-ee-ff, 00:1A:2b:3C:4d:5E"},
        {"ipv6": "2001:db8:0:a::/64", "ipv6_delegated": "2001:db8:1::/56", "taking_ipv6": 1},
        {"ipv6": "2001:db8::5", "taking_ipv6": 2, "ipv6_pool_id": 1},
        {"login": "ann@isp.example", "password": "pa$$ wörd"},
        {"login": "ann.smith_1-2+3:4"},
        {"router_id": 0},
    ],
)
async def test_what_splynx_takes(isp: Isp, fields: dict[str, Any]) -> None:
    service = await isp.create(isp.body(**fields))
    record = (await isp.sim.client.get(f"{isp.services()}--{service}")).json()
    assert {k: record[k] for k in fields} == fields


async def test_a_static_ip_used_by_another_customer_is_refused(isp: Isp) -> None:
    bob = await isp.sim.customer("Bob", status="active")
    row = await isp.ip_row("100.64.0.2")
    mark = {"customer_id": bob, "is_used": 1, "title": "Bob's router"}
    put = await isp.sim.client.put(f"{IPV4_IP}/{isp.static}--{row['id']}", json=mark)
    assert put.status_code == 202
    static = {"taking_ipv4": 1, "ipv4": "100.64.0.2"}
    assert await isp.refused(isp.body(**static)) == {
        "ipv4": f"IPv4 100.64.0.2 is already used by customer {bob} (IPAM)."
    }
    assert await isp.create(isp.body("bob", **static), customer=bob) > 0  # its owner may
    management = await isp.ip_row("100.64.0.3")
    used = {"customer_id": 0, "is_used": 1, "title": "Gateway"}
    await isp.sim.client.put(f"{IPV4_IP}/{isp.static}--{management['id']}", json=used)
    assert await isp.refused(isp.body(taking_ipv4=1, ipv4="100.64.0.3")) == {
        "ipv4": "IPv4 100.64.0.3 is already used by another use (IPAM)."
    }


async def test_an_ip_is_unique_among_active_services(isp: Isp) -> None:
    static = {"taking_ipv4": 1, "ipv4": "100.64.0.1"}
    first = await isp.create(isp.body("ann-1", **static))
    taken = f"IPv4 100.64.0.1 is already used by internet service {first}."
    assert await isp.refused(isp.body("ann-2", **static)) == {"ipv4": taken}
    stopped = await isp.create(isp.body("ann-2", status="stopped", **static))
    path = f"{isp.services()}--{stopped}"
    start = await isp.sim.client.put(path, json={"status": "active"})
    assert start.status_code == 422 and start.json() == [{"field": "ipv4", "message": taken}]
    assert (await isp.sim.client.put(f"{isp.services()}--{first}", json={"status": "disabled"})
            ).status_code == 202  # fmt: skip
    assert (await isp.sim.client.put(path, json={"status": "active"})).status_code == 202
    again = await isp.sim.client.put(path, json={"description": "Kept", **static})
    assert again.status_code == 202  # its own address is not a clash with itself


async def test_a_static_ip_must_be_in_a_static_end_network(isp: Isp) -> None:
    pool = {"taking_ipv4": 1, "ipv4": "100.65.0.9"}
    assert await isp.refused(isp.body(**pool)) == {
        "ipv4": f'IPv4 100.65.0.9 is in network 100.65.0.0/24 "Pool" (id {isp.pool}),'
        " of usage pool."
    }
    root = {"network": "100.80.0.0", "mask": 16, "title": "Root", "network_type": "rootnet"}
    await isp.sim.create(IPV4, root)
    assert await isp.refused(isp.body(taking_ipv4=1, ipv4="100.80.0.9")) == {
        "ipv4": "IPv4 100.80.0.9 is not inside any IPv4 end network."
    }
    assert await isp.refused(isp.body(taking_ipv4=2, ipv4_pool_id=isp.static)) == {
        "ipv4_pool_id": "IPv4 pool is invalid."  # a static network is no pool
    }
    wide = {"network": "100.90.0.0", "mask": 30, "title": "Wide", "type_of_usage": "static",
            "allow_use_network_and_broadcast": 1}  # fmt: skip
    await isp.sim.create(IPV4, wide)
    assert await isp.create(isp.body(taking_ipv4=1, ipv4="100.90.0.0")) > 0


async def test_logins_are_unique_among_live_services(isp: Isp) -> None:
    first = await isp.create(isp.body("ann"))
    assert await isp.refused(isp.body("ann", status="stopped")) == {
        "login": 'Login "ann" has already been taken.'
    }
    assert (await isp.sim.client.delete(f"{isp.services()}--{first}")).status_code == 204
    assert await isp.create(isp.body("ann")) > first  # free again once deleted


async def test_the_password_is_kept_and_never_echoed_or_logged(
    isp: Isp, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Sup3r-Secret!"
    caplog.set_level(logging.DEBUG)
    bad = isp.body("ann", password=secret, mac="nope", taking_ipv4=1)
    answer = await isp.sim.client.post(isp.services(), json=bad)
    assert answer.status_code == 422 and secret not in answer.text
    long = await isp.sim.client.post(isp.services(), json=isp.body(password=secret * 20))
    assert long.status_code == 422 and secret not in long.text
    assert long.json() == [{"field": "password", "message": "Password should contain at most "
                                                            "128 characters."}]  # fmt: skip
    made = await isp.create(isp.body("ann", password=secret))
    record = (await isp.sim.client.get(f"{isp.services()}--{made}")).json()
    assert record["password"] == secret  # RADIUS needs it; the API answers it as Splynx does
    assert secret not in caplog.text


@pytest.mark.mariadb
async def test_the_rules_hold_on_mariadb(mariadb: dict[str, Any]) -> None:
    with named_database(mariadb, prefix="migrator_access") as (dsn, _):
        async with running(db_dsn=dsn) as sim:
            isp = await _isp(sim)
            static = {"taking_ipv4": 1, "ipv4": "100.64.0.1"}
            made = await isp.create(isp.body("ann", mac="00:11:22:33:44:55", **static))
            assert await isp.refused(isp.body("ann-2", **static)) == {
                "ipv4": f"IPv4 100.64.0.1 is already used by internet service {made}."
            }
            assert set(await isp.refused(isp.body("ann-3", taking_ipv4=1, ipv4="1.2.3.4"))) == {
                "ipv4"
            }
            assert set(await isp.refused(isp.body("ann-4", router_id=1))) == {"router_id"}
            [row] = [r for r in await sim.store.rows("services_internet") if r["id"] == made]
            assert (row["ipv4"], row["mac"], row["taking_ipv4"]) == (
                "100.64.0.1",
                "00:11:22:33:44:55",
                1,
            )
