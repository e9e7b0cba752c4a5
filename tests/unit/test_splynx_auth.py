"""Auth strategies: the signature recipe, monotonic nonces, one shared token renewed once.

A small in-test fake of Splynx's token endpoints stands behind httpx.MockTransport;
a settable wall clock drives expiry without waiting.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from functools import partial
from urllib.parse import parse_qs

import anyio
import httpx
import pytest

from migrator.errors import AuthFailed, NonceRefused, Retriable, ServerError
from migrator.logconfig import redactor
from migrator.splynx.auth import (
    BasicAuth,
    SignatureAuth,
    TokenAuth,
    TokenIssuer,
    sign,
)
from migrator.splynx.classify import Request
from migrator.splynx.nonces import NonceSource
from migrator.splynx.session import SplynxSession

BASE = "https://splynx.test/api/2.0/"


def client_with(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))


EA = re.compile(r"^Splynx-EA \((?P<query>[^)]*)\)$")


class Wall:
    """A wall clock the test sets by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_signature_vector_from_the_reference() -> None:
    # splynx_api_reference.md §1.2: key API_KEY, secret API_SECRET, nonce 1234567890
    assert sign(1234567890, "API_KEY", "API_SECRET") == (
        "5ADF0AEE66140A5B0F95320C4AC3D5A85752D63985757E031295CF2C877C05D2"
    )


def test_nonces_strictly_increase_even_when_the_clock_stands_still_or_jumps_back() -> None:
    wall = Wall(1000.0)
    nonces = NonceSource(wall)
    first = [nonces.next() for _ in range(3)]
    assert first == [100000, 100001, 100002]  # centiseconds, as the PHP example
    wall.now = 900.0
    assert nonces.next() == 100003
    wall.now = 2000.0
    assert nonces.next() == 200000


def fields(header: str) -> dict[str, str]:
    found = EA.match(header)
    assert found, header
    return {k: v[0] for k, v in parse_qs(found["query"]).items()}


async def test_signature_header_and_nonces_under_16_concurrent_writers() -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent = fields(request.headers["Authorization"])
        assert list(sent) == ["key", "signature", "nonce"]  # the PHP example's order
        assert sent["signature"] == sign(int(sent["nonce"]), "K", "S")
        seen.append(int(sent["nonce"]))
        return httpx.Response(200, json=[])

    auth = SignatureAuth("K", "S", nonces=NonceSource(Wall()))
    async with (
        client_with(handler) as http,
        anyio.create_task_group() as tg,
    ):
        for _ in range(16 * 4):
            tg.start_soon(partial(http.request, "GET", "admin/customers/customer", auth=auth))
    assert len(seen) == 64 and len(set(seen)) == 64
    assert sorted(seen) == list(range(min(seen), min(seen) + 64))


class Answers:
    """A handler answering ``statuses`` in turn (then the last one again), noting each nonce."""

    def __init__(self, *statuses: int, text: str = "") -> None:
        self._queue = list(statuses)
        self._text = text
        self.nonces: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.nonces.append(int(fields(request.headers["Authorization"])["nonce"]))
        status = self._queue.pop(0) if len(self._queue) > 1 else self._queue[0]
        return httpx.Response(status, json={"error": {"message": self._text}})


async def test_a_refused_nonce_is_signed_again_with_a_later_one() -> None:
    handler = Answers(401, 401, 200)
    auth = SignatureAuth("K", "S", nonces=NonceSource(Wall()))
    async with client_with(handler) as http:
        assert (await http.request("GET", "x", auth=auth)).status_code == 200
    nonces = handler.nonces
    assert len(nonces) == 3 and nonces[0] < nonces[1] < nonces[2]
    # the second refusal in a row: Splynx saw nonces above ours, the source jumps ahead
    assert nonces[2] - nonces[1] > 100
    assert auth.resigned == 2


