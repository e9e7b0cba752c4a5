"""The Splynx client's HTTP as httpx does it, against real servers on 127.0.0.1.

What the wiring in ``splynx.connect`` promises: requests arrive as Splynx
expects them (base URL, fixed User-Agent, JSON, the search query as encoded)
over one kept-alive connection; gzip answers are decoded; redirects are
refused, not followed; TLS is verified (trusted through SSL_CERT_FILE,
refused with the fix named when untrusted, skipped when MIGRATOR_INSECURE);
a header value with a line break is refused before anything is sent; lost
answers keep their meaning (an unknown outcome for a create).
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import pytest
from aiohttp import web
from pydantic import SecretStr

from migrator.errors import ConfigError, OutcomeUnknown, ProtocolError, TransportError
from migrator.policy.retry import RetryPolicy
from migrator.settings import Settings
from migrator.sim.faults import Capacity, FaultKind, FaultPlan, Latency, fault_middleware
from migrator.sim.harness import serve
from migrator.splynx import payloads as p
from migrator.splynx.classify import Request
from migrator.splynx.client import SplynxClient
from migrator.splynx.connect import USER_AGENT
from migrator.splynx.query import Search, where
from tests.support.tls import CERT, serve_tls

PARTNERS = "/api/2.0/admin/administration/partners"


@dataclass
class Seen:
    """What the server received: raw targets, headers, bodies, and client ports."""

    targets: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    peers: set[int] = field(default_factory=set)
    authorizations: list[int] = field(default_factory=list)  # Authorization headers per request


def splynx_like(seen: Seen, *, token: str = "t", fault: FaultKind | None = None) -> web.Application:
    """Just enough of Splynx: tokens, creates, a gzip list, a redirect."""

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.targets.append(f"{request.method} {request.raw_path}")
        seen.headers.append(dict(request.headers))
        seen.authorizations.append(len(request.headers.getall("Authorization", [])))
        seen.bodies.append(await request.read())
        peer = request.transport.get_extra_info("peername") if request.transport else None
        seen.peers.add(peer[1] if peer else 0)
        if request.path.endswith("/admin/auth/tokens"):
            expires = 4_000_000_000
            return web.json_response(
                {"access_token": token, "access_token_expiration": expires,
                 "refresh_token": "r", "refresh_token_expiration": expires},
                status=201,
            )  # fmt: skip
        if request.path.endswith("/moved/1"):
            raise web.HTTPFound("/elsewhere")
        if request.method == "GET":
            packed = gzip.compress(json.dumps([{"id": 4, "name": "Zoë"}]).encode())
            return web.Response(
                body=packed,
                headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            )
        return web.json_response({"id": 1}, status=201)

    plan = FaultPlan(1.0, (fault,), hang_seconds=3) if fault else FaultPlan(0.0)
    faults = fault_middleware(
        latency=Latency(),
        faults=plan,
        capacity=Capacity(),
        rng=random.Random(1),
        server_error=lambda status: web.json_response({}, status=status),
    )
    app = web.Application(middlewares=[faults] if fault else [])
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def settings(url: str, auth: str = "basic", **changes: Any) -> Settings:
    values = {
        "splynx_url": url,
        "splynx_api_key": SecretStr("K"),
        "splynx_api_secret": SecretStr("S"),
        "splynx_auth": auth,
        "timeout": 0.5,
        "retry_budget": 2.0,
        **changes,
    }
    return Settings.model_construct(**{**Settings().model_dump(), **values})


@asynccontextmanager
async def client_for(url: str, auth: str = "basic", **changes: Any) -> AsyncIterator[SplynxClient]:
    retry = RetryPolicy(budget=2.0, initial=0.01, maximum=0.05)
    async with SplynxClient.open(settings(url, auth, **changes), retry=retry) as client:
        yield client


async def test_requests_arrive_as_sent_over_one_kept_alive_connection() -> None:
    seen = Seen()
    search = Search(main={"name": where("LIKE", "a~b c")}, limit=5)
    async with serve(splynx_like(seen)) as url, client_for(url) as client:
        for n in range(3):
            assert await client.create("partners", p.Partner(name=f"Zoë {n}")) == 1
        [found] = await client.list("partners", search)
    assert found["name"] == "Zoë"  # the gzip answer, decoded
    assert seen.targets[:3] == [f"POST {PARTNERS}"] * 3
    assert seen.targets[3] == f"GET {PARTNERS}?{search.encode()}"  # not re-encoded
    assert json.loads(seen.bodies[0]) == {"name": "Zoë 0"}
    first = seen.headers[0]
    assert first["User-Agent"] == USER_AGENT and first["Authorization"].startswith("Basic ")
    assert first["Content-Type"] == "application/json"
    assert "gzip" in seen.headers[3]["Accept-Encoding"]
    assert len(seen.peers) == 1  # four requests, one connection


async def test_a_redirect_is_refused_not_followed() -> None:
    seen = Seen()
    async with serve(splynx_like(seen)) as url, client_for(url) as client:
        with pytest.raises(ProtocolError, match=r"302.*SPLYNX_URL"):
            await client.session.send(Request("GET", "moved/1"))
    assert seen.targets == ["GET /api/2.0/moved/1"]


async def test_a_line_break_in_a_header_is_refused_before_anything_is_sent() -> None:
    # A token endpoint answering a token with a line break in it must not let the
    # next request carry an injected header: httpx refuses to send it at all.
    seen = Seen()
    app = splynx_like(seen, token="t\r\nX-Evil: 1")
    async with serve(app) as url, client_for(url, "token") as client:
        with pytest.raises(ProtocolError, match="nothing was sent") as refused:
            await client.create("partners", p.Partner(name="x"))
    assert not isinstance(refused.value, OutcomeUnknown)  # surely not created
    assert "X-Evil" not in str(refused.value)  # the offending value (a credential) not echoed
    assert seen.targets == ["POST /api/2.0/admin/auth/tokens"]  # the create never arrived


async def test_a_request_that_waited_for_a_connection_goes_out_with_a_newer_nonce(
    tmp_path: Path,
) -> None:
    # Twelve creates, five connections: seven are signed by the flow, then wait for a
    # connection while the others are signed. As each goes out it is signed again if
    # another was signed meanwhile (the wall clock stands still: nonces count up by one).
    seen = Seen()
    async with serve(splynx_like(seen)) as url:
        config = settings(url, "signature", writers=1, state=tmp_path / "state.sqlite3")
        async with (
            SplynxClient.open(config, wall=lambda: 1000.0) as client,
            anyio.create_task_group() as tg,
        ):
            for n in range(12):
                tg.start_soon(client.create, "partners", p.Partner(name=f"signed {n}"))
    sent = [int(parse_qs(h["Authorization"][11:-1])["nonce"][0]) for h in seen.headers]
    assert len(set(sent)) == 12 and min(sent) >= 100000
    assert max(sent) - min(sent) > 11  # more were signed than sent: re-signed on the way out
    assert seen.authorizations == [1] * 12  # the header replaced, never added


async def test_tls_with_a_certificate_trusted_through_ssl_cert_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CERT))
    seen = Seen()
    async with serve_tls(splynx_like(seen)) as url, client_for(url) as client:
        assert await client.create("partners", p.Partner(name="over TLS")) == 1
        assert (await client.list("partners"))[0].id == 4
    assert json.loads(seen.bodies[0]) == {"name": "over TLS"}


async def test_an_untrusted_certificate_names_the_fix_and_insecure_skips_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    seen = Seen()
    async with serve_tls(splynx_like(seen)) as url:
        async with client_for(url) as strict:
            with pytest.raises(ConfigError, match="not trusted") as refused:
                await strict.create("partners", p.Partner(name="x"))
        assert "SPLYNX_URL" in str(refused.value) and "MIGRATOR_INSECURE" in str(refused.value)
        assert seen.targets == [] and strict.stats.retries == 0  # fatal at once, never sent
        async with client_for(url, insecure=True) as insecure:
            assert await insecure.create("partners", p.Partner(name="x")) == 1


@pytest.mark.parametrize("fault", [FaultKind.DROP, FaultKind.TIMEOUT])
async def test_a_create_sent_without_an_answer_is_an_unknown_outcome(fault: FaultKind) -> None:
    seen = Seen()
    async with serve(splynx_like(seen, fault=fault)) as url, client_for(url) as client:
        with pytest.raises(OutcomeUnknown, match="marker"):
            await client.create("partners", p.Partner(name="x"))
        with pytest.raises(TransportError) as lost:
            await client.session.send(Request("GET", "admin/administration/partners"))
    assert lost.value.sent is True
    assert client.stats.outcome_unknown == 1 and client.stats.retries == 0  # never re-sent


async def test_nobody_listening_is_a_request_never_sent() -> None:
    async with client_for("http://127.0.0.1:9") as client:
        with pytest.raises(TransportError) as refused:
            await client.session.send(Request("POST", "admin/administration/partners", create=True))
    assert refused.value.sent is False
