"""How the client proves who it is to Splynx: three ``httpx.Auth`` strategies.

Each is an ``async_auth_flow``, as httpx intends: it sets the request's
``Authorization`` header, yields the request, sees the response, and decides
whether a 401 is worth one more try with fresh credentials.

- ``TokenAuth`` (default): one access token for every writer, obtained with
  ``POST admin/auth/tokens`` (auth_type ``api_key``) and renewed through
  ``GET admin/auth/tokens/{refresh_token}`` shortly before it expires (tokens
  live 30 minutes). However many writers notice at once, one request renews it.
  A 401 makes the strategy drop the token and try once more with a fresh one.
- ``SignatureAuth``: ``Splynx-EA (key=..&signature=..&nonce=..)`` on every
  request, HMAC-SHA256 of ``nonce + key`` keyed with the secret, upper-case hex.
  Nonces strictly increase across all writers. Requests signed in one order can
  still reach the server in another, so a 401 is retried (five times at most)
  with a fresh nonce: a request refused at the door did nothing, re-sending it
  is safe.
- ``BasicAuth``: key and secret, only if the key allows "Unsecure access".

Time comes from an injected wall clock (unix seconds), so expiry and nonces are
testable without waiting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from pydantic import BaseModel, ValidationError

from migrator.errors import AuthFailed, ProtocolError, Rejected
from migrator.logconfig import redactor
from migrator.splynx.classify import HTTPX_FAILURES, Request, classify, transport_error
from migrator.splynx.query import http_build_query

__all__ = [
    "TOKEN_PATH",
    "BasicAuth",
    "NonceSource",
    "SignatureAuth",
    "SplynxAuth",
    "Token",
    "TokenAuth",
    "TokenIssuer",
    "WallClock",
    "sign",
]

log = logging.getLogger(__name__)
WallClock = Callable[[], float]
Flow = AsyncGenerator[httpx.Request, httpx.Response]
TOKEN_PATH = "admin/auth/tokens"


def sign(nonce: int, key: str, secret: str) -> str:
    """Splynx's signature: HMAC-SHA256 of ``str(nonce) + key`` keyed by the secret, upper hex."""
    message = f"{nonce}{key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest().upper()


class NonceSource:
    """Strictly increasing nonces for one key, shared by every writer.

    ``scale`` turns wall seconds into nonce units (100: centiseconds, as the PHP
    example; 1: seconds, as the token request wants). Taking a nonce never
    awaits, so concurrent tasks on one event loop cannot get the same value.
    """

    def __init__(self, wall: WallClock = time.time, *, scale: int = 100) -> None:
        self._wall = wall
        self._scale = scale
        self._last = 0

    def next(self) -> int:
        self._last = max(self._last + 1, round(self._wall() * self._scale))
        return self._last


class SplynxAuth(httpx.Auth):
    """An auth strategy for the (async) Splynx client."""

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError(f"{type(self).__name__} works with httpx.AsyncClient only")


class BasicAuth(SplynxAuth):
    """``Authorization: Basic base64(key:secret)``."""

    def __init__(self, key: str, secret: str) -> None:
        credentials = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self._header = f"Basic {credentials}"

    async def async_auth_flow(self, request: httpx.Request) -> Flow:
        request.headers["Authorization"] = self._header
        yield request