async def test_a_key_never_accepted_and_refused_without_a_nonce_reason_is_the_credentials() -> None:
    handler = Answers(401, text="Invalid API key or signature.")
    auth = SignatureAuth("K", "S", nonces=NonceSource(Wall()))
    async with client_with(handler) as http:
        with pytest.raises(AuthFailed, match="SPLYNX_API_SECRET"):
            await SplynxSession(http, auth).send(Request("GET", "admin/customers/customer"))
    assert len(handler.nonces) == 1 + 5  # one try, five re-signs


@pytest.mark.parametrize(
    ("statuses", "text"),
    [
        pytest.param((200, 401), "Forbidden.", id="the key was accepted before"),
        pytest.param((401,), "Nonce has already been used or is too old.", id="the nonce named"),
    ],
)
async def test_a_refused_nonce_is_retriable_never_a_credentials_error(
    statuses: tuple[int, ...], text: str
) -> None:
    handler = Answers(*statuses, text=text)
    auth = SignatureAuth("K", "S", nonces=NonceSource(Wall()))
    async with client_with(handler) as http:
        session = SplynxSession(http, auth)
        if statuses[0] == 200:
            await session.send(Request("GET", "admin/customers/customer"))
        with pytest.raises(NonceRefused) as refused:
            await session.send(Request("GET", "admin/customers/customer"))
    assert isinstance(refused.value, Retriable)


async def test_basic_header() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        scheme, credentials = request.headers["Authorization"].split()
        assert scheme == "Basic" and base64.b64decode(credentials) == b"K:S"
        return httpx.Response(204)

    async with client_with(handler) as http:
        assert (await http.request("GET", "x", auth=BasicAuth("K", "S"))).status_code == 204


