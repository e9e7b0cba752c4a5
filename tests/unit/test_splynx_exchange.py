"""Exchange: what httpx.AsyncClient did per request, done directly (httpx.MockTransport)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx

from migrator.splynx.auth import NonceSource, SignatureAuth
from migrator.splynx.exchange import Exchange

BASE = "https://splynx.test/api/2.0/"


def nonce_of(request: httpx.Request) -> int:
    query = request.headers["Authorization"].removeprefix("Splynx-EA (").removesuffix(")")
    return int(parse_qs(query)["nonce"][0])


async def test_joins_the_base_url_and_sends_headers_body_and_timeouts() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"id": 7}, headers={"X-total-count": "1"})

    exchange = Exchange(
        BASE.rstrip("/"),  # the trailing slash is added
        httpx.MockTransport(handler),
        headers={"User-Agent": "migrator-test", "Accept": "application/json"},
        timeout=httpx.Timeout(12.0),
    )
    response = await exchange.request(
        "POST",
        "admin/customers/customer?x=1",
        json={"name": "Ana"},
        headers={"X-Extra": "1", "accept": "text/csv"},
    )
    assert response.status_code == 201 and response.json() == {"id": 7}
    assert response.headers["x-total-count"] == "1"
    [request] = seen
    assert str(request.url) == BASE + "admin/customers/customer?x=1"
    assert request.headers["User-Agent"] == "migrator-test"
    assert request.headers["X-Extra"] == "1"
    assert request.headers.get_list("Accept") == ["text/csv"]  # replaced, whatever its case
    assert json.loads(request.content) == {"name": "Ana"}
    assert request.extensions["timeout"]["read"] == 12.0


async def test_drives_the_auth_flow_until_it_stops() -> None:
    statuses = [401, 401, 200]
    nonces: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        nonces.append(nonce_of(request))
        return httpx.Response(statuses.pop(0))

    exchange = Exchange(BASE, httpx.MockTransport(handler))
    auth = SignatureAuth("K", "S", nonces=NonceSource(lambda: 1000.0))
    response = await exchange.request("GET", "admin/customers/customer", auth=auth)
    assert response.status_code == 200
    assert len(nonces) == 3 and nonces == sorted(set(nonces))  # re-signed each time
    assert auth.resigned == 2