class SignatureAuth(SplynxAuth):
    """A fresh signed nonce per request; re-signed after a 401 (at most ``resign`` times).

    Splynx (with nonce checking on) refuses a nonce not above the last one it
    saw, so the nonce must be taken as late as possible. The flow signs the
    request right before yielding it, but httpx takes a pool connection (or
    opens one) only after that, and requests signed in one order then reach
    the wire in another: against the simulator, 64 concurrent creates needed
    47 to 75 re-signs that way. So the request also carries httpcore's
    ``trace`` hook, and when its head is about to be written on the connection
    (``http11.send_request_headers.started``) the header is signed again with
    a new nonce: wire order is nonce order (0 re-signs in the same test), and
    nothing waits holding a stale nonce, so no bound on signed requests in
    flight is needed. A transport that does not trace (``MockTransport``)
    sends the flow's signature, which is valid too. Requests racing on
    separate connections can still be handled out of order by the server; the
    loser is re-signed and sent again, which is safe because a request refused
    at the door did nothing.
    """

    def __init__(
        self, key: str, secret: str, *, nonces: NonceSource | None = None, resign: int = 5
    ) -> None:
        self._key = key
        self._secret = secret
        self._nonces = nonces or NonceSource()
        self._resign = resign
        self.resigned = 0

    def header(self) -> str:
        nonce = self._nonces.next()
        signature = sign(nonce, self._key, self._secret)
        query = http_build_query({"key": self._key, "signature": signature, "nonce": nonce})
        return f"Splynx-EA ({query})"

    async def _sign_on_send(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: sign again as the request head goes onto the connection."""
        if event != "http11.send_request_headers.started":
            return
        headers = getattr(info.get("request"), "headers", None)
        if isinstance(headers, list):  # httpcore builds the head from this very list
            headers[:] = [(k, v) for k, v in headers if k.lower() != b"authorization"]
            headers.append((b"Authorization", self.header().encode()))

    async def async_auth_flow(self, request: httpx.Request) -> Flow:
        request.extensions = {**request.extensions, "trace": self._sign_on_send}
        request.headers["Authorization"] = self.header()
        response = yield request
        for _ in range(self._resign):
            if response.status_code != 401:
                return
            self.resigned += 1
            request.headers["Authorization"] = self.header()
            response = yield request


class _TokenAnswer(BaseModel):
    access_token: str
    access_token_expiration: float
    refresh_token: str
    refresh_token_expiration: float


@dataclass(frozen=True)
class Token:
    """An access token and the refresh token that can extend it (expirations in unix time)."""

    access: str
    expires: float
    refresh: str
    refresh_expires: float


class TokenIssuer:
    """Talks to ``admin/auth/tokens``: issue a token for the API key, or renew one.

    Uses the shared client without auth, so the token is bound to the same
    User-Agent the writers send (Splynx refuses a token used from another).
    """

    def __init__(
        self, http: httpx.AsyncClient, key: str, secret: str, *, wall: WallClock = time.time
    ) -> None:
        self._http = http
        self._key = key
        self._secret = secret
        self._nonces = NonceSource(wall, scale=1)  # the token request wants seconds

    async def issue(self, *, attempts: int = 3) -> Token:
        """A new token. The nonce is in seconds, so another client of the same key may
        have used this second already: a refusal is retried with a later nonce."""
        for attempt in range(1, attempts + 1):
            nonce = self._nonces.next()
            body = {
                "auth_type": "api_key",
                "key": self._key,
                "signature": sign(nonce, self._key, self._secret),
                "nonce": nonce,
            }
            try:
                return await self._ask("POST", TOKEN_PATH, body)
            except AuthFailed:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    async def renew(self, refresh_token: str) -> Token:
        return await self._ask("GET", f"{TOKEN_PATH}/{refresh_token}", None)

    async def _ask(self, verb: str, path: str, body: dict[str, object] | None) -> Token:
        shown = Request(verb, TOKEN_PATH if verb == "POST" else f"{TOKEN_PATH}/***")
        try:
            response = await self._http.request(verb, path, json=body, auth=None)
        except HTTPX_FAILURES as exc:  # the adapter's edge: httpx's failures become ours
            raise transport_error(exc, shown) from exc
        try:
            classify(response, shown)
        except Rejected as exc:  # 400/404/422 on a token request: the credentials are at fault
            raise AuthFailed(f"could not obtain a Splynx access token: {exc}") from exc
        try:
            answer = _TokenAnswer.model_validate_json(response.content)
        except ValidationError as exc:
            raise ProtocolError(f"unexpected answer to {verb} {TOKEN_PATH}: {exc}") from None
        return Token(
            answer.access_token,
            answer.access_token_expiration,
            answer.refresh_token,
            answer.refresh_token_expiration,
        )


class TokenAuth(SplynxAuth):
    """One shared access token, renewed ``margin`` seconds before it expires, by one request."""

    def __init__(
        self, issuer: TokenIssuer, *, wall: WallClock = time.time, margin: float = 60.0
    ) -> None:
        self._issuer = issuer
        self._wall = wall
        self._margin = margin
        self._token: Token | None = None
        self._lock = anyio.Lock()
        self.issued = 0
        self.renewed = 0

    def _fresh(self, token: Token | None) -> bool:
        return token is not None and self._wall() + self._margin < token.expires

    async def current(self) -> Token:
        """The valid token, obtaining or renewing it first if needed (single flight)."""
        if self._fresh(self._token):
            assert self._token is not None
            return self._token
        async with self._lock:
            if not self._fresh(self._token):
                self._token = await self._obtain(self._token)
            assert self._token is not None
            return self._token

    async def _obtain(self, old: Token | None) -> Token:
        token = await self._fetch(old)
        redactor.add([token.access, token.refresh])  # the renewal URL holds the refresh token
        return token

    async def _fetch(self, old: Token | None) -> Token:
        if old is not None and self._wall() + self._margin < old.refresh_expires:
            try:
                token = await self._issuer.renew(old.refresh)
            except AuthFailed as exc:
                log.info("token renewal refused (%s); requesting a new token", exc)
            else:
                self.renewed += 1
                log.debug("access token renewed")
                return token
        token = await self._issuer.issue()
        self.issued += 1
        log.debug("access token issued")
        return token

    def invalidate(self, token: Token) -> None:
        """Forget ``token`` after a 401, unless another writer already replaced it."""
        if self._token is token:
            self._token = Token(token.access, 0.0, token.refresh, token.refresh_expires)

    async def async_auth_flow(self, request: httpx.Request) -> Flow:
        token = await self.current()
        request.headers["Authorization"] = f"Splynx-EA (access_token={token.access})"
        response = yield request
        if response.status_code == 401:
            self.invalidate(token)
            token = await self.current()
            request.headers["Authorization"] = f"Splynx-EA (access_token={token.access})"
            yield request
