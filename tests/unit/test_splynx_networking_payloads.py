"""IPAM payloads and endpoints, and passwords that never leave the request body.

Passwords (an internet service's RADIUS password, a customer's portal password,
an administrator's) print as ``**********``, are revealed only in ``body()``,
are ``***`` in ``redacted()`` and are scrubbed from a refusal quoting them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from migrator.errors import Rejected
from migrator.splynx import payloads as p
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import build_payload, endpoint
from migrator.splynx.payloads import field_limits
from tests.support.clock import FakeClock
from tests.support.splynx_mock_settings import settings

SECRET = "Pa55-w0rd!"


def service(**fields: object) -> p.InternetService:
    values: dict[str, object] = {"customer_id": 3, "tariff_id": 1, "status": "active",
                                 "description": "Internet", "start_date": "2024-01-01",
                                 "login": "ann", "password": SECRET}  # fmt: skip
    return p.InternetService.model_validate({**values, **fields})


def test_a_service_password_is_a_secret_but_sent() -> None:
    made = service(taking_ipv4=1, ipv4="100.64.0.1", mac="00:11:22:33:44:55")
    assert SECRET not in repr(made) and SECRET not in str(made)
    assert SECRET not in json.dumps(made.model_dump(), default=str)
    assert made.body()["password"] == SECRET  # the wire needs it
    assert made.redacted()["password"] == "***"
    assert {k: v for k, v in made.redacted().items() if k != "password"} == {
        k: v for k, v in made.body().items() if k != "password"
    }
    assert made.secrets() == [SECRET]
    assert p.InternetService.secret_fields() == {"password"}
    assert p.Customer.secret_fields() == {"password"}
    assert p.Administrator.secret_fields() == {"password"}
    assert p.Ipv4Network.secret_fields() == frozenset()
    assert field_limits(p.InternetService)["password"] == 128
    assert field_limits(p.Customer)["password"] == 512  # the dumped customers.password


def test_a_service_without_password_has_no_secret() -> None:
    made = service(password=None)
    assert "password" not in made.body() and made.secrets() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ipv4": "100.64.0.300"}, "ipv4"),
        ({"ipv4": "2001:db8::1"}, "ipv4"),
        ({"ipv6": "not-v6"}, "ipv6"),
        ({"ipv6_delegated": "100.64.0.0/24"}, "ipv6_delegated"),
        ({"login": "a" * 129}, "login"),
        ({"login": ""}, "login"),
        ({"password": "x" * 129}, "password"),
        ({"mac": "m" * 256}, "mac"),
    ],
)
def test_a_bad_address_or_size_is_a_reject_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    body = service().body() | fields
    with pytest.raises(Rejected) as refused:
        build_payload("internet_services", body)
    assert refused.value.field == field
    assert SECRET not in str(refused.value) and "x" * 129 not in str(refused.value)


def test_addresses_splynx_takes() -> None:
    made = service(ipv4="", ipv6="2001:db8:0:a::/64", ipv6_delegated="2001:db8:1::")
    assert (made.ipv4, made.ipv6) == ("", "2001:db8:0:a::/64")


def test_a_network_starts_its_block() -> None:
    net = p.Ipv4Network(network="10.0.0.0", mask=24, title="A", location_id=1,
                        type_of_usage="static")  # fmt: skip
    assert net.body() == {"network": "10.0.0.0", "mask": 24, "title": "A", "location_id": 1,
                          "network_category": 1, "network_type": "endnet",
                          "type_of_usage": "static", "needCreateIps": "1"}  # fmt: skip
    with pytest.raises(Rejected, match=r"10\.0\.0\.0/24 is"):
        build_payload("ipv4_networks", {**net.body(), "network": "10.0.0.5"})
    with pytest.raises(Rejected) as bad:
        build_payload("ipv4_networks", {**net.body(), "mask": 33})
    assert bad.value.field == "mask"
    with pytest.raises(Rejected) as pool:
        build_payload("ipv6_networks", {"network": "2001:db8::", "prefix": 48, "title": "V6",
                                        "location_id": 1, "type_of_usage": "pool"})  # fmt: skip
    assert pool.value.field == "type_of_usage"  # IPv6 networks have no pools
    v6 = build_payload("ipv6_networks", {"network": "2001:db8::", "prefix": 48, "title": "V6",
                                         "location_id": 1})  # fmt: skip
    assert v6.body()["type_of_usage"] == "static"


def test_ipv4_ip_paths_carry_the_network() -> None:
    ips = endpoint("ipv4_ips")
    assert ips.collection_path(network_id=3) == "admin/networking/ipv4-ip/3"
    assert ips.item_path(17, network_id=3) == "admin/networking/ipv4-ip/3--17"
    assert ips.list_path() == "admin/networking/ipv4-ip"
    assert ips.parents() == ("network_id",)
    assert "POST" not in ips.verbs and "DELETE" not in ips.verbs
    assert ips.permission_for("PUT") == "Networking / IPv4 network IPs: update"
    assert endpoint("ipv4_networks").item_path(4) == "admin/networking/ipv4/4"
    assert str(endpoint("ipv4_networks").marker) == "network"
    assert str(endpoint("ipv6_networks").marker) == "network"
    assignment = p.Ipv4IpAssignment(customer_id=5, is_used=1, title="Used by Ann")
    assert assignment.body() == {"customer_id": 5, "is_used": 1, "title": "Used by Ann"}


def _quoting(request: httpx.Request) -> httpx.Response:
    """A Splynx whose 422 quotes what it was sent (a real one might)."""
    sent = json.loads(request.content)
    problem = {"field": "password", "message": f'Password "{sent.get("password")}" is too weak.'}
    return httpx.Response(422, json=[problem])


@pytest.fixture
async def quoting_client() -> AsyncIterator[SplynxClient]:
    async with SplynxClient.open(
        settings(), transport=httpx.MockTransport(_quoting), clock=FakeClock()
    ) as opened:
        yield opened


async def test_a_refusal_quoting_the_password_is_scrubbed(
    quoting_client: SplynxClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    made = service()
    for attempt in (
        quoting_client.create("internet_services", made),
        quoting_client.create_once("internet_services", made),
        quoting_client.update("internet_services", 7, {"password": SECRET}, customer_id=3),
    ):
        with pytest.raises(Rejected) as refused:
            await attempt
        error = refused.value
        assert (error.field, error.errors[0].message) == ("password", 'Password "***" is too weak.')
        assert error.raw is not None and "***" in error.raw
        assert SECRET not in f"{error} {error.raw} {error.reason} {error.args}"
    assert SECRET not in caplog.text
