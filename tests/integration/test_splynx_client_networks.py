"""The client's IPAM calls against the Splynx simulator over real HTTP.

Networks are created once and found again by their network address (the
marker); a network's IPs are searched across networks by ``main_attributes``
(``ipv4-ip`` has no network in its search path), read and assigned with the
network id in their path (``ipv4-ip/{network_id}--{id}``); what the pre-flight
check asks of these endpoints (OPTIONS, a count) is answered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from migrator.errors import Rejected
from migrator.policy.retry import RetryPolicy
from migrator.preflight.endpoint_probe import probe_endpoints
from migrator.preflight.plan import MigrationPlan
from migrator.settings import Settings
from migrator.splynx import payloads as p
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from tests.support.splynx_records import internet_tariff
from tests.support.splynx_sim import KEY, SECRET, RunningSim, running

NETWORK = p.Ipv4Network(
    network="100.64.0.0", mask=29, title="Static 1", location_id=1, type_of_usage="static"
)


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    async with running() as started:
        yield started


@pytest.fixture
async def client(sim: RunningSim) -> AsyncIterator[SplynxClient]:
    values = {"splynx_url": sim.url, "splynx_api_key": SecretStr(KEY),
              "splynx_api_secret": SecretStr(SECRET), "splynx_auth": "basic"}  # fmt: skip
    settings = Settings.model_construct(**{**Settings().model_dump(), **values})
    retry = RetryPolicy(budget=5.0, initial=0.01, maximum=0.1)
    async with SplynxClient.open(settings, retry=retry) as opened:
        yield opened


async def test_a_network_is_created_once_and_found_by_its_address(client: SplynxClient) -> None:
    created = await client.create_once("ipv4_networks", NETWORK)
    assert await client.find_by_marker("ipv4_networks", "100.64.0.0") == created.id
    assert await client.find_by_marker("ipv4_networks", "100.64.1.0") is None
    with pytest.raises(Rejected) as again:
        await client.create("ipv4_networks", NETWORK)
    assert again.value.field == "network" and "overlaps" in str(again.value)
    v6 = p.Ipv6Network(network="2001:db8::", prefix=48, title="V6", location_id=1)
    made = await client.create_once("ipv6_networks", v6)
    assert await client.find_by_marker("ipv6_networks", "2001:db8::") == made.id
    record = await client.get("ipv4_networks", created.id)
    assert record is not None and record.fields()["type_of_usage"] == "static"


async def test_ips_are_searched_then_assigned_with_their_network(
    client: SplynxClient, sim: RunningSim
) -> None:
    network = (await client.create_once("ipv4_networks", NETWORK)).id
    ann, bob = await sim.customer("Ann"), await sim.customer("Bob")
    search = Search(main={"ipv4_networks_id": network, "ip": "100.64.0.3"})
    [ip] = await client.list("ipv4_ips", search)
    assert ip.fields()["ip"] == "100.64.0.3"
    assignment = p.Ipv4IpAssignment(title="Used by Ann", customer_id=ann, is_used=1)
    await client.update("ipv4_ips", ip.id, assignment, network_id=network)
    await client.update("ipv4_ips", ip.id, assignment, network_id=network)  # a resumed run
    again = await client.get("ipv4_ips", ip.id, network_id=network)
    assert again is not None
    assert {k: again.fields()[k] for k in ("customer_id", "is_used", "title")} == {
        "customer_id": ann, "is_used": 1, "title": "Used by Ann"}  # fmt: skip
    used = Search(main={"ipv4_networks_id": network, "is_used": 1})
    assert await client.count("ipv4_ips", used) == 1
    assert len(await client.list("ipv4_ips", network_id=network)) == 6
    with pytest.raises(Rejected) as taken:
        await client.update(
            "ipv4_ips", ip.id, {"customer_id": bob, "is_used": 1}, network_id=network
        )
    assert taken.value.field == "customer_id"
    assert await client.get("ipv4_ips", ip.id, network_id=network + 1) is None


async def test_a_service_takes_a_static_ip_from_a_migrated_network(
    client: SplynxClient, sim: RunningSim
) -> None:
    ann = await sim.customer("Ann")
    tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
    service = p.InternetService(customer_id=ann, tariff_id=tariff, status="active",
                                description="Internet", start_date="2024-01-01",
                                login="ann@isp", password=SecretStr("s3cret"), taking_ipv4=1,
                                ipv4="100.64.0.2", mac="00:11:22:33:44:55")  # fmt: skip
    with pytest.raises(Rejected) as outside:
        await client.create("internet_services", service)
    assert outside.value.field == "ipv4" and "s3cret" not in f"{outside.value} {outside.value.raw}"
    await client.create_once("ipv4_networks", NETWORK)
    made = await client.create("internet_services", service)
    record = await client.get("internet_services", made, customer_id=ann)
    assert record is not None
    fields = record.fields()
    assert (fields["login"], fields["password"], fields["ipv4"], fields["mac"]) == (
        "ann@isp", "s3cret", "100.64.0.2", "00:11:22:33:44:55")  # fmt: skip


async def test_the_preflight_probes_answer_for_the_networking_endpoints(
    client: SplynxClient,
) -> None:
    await client.create_once("ipv4_networks", NETWORK)
    for name in ("ipv4_networks", "ipv6_networks", "ipv4_ips"):
        options = await client.options(name)
        assert {"id"} <= {a.name for a in options.attributes}
    assert await client.count("ipv4_ips", Search(main={"id": where(">", 0)})) == 6
    plan = MigrationPlan(endpoints=("ipv4_networks", "ipv6_networks", "ipv4_ips"))
    result = await probe_endpoints(client, plan)
    assert [f.status for f in result.findings if f.check.startswith("splynx.access")] == [
        "ok", "ok", "ok"]  # fmt: skip
    assert result.counts == {"ipv4_networks": 1, "ipv6_networks": 0, "ipv4_ips": 6}


async def test_a_key_without_the_ip_permission_is_named() -> None:
    async with running(deny=("admin/networking/ipv4-ip",)) as denied:
        values = {"splynx_url": denied.url, "splynx_api_key": SecretStr(KEY),
                  "splynx_api_secret": SecretStr(SECRET), "splynx_auth": "basic"}  # fmt: skip
        settings = Settings.model_construct(**{**Settings().model_dump(), **values})
        async with SplynxClient.open(settings) as client:
            plan = MigrationPlan(endpoints=("ipv4_ips",))
            result = await probe_endpoints(client, plan)
    [access] = [f for f in result.findings if f.check == "splynx.access.ipv4_ips"]
    assert access.status == "blocker"
    assert "Networking / IPv4 network IPs: view" in access.detail
