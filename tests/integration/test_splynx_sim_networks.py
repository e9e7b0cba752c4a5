"""IP address management over real HTTP, on both stores: IPv4 / IPv6 networks and their IPs.

Blueprint L6032-L6230 (paths, verbs, fields), reference §10 (live OPTIONS, the
400 for a network that does not exist), splynx_docs_facts.md (end networks
hold the IPs; an assigned IP is locked). The simulator's own choices are the
ASSUMPTIONs documented in ``behaviours_networks`` and ``behaviours_ip_rows``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.php_query import http_build_query
from tests.support.splynx_sim import RunningSim, running, running_on

IPV4 = "admin/networking/ipv4"
IPV4_IP = "admin/networking/ipv4-ip"
IPV6 = "admin/networking/ipv6"
IPV6_IP = "admin/networking/ipv6-ip"


@pytest.fixture(params=["memory", pytest.param("mariadb", marks=pytest.mark.mariadb)])
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[RunningSim]:
    async with running_on(request, request.param, "migrator_ipam") as started:
        yield started


def network(address: str, mask: int, **fields: Any) -> dict[str, Any]:
    body = {"network": address, "mask": mask, "title": f"Net {address}/{mask}",
            "location_id": 1, "network_category": 1, "type_of_usage": "static"}  # fmt: skip
    return {**body, **fields}


async def refusal(sim: RunningSim, verb: str, path: str, body: dict[str, Any]) -> dict[str, str]:
    """The one 422 problem the request gets, as ``{field: message}``."""
    answer = await sim.client.request(verb, path, json=body)
    assert answer.status_code == 422, answer.text
    return {p["field"]: p["message"] for p in answer.json()}


async def ips(sim: RunningSim, net: int) -> list[dict[str, Any]]:
    answer = await sim.client.get(f"{IPV4_IP}/{net}")
    assert answer.status_code == 200, answer.text
    return list(answer.json())


async def test_an_end_network_holds_one_ip_per_host(sim: RunningSim) -> None:
    net = await sim.create(IPV4, network("10.0.0.0", 29, comment="first"))
    record = (await sim.client.get(f"{IPV4}/{net}")).json()
    assert {k: record[k] for k in ("id", "network", "mask", "title", "comment", "location_id",
                                   "network_category", "network_type", "type_of_usage")} == {
        "id": net, "network": "10.0.0.0", "mask": 29, "title": "Net 10.0.0.0/29",
        "comment": "first", "location_id": 1, "network_category": 1, "network_type": "endnet",
        "type_of_usage": "static",
    }  # fmt: skip
    assert record["additional_attributes"] == {}  # live OPTIONS lists additional_attributes
    listed = await ips(sim, net)
    assert [r["ip"] for r in listed] == [f"10.0.0.{n}" for n in range(1, 7)]
    assert {(r["ipv4_networks_id"], r["is_used"], r["customer_id"], r["location_id"])
            for r in listed} == {(net, 0, 0, 1)}  # fmt: skip
    assert len(await sim.store.rows("ipv4_networks_ip")) == 6
    head = await sim.client.head(f"{IPV4_IP}/{net}")
    assert (head.status_code, head.headers["X-total-count"]) == (204, "6")


@pytest.mark.parametrize(
    ("mask", "fields", "expected"),
    [
        (30, {"allow_use_network_and_broadcast": True}, ["10.0.0.0", "10.0.0.1", "10.0.0.2",
                                                          "10.0.0.3"]),
        (31, {}, ["10.0.0.0", "10.0.0.1"]),
        (32, {}, ["10.0.0.0"]),
        (24, {"network_type": "rootnet"}, []),
        (30, {"needCreateIps": "0"}, []),
        (30, {"needCreateIps": "1"}, ["10.0.0.1", "10.0.0.2"]),
    ],
)  # fmt: skip
async def test_which_ips_a_network_holds(
    mask: int, fields: dict[str, Any], expected: list[str]
) -> None:
    async with running() as sim:
        net = await sim.create(IPV4, network("10.0.0.0", mask, **fields))
        assert [r["ip"] for r in await ips(sim, net)] == expected


async def test_a_slash_16_end_network_is_the_largest(sim: RunningSim) -> None:
    problems = await refusal(sim, "POST", IPV4, network("10.0.0.0", 15))
    assert problems == {
        "mask": "An end network may be at most a /16; make a larger one a root network."
    }
    net = await sim.create(IPV4, network("10.8.0.0", 16))
    count = await sim.client.head(IPV4_IP, params={"main_attributes[ipv4_networks_id]": net})
    assert count.headers["X-total-count"] == "65534"
    assert await sim.create(IPV4, network("10.0.0.0", 8, network_type="rootnet")) > net


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (network("10.0.0.5", 24), "network",
         "Network 10.0.0.5 is not the first address of a /24 (10.0.0.0/24 is)."),
        (network("10.0.0.256", 24), "network", "Network must be a valid IPv4 address."),
        (network("2001:db8::", 24), "network", "Network must be a valid IPv4 address."),
        (network("10.0.0.0", 33), "mask", "BM must be no greater than 32."),
        (network("10.0.0.0", 24, location_id=9), "location_id", "Location ID is invalid."),
        (network("10.0.0.0", 24, network_category=9), "network_category",
         "Network category is invalid."),
        (network("10.0.0.0", 24, network_type="subnet"), "network_type",
         "Network type is invalid."),
        (network("10.0.0.0", 24, type_of_usage="dhcp"), "type_of_usage",
         "Type of usage is invalid."),
        (network("10.0.0.0", 24, split_to="25"), "split_to",
         "Split_to: splitting and merging networks is not simulated."),
        ({"network": "10.0.0.0", "title": "No mask"}, "mask", "BM cannot be blank."),
    ],
)  # fmt: skip
async def test_a_network_is_refused_naming_the_field(
    body: dict[str, Any], field: str, message: str
) -> None:
    async with running() as sim:
        assert await refusal(sim, "POST", IPV4, body) == {field: message}
        assert await sim.store.rows("ipv4_networks") == []


async def test_networks_overlap_only_inside_a_root_network(sim: RunningSim) -> None:
    root = await sim.create(IPV4, network("10.0.0.0", 16, network_type="rootnet", title="Root"))
    end = await sim.create(IPV4, network("10.0.1.0", 24, title="End"))
    inner_root = await sim.create(IPV4, network("10.0.0.0", 20, network_type="rootnet"))
    other = await sim.create(IPV4, network("10.0.2.0", 24))
    assert await refusal(sim, "POST", IPV4, network("10.0.1.128", 25)) == {
        "network": f'Network 10.0.1.128/25 overlaps network 10.0.1.0/24 "End" (id {end}).'
    }
    assert set(await refusal(sim, "POST", IPV4, network("10.0.1.0", 24))) == {"network"}
    assert set(await refusal(sim, "POST", IPV4, network("10.0.0.0", 22))) == {"network"}
    listed = {r["id"]: r for r in (await sim.client.get(IPV4)).json()}
    # parent: the closest root network holding it; rootnet: the outermost (assumption)
    assert (listed[end]["parent"], listed[end]["rootnet"]) == (str(inner_root), str(root))
    assert (listed[root]["parent"], listed[root]["rootnet"]) == ("0", "0")
    assert listed[other]["used"] == "0"


async def test_a_network_keeps_its_block_and_changes_the_rest(sim: RunningSim) -> None:
    net = await sim.create(IPV4, network("10.0.0.0", 30))
    for change in ({"network": "10.0.1.0"}, {"mask": 29}, {"network_type": "rootnet"}):
        [field] = change
        assert await refusal(sim, "PUT", f"{IPV4}/{net}", change) == {
            field: f"{'BM' if field == 'mask' else field.replace('_', ' ').capitalize()}"
            " cannot be changed."
        }
    same = await sim.client.put(f"{IPV4}/{net}", json={"network": "10.0.0.0", "title": "Renamed",
                                                         "type_of_usage": "pool"})  # fmt: skip
    assert same.status_code == 202, same.text
    record = (await sim.client.get(f"{IPV4}/{net}")).json()
    assert (record["title"], record["type_of_usage"]) == ("Renamed", "pool")


async def test_deleting_a_network_takes_its_ips(sim: RunningSim) -> None:
    net = await sim.create(IPV4, network("10.0.0.0", 30))
    kept = await sim.create(IPV4, network("10.0.1.0", 30))
    assert (await sim.client.delete(f"{IPV4}/{net}")).status_code == 204
    assert (await sim.client.get(f"{IPV4}/{net}")).status_code == 404
    gone = await sim.client.get(f"{IPV4_IP}/{net}")
    assert gone.status_code == 400 and gone.json()["error"]["internal_code"] == "BAD_REQUEST"
    assert {r["ipv4_networks_id"] for r in await sim.store.rows("ipv4_networks_ip")} == {kept}
    assert await sim.create(IPV4, network("10.0.0.0", 30)) > kept  # its block is free again


async def test_ips_are_searched_across_networks_and_read_one_by_one(sim: RunningSim) -> None:
    first = await sim.create(IPV4, network("10.0.0.0", 29))
    second = await sim.create(IPV4, network("10.0.1.0", 29))
    query = http_build_query({"main_attributes": {"ipv4_networks_id": second, "ip": "10.0.1.3"}})
    [found] = (await sim.client.get(f"{IPV4_IP}?{query}")).json()
    assert (found["ip"], found["ipv4_networks_id"]) == ("10.0.1.3", second)
    one = await sim.client.get(f"{IPV4_IP}/{second}--{found['id']}")
    assert one.json() == found
    assert (await sim.client.get(f"{IPV4_IP}/{first}--{found['id']}")).status_code == 404
    free = http_build_query({"main_attributes": {"is_used": 0, "ipv4_networks_id": first}})
    assert len((await sim.client.get(f"{IPV4_IP}?{free}")).json()) == 6  # blueprint's example
    assert len((await sim.client.get(IPV4_IP, params={"limit": 3})).json()) == 3


async def test_there_is_no_post_or_delete_of_one_ip(sim: RunningSim) -> None:
    net = await sim.create(IPV4, network("10.0.0.0", 30))
    [first, _] = await ips(sim, net)
    for verb, path in (("POST", f"{IPV4_IP}/{net}"), ("POST", IPV4_IP),
                       ("DELETE", f"{IPV4_IP}/{net}--{first['id']}")):  # fmt: skip
        answer = await sim.client.request(verb, path, json={"ip": "10.0.0.1"})
        assert answer.status_code == 405, (verb, path, answer.text)
        assert answer.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert len(await sim.store.rows("ipv4_networks_ip")) == 2


async def test_an_assigned_ip_is_locked_to_its_customer(sim: RunningSim) -> None:
    ann, bob = await sim.customer("Ann"), await sim.customer("Bob")
    net = await sim.create(IPV4, network("10.0.0.0", 30))
    [ip, _] = await ips(sim, net)
    path = f"{IPV4_IP}/{net}--{ip['id']}"
    assign = {"title": "Used by Ann", "host_category": 1, "customer_id": ann, "is_used": 1}
    assert (await sim.client.put(path, json=assign)).status_code == 202  # blueprint's example
    again = await sim.client.put(path, json={**assign, "ip": "10.0.0.9", "ipv4_networks_id": 7})
    assert again.status_code == 202  # the same assignment again; ip and network are read-only
    record = (await sim.client.get(path)).json()
    assert {k: record[k] for k in ("ip", "ipv4_networks_id", "title", "customer_id", "is_used",
                                   "host_category")} == {
        "ip": "10.0.0.1", "ipv4_networks_id": net, "title": "Used by Ann", "customer_id": ann,
        "is_used": 1, "host_category": 1,
    }  # fmt: skip
    assert await refusal(sim, "PUT", path, {"customer_id": bob, "is_used": 1}) == {
        "customer_id": f"IP 10.0.0.1 is already used by customer {ann}."
    }
    assert (await sim.client.get(f"{IPV4}/{net}")).json()["used"] == "1"
    assert (await sim.client.put(path, json={"is_used": 0})).status_code == 202
    assert (await sim.client.get(path)).json()["customer_id"] == 0  # freed
    assert (await sim.client.put(path, json={"customer_id": bob, "is_used": 1})).status_code == 202


@pytest.mark.parametrize(
    ("change", "field"),
    [({"customer_id": 99, "is_used": 1}, "customer_id"), ({"is_used": 2}, "is_used"),
     ({"host_category": 5}, "host_category"), ({"location_id": 5}, "location_id"),
     ({"hostname": "h" * 65}, "hostname")],
)  # fmt: skip
async def test_an_ip_change_is_checked(change: dict[str, Any], field: str) -> None:
    async with running() as sim:
        net = await sim.create(IPV4, network("10.0.0.0", 30))
        [ip, _] = await ips(sim, net)
        assert set(await refusal(sim, "PUT", f"{IPV4_IP}/{net}--{ip['id']}", change)) == {field}


async def test_ipv6_networks_hold_the_prefixes_put_to_use(sim: RunningSim) -> None:
    customer = await sim.customer()
    body = {"network": "2001:db8::", "prefix": 48, "title": "Customers v6", "location_id": 1,
            "network_category": 1, "type_of_usage": "static"}  # fmt: skip
    net = await sim.create(IPV6, body)
    record = (await sim.client.get(f"{IPV6}/{net}")).json()
    assert (record["network"], record["prefix"], record["range_from"], record["range_to"]) == (
        "2001:db8::",
        48,
        "2001:db8::",
        "2001:db8:0:ffff:ffff:ffff:ffff:ffff",
    )
    assert (await sim.client.get(f"{IPV6_IP}/{net}")).json() == []  # no 2^80 rows
    taken = {"ipv6_networks_id": net, "ip": "2001:db8:0:a::", "prefix": 64, "title": "Ann",
             "host_category": 1, "customer_id": customer, "is_used": 1}  # fmt: skip
    answer = await sim.client.post(f"{IPV6_IP}/{net}", json=taken)
    assert (answer.status_code, answer.content) == (202, b"")  # blueprint L6174: 202
    [row] = (await sim.client.get(f"{IPV6_IP}/{net}")).json()
    assert (row["ip"], row["ip_end"], row["prefix"], row["customer_id"]) == (
        "2001:db8:0:a::",
        "2001:db8:0:a:ffff:ffff:ffff:ffff",
        64,
        customer,
    )
    assert (await sim.client.get(f"{IPV6_IP}/{net}--{row['id']}")).json() == row
    search = http_build_query({"main_attributes": {"comment": "", "ipv6_networks_id": net}})
    assert (await sim.client.get(f"{IPV6_IP}?{search}")).json() == [row]  # blueprint's example
    other = await sim.customer("Bob")
    assert set(await refusal(sim, "PUT", f"{IPV6_IP}/{net}--{row['id']}",
                             {"customer_id": other, "is_used": 1})) == {"customer_id"}  # fmt: skip
    assert set(await refusal(sim, "POST", f"{IPV6_IP}/{net}", {**taken, "prefix": 56})) == {"ip"}
    assert set(await refusal(sim, "POST", f"{IPV6_IP}/{net}",
                             {**taken, "ip": "2001:db9::"})) == {"ip"}  # fmt: skip
    assert set(await refusal(sim, "POST", f"{IPV6_IP}/{net}",
                             {**taken, "ip": "2001:db8:0:b::1"})) == {"ip"}  # fmt: skip
    shorter = {**taken, "ip": "2001:db8:1::", "prefix": 40}  # shorter than the network's /48
    assert set(await refusal(sim, "POST", f"{IPV6_IP}/{net}", shorter)) == {"prefix"}
    missing = await sim.client.post(f"{IPV6_IP}/99", json=taken)
    assert missing.status_code == 400
    assert await refusal(sim, "POST", IPV6, {**body, "network": "2001:db8:0:1::"}) == {
        "network": "Network 2001:db8:0:1:: is not the first address of a /48 (2001:db8::/48 is)."
    }
    inside = {**body, "network": "2001:db8:0:1::", "prefix": 64}
    assert await refusal(sim, "POST", IPV6, inside) == {
        "network": "Network 2001:db8:0:1::/64 overlaps network 2001:db8::/48"
        f' "Customers v6" (id {net}).'
    }


async def test_options_answer_the_live_attributes(sim: RunningSim) -> None:
    for path in (IPV4, IPV6):
        options = (await sim.client.options(path)).json()
        required = {a["name"] for a in options["attributes"] if a["required"]}
        assert required == {"network", "title"}  # the live answer (reference §10.1)
        assert options["additional_attributes"] == []
    ip_options = (await sim.client.options(IPV4_IP)).json()
    assert {"ipv4_networks_id", "ip", "is_used", "customer_id"} <= {
        a["name"] for a in ip_options["attributes"]
    }
