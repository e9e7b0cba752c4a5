"""The keep-alive connection pool under Exchange, as the client sends: answers arrive
intact (whatever their framing), connections are reused, redirects come back unfollowed,
failures keep their meaning, TLS is verified unless told otherwise."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import random
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from migrator.errors import ConfigError
from migrator.sim.faults import Capacity, FaultKind, FaultPlan, Latency, fault_middleware
from migrator.sim.harness import serve
from migrator.splynx.classify import Request, transport_error
from migrator.splynx.connection_pool import ConnectionPool
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
            url, ConnectionPool(connections=4), headers={"User-Agent": "migrator-test"}
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
        exchange = Exchange(url, ConnectionPool(connections=2))
        answer = await exchange.request("GET", "moved")
        await exchange.aclose()
    assert answer.status_code == 302 and answer.headers["Location"] == "/elsewhere"
    assert hits == ["/moved"]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [(FaultKind.DROP, httpx.RemoteProtocolError), (FaultKind.TIMEOUT, httpx.ReadTimeout)],
)
async def test_a_request_that_may_have_arrived_is_not_a_connect_error(
    fault: FaultKind, expected: type[Exception]
) -> None:
    async with serve(app_with(fault)) as url:
        exchange = Exchange(url, ConnectionPool(connections=2), timeout=httpx.Timeout(0.5))
        with pytest.raises((expected, httpx.ReadError)) as caught:
            await exchange.request("POST", "", json={})
        await exchange.aclose()
    assert not isinstance(caught.value, httpx.ConnectError | httpx.ConnectTimeout)


async def test_nobody_listening_is_a_connect_error() -> None:
    exchange = Exchange("http://127.0.0.1:9/", ConnectionPool(connections=1))
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
    exchange = Exchange(f"http://127.0.0.1:{port}/api/2.0/", ConnectionPool(connections=1))
    async with server:
        query = "main_attributes%5Blogin%5D%5B0%5D=LIKE&main_attributes%5Blogin%5D%5B1%5D=d+n"
        answer_ = await exchange.request("GET", f"x?{query}")
        await exchange.aclose()
    assert answer_.json() == []
    assert lines == [f"GET /api/2.0/x?{query} HTTP/1.1\r\n".encode()]


async def raw_server(answers: list[bytes]) -> tuple[asyncio.Server, list[int]]:
    """A server that reads each request head and writes the next of ``answers``
    verbatim; counts requests per connection (closing when an answer says so)."""
    per_connection: list[int] = []

    async def serve_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        per_connection.append(0)
        while answers:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            await reader.readexactly(length)
            per_connection[-1] += 1
            answer = answers.pop(0)
            writer.write(answer)
            await writer.drain()
            if b"Connection: close" in answer:
                break
        writer.close()

    server = await asyncio.start_server(serve_one, "127.0.0.1", 0)
    return server, per_connection


async def test_framings_chunked_fixed_and_until_close_on_one_pool() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;ext=1\r\n[1, \r\n3\r\n2]\n\r\n0\r\nX-Trailer: t\r\n\r\n",
        b'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 9\r\n\r\n{"id": 5}',
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b'HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n{"last": true}',
    ]
    server, per_connection = await raw_server(answers)
    port = server.sockets[0].getsockname()[1]
    async with server, Exchange(f"http://127.0.0.1:{port}/", ConnectionPool(connections=1)) as x:
        assert (await x.request("GET", "a")).json() == [1, 2]
        created = await x.request("POST", "b", json={"n": 1})
        assert created.status_code == 201 and created.json() == {"id": 5}
        assert (await x.request("DELETE", "c")).content == b""
        assert (await x.request("GET", "d")).json() == {"last": True}
    assert per_connection == [4]  # one keep-alive connection carried all four


async def test_a_closed_connection_is_replaced_and_gzip_is_decoded() -> None:
    body = gzip.compress(b'{"zipped": 1}')
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body,
    ]
    server, per_connection = await raw_server(answers)
    port = server.sockets[0].getsockname()[1]
    async with server, Exchange(f"http://127.0.0.1:{port}/", ConnectionPool(connections=1)) as x:
        assert (await x.request("GET", "a")).json() == []
        assert (await x.request("GET", "b")).json() == {"zipped": 1}
    assert per_connection == [1, 1]


async def test_a_garbled_answer_is_a_protocol_error_not_a_connect_error() -> None:
    server, _ = await raw_server([b"SPLYNX IS DOWN\r\n\r\n"])
    port = server.sockets[0].getsockname()[1]
    async with server, Exchange(f"http://127.0.0.1:{port}/", ConnectionPool(connections=1)) as x:
        with pytest.raises(httpx.RemoteProtocolError, match="status line"):
            await x.request("POST", "a", json={})


TLS = Path(__file__).resolve().parents[1] / "support" / "tls"


@contextlib.asynccontextmanager
async def tls_server() -> AsyncIterator[str]:
    """The echo app over HTTPS, with a self-signed certificate for 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    runner = web.AppRunner(app_with())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"https://127.0.0.1:{port}/api/2.0/"
    finally:
        await runner.cleanup()


async def test_tls_with_a_trusted_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "cert.pem"))  # read by the default context
    async with tls_server() as url, Exchange(url, ConnectionPool(connections=2)) as exchange:
        answer = await exchange.request("POST", "x", json={"over": "tls"})
        again = await exchange.request("GET", "y")
    assert answer.status_code == 201 and json.loads(answer.json()["body"]) == {"over": "tls"}
    assert again.status_code == 201


async def test_an_untrusted_certificate_is_refused_unless_told() -> None:
    async with tls_server() as url:
        async with Exchange(url, ConnectionPool(connections=1)) as strict:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED") as refused:
                await strict.request("GET", "x")
        error = transport_error(refused.value, Request("GET", "x"))
        assert isinstance(error, ConfigError) and "MIGRATOR_INSECURE" in str(error)
        async with Exchange(url, ConnectionPool(connections=1, verify=False)) as insecure:
            assert (await insecure.request("GET", "x")).status_code == 201