class FakeTokens:
    """Splynx's token endpoints, enough to count issues and renewals."""

    def __init__(self, wall: Wall, *, lifetime: float = 1800.0) -> None:
        self.wall = wall
        self.lifetime = lifetime
        self.valid: dict[str, float] = {}
        self.refresh: dict[str, float] = {}
        self.issued = 0
        self.renewed = 0
        self.refuse_renewal = False
        self.token_status: int | None = None
        self.used: list[str] = []

    def _token(self) -> httpx.Response:
        n = self.issued + self.renewed
        access, refresh = f"access-{n}", f"refresh-{n}"
        self.valid[access] = self.wall() + self.lifetime
        self.refresh[refresh] = self.wall() + 86400
        return httpx.Response(
            201,
            json={
                "access_token": access,
                "access_token_expiration": self.valid[access],
                "refresh_token": refresh,
                "refresh_token_expiration": self.refresh[refresh],
                "permissions": [],
            },
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/2.0/")
        if path == "admin/auth/tokens":
            assert "Authorization" not in request.headers
            body = json.loads(request.content)
            assert body["auth_type"] == "api_key" and body["key"] == "K"
            assert body["signature"] == sign(body["nonce"], "K", "S")
            assert abs(body["nonce"] - self.wall()) < 5  # seconds, as the blueprint says
            if self.token_status:
                return httpx.Response(self.token_status, json={"error": {"code": 1}})
            self.issued += 1
            return self._token()
        if path.startswith("admin/auth/tokens/"):
            refresh = path.rsplit("/", 1)[1]
            if self.refuse_renewal or self.refresh.get(refresh, 0) < self.wall():
                return httpx.Response(401, json={"error": {"internal_code": "TOKEN_BANNED"}})
            self.renewed += 1
            return self._token()
        access = request.headers["Authorization"].removeprefix("Splynx-EA (access_token=")[:-1]
        self.used.append(access)
        if self.valid.get(access, 0) < self.wall():
            return httpx.Response(401, json={"error": {"internal_code": "EXPIRED_ACCESS_TOKEN"}})
        return httpx.Response(200, json=[])


async def writers(http: httpx.AsyncClient, auth: TokenAuth, count: int = 16) -> list[int]:
    statuses: list[int] = []

    async def one() -> None:
        answer = await http.request("GET", "admin/customers/customer", auth=auth)
        statuses.append(answer.status_code)

    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(one)
    return statuses


def token_client(fake: FakeTokens) -> httpx.AsyncClient:
    return client_with(fake)


async def test_one_token_for_all_writers_renewed_once_before_expiry() -> None:
    wall = Wall()
    fake = FakeTokens(wall)
    async with token_client(fake) as http:
        auth = TokenAuth(TokenIssuer(http, "K", "S", wall=wall), wall=wall)
        assert await writers(http, auth) == [200] * 16
        assert (fake.issued, fake.renewed) == (1, 0)
        wall.now += 1800 - 30  # within the renewal margin: renew before it expires
        assert await writers(http, auth) == [200] * 16
        assert (fake.issued, fake.renewed) == (1, 1)
        assert set(fake.used[16:]) == {"access-2"}  # the renewed one
        assert (auth.issued, auth.renewed) == (1, 1)
    # tokens are secrets: the log redactor learnt them (httpx logs the renewal URL)
    assert redactor("GET admin/auth/tokens/refresh-1") == "GET admin/auth/tokens/***"


async def test_expired_refresh_token_or_refused_renewal_means_a_new_token() -> None:
    wall = Wall()
    fake = FakeTokens(wall)
    async with token_client(fake) as http:
        auth = TokenAuth(TokenIssuer(http, "K", "S", wall=wall), wall=wall)
        await writers(http, auth, 2)
        wall.now += 2 * 86400  # refresh token long expired
        assert await writers(http, auth) == [200] * 16
        assert (fake.issued, fake.renewed) == (2, 0)
        wall.now += 1790
        fake.refuse_renewal = True
        assert await writers(http, auth) == [200] * 16
        assert (fake.issued, fake.renewed) == (3, 0)


async def test_a_401_reauthenticates_once_for_all_writers() -> None:
    wall = Wall()
    fake = FakeTokens(wall)
    async with token_client(fake) as http:
        auth = TokenAuth(TokenIssuer(http, "K", "S", wall=wall), wall=wall)
        await writers(http, auth, 1)
        fake.valid.clear()  # the server forgets the token (e.g. banned or restarted)
        assert await writers(http, auth) == [200] * 16
        assert fake.issued + fake.renewed == 2


async def test_a_second_401_is_auth_failed() -> None:
    wall = Wall()
    fake = FakeTokens(wall, lifetime=-10)  # every token it gives is already expired
    async with token_client(fake) as http:
        auth = TokenAuth(TokenIssuer(http, "K", "S", wall=wall), wall=wall, margin=-100)
        session = SplynxSession(http, auth)
        with pytest.raises(AuthFailed, match="401"):
            await session.send(Request("GET", "admin/customers/customer"))
        assert fake.issued + fake.renewed == 2


@pytest.mark.parametrize(
    ("status", "error"), [(401, AuthFailed), (400, AuthFailed), (503, ServerError)]
)
async def test_token_request_failures(status: int, error: type[Exception]) -> None:
    wall = Wall()
    fake = FakeTokens(wall)
    fake.token_status = status
    async with token_client(fake) as http:
        auth = TokenAuth(TokenIssuer(http, "K", "S", wall=wall), wall=wall)
        session = SplynxSession(http, auth)
        with pytest.raises(error):
            await session.send(Request("POST", "admin/customers/customer", create=True))
        assert fake.used == []  # the create itself was never sent


async def test_a_refused_token_nonce_is_retried_with_a_later_one() -> None:
    # Another client of the same key used this second's nonce: Splynx refuses ours once.
    wall = Wall()
    fake = FakeTokens(wall)
    refusals = [401]
    nonces: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("admin/auth/tokens"):
            nonces.append(json.loads(request.content)["nonce"])
            if refusals:
                return httpx.Response(refusals.pop(), json={"error": {"code": 401}})
        return fake(request)

    async with client_with(handler) as http:
        auth = TokenAuth(TokenIssuer(http, "K", "S", wall=wall), wall=wall)
        assert await writers(http, auth, 3) == [200] * 3
    assert nonces[1] == nonces[0] + 1 and fake.issued == 1
