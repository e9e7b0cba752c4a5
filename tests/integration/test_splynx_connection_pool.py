"""The aiohttp-backed httpx transport under Exchange, as the client sends: answers arrive
intact, redirects come back unfollowed, failures keep their meaning."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Generator

import httpx
import pytest
from aiohttp import web

from migrator.sim.faults import Capacity, FaultKind, FaultPlan, Latency, fault_middleware
from migrator.sim.harness import serve
from migrator.splynx.aiohttp_transport import AiohttpTransport
from migrator.splynx.exchange import Exchange

hits: list[str] = []  # the paths the server was asked for


async def echo(request: web.Request) -> web.Response:
    hits.append(request.path)
    if request.path == "/moved":
        raise web.HTTPFound("/elsewhere")
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "query": request.query_string,
            "body": body.decode(),
            "auth": request.headers.get("Authorization"),
            "ua": request.headers.get("User-Agent"),
        },
        status=201,
        headers={"X-total-count": "7"},
    )


def app_with(fault: FaultKind | None = None) -> web.Application:
    plan = FaultPlan(1.0, (fault,), hang_seconds=3) if fault else FaultPlan(0.0)
    app = web.Application(
        middlewares=[
            fault_middleware(
                latency=Latency(),
                faults=plan,
                capacity=Capacity(),
                rng=random.Random(1),
                server_error=lambda status: web.json_response({}, status=status),
            )
        ]
    )
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


async def test_requests_and_answers_cross_intact() -> None:
    async with serve(app_with()) as url:
        exchange = Exchange(
            url, AiohttpTransport(connections=4), headers={"User-Agent": "migrator-test"}
        )
        answer = await exchange.request(
            "POST",
            "x?a%5Bb%5D=1",
            json={"name": "Zoë"},
            headers={"Authorization": "Splynx-EA (access_token=t)"},
        )
        await exchange.aclose()
    assert answer.status_code == 201
    assert answer.headers["x-total-count"] == "7"
    data = answer.json()
    assert data["method"] == "POST" and data["query"] in {"a%5Bb%5D=1", "a[b]=1"}
    assert json.loads(data["body"]) == {"name": "Zoë"}
    assert data["auth"] == "Splynx-EA (access_token=t)" and data["ua"] == "migrator-test"


async def test_a_redirect_comes_back_unfollowed() -> None:
    hits.clear()
    async with serve(app_with()) as url:
        exchange = Exchange(url, AiohttpTransport(connections=2))
        answer = await exchange.request("GET", "moved")
        await exchange.aclose()
    assert answer.status_code == 302 and answer.headers["Location"] == "/elsewhere"
    assert hits == ["/moved"]


class SignsLate(httpx.Auth):
    """Signs early, and again through the trace hook as the headers go out (as
    SignatureAuth does)."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        async def trace(event: str, info: dict[str, object]) -> None:
            if event.endswith("send_request_headers.started"):
                headers = info["request"].headers  # type: ignore[attr-defined]
                headers[:] = [(k, v) for k, v in headers if k.lower() != b"authorization"]
                headers.append((b"Authorization", b"signed-late"))

        request.headers["Authorization"] = "early"
        request.extensions = {**request.extensions, "trace": trace}
        yield request


async def test_the_late_signing_hook_sets_the_header_that_goes_out() -> None:
    async with serve(app_with()) as url:
        exchange = Exchange(url, AiohttpTransport(connections=2))
        answer = await exchange.request("GET", "", auth=SignsLate())
        await exchange.aclose()
    assert answer.json()["auth"] == "signed-late"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [(FaultKind.DROP, httpx.RemoteProtocolError), (FaultKind.TIMEOUT, httpx.ReadTimeout)],
)
async def test_a_request_that_may_have_arrived_is_not_a_connect_error(
    fault: FaultKind, expected: type[Exception]
) -> None:
    async with serve(app_with(fault)) as url:
        exchange = Exchange(url, AiohttpTransport(connections=2), timeout=httpx.Timeout(0.5))
        with pytest.raises((expected, httpx.ReadError)) as caught:
            await exchange.request("POST", "", json={})
        await exchange.aclose()
    assert not isinstance(caught.value, httpx.ConnectError | httpx.ConnectTimeout)


async def test_nobody_listening_is_a_connect_error() -> None:
    exchange = Exchange("http://127.0.0.1:9/", AiohttpTransport(connections=1))
    with pytest.raises(httpx.ConnectError):
        await exchange.request("GET", "")
    await exchange.aclose()


async def test_the_query_reaches_the_wire_exactly_as_encoded() -> None:
    """PHP-style bracket queries must not be re-encoded on the way out."""
    lines: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        lines.append(await reader.readline())
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    exchange = Exchange(f"http://127.0.0.1:{port}/api/2.0/", AiohttpTransport(connections=1))
    async with server:
        query = "main_attributes%5Blogin%5D%5B0%5D=LIKE&main_attributes%5Blogin%5D%5B1%5D=d+n"
        answer_ = await exchange.request("GET", f"x?{query}")
        await exchange.aclose()
    assert answer_.json() == []
    assert lines == [f"GET /api/2.0/x?{query} HTTP/1.1\r\n".encode()]
