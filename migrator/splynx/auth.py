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
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass

import anyio
import httpx
from pydantic import BaseModel, ValidationError

from migrator.errors import AuthFailed, NonceRefused, ProtocolError, Rejected
from migrator.logconfig import redactor
from migrator.splynx.classify import HTTPX_FAILURES, Request, classify, transport_error
from migrator.splynx.nonces import NonceSource, WallClock
from migrator.splynx.query import http_build_query
from migrator.splynx.transport import SIGN_AT_SEND

__all__ = [
    "TOKEN_PATH",
    "BasicAuth",
    "SignatureAuth",
    "SplynxAuth",
    "Token",
    "TokenAuth",
    "TokenIssuer",
    "sign",
]

log = logging.getLogger(__name__)
Flow = AsyncGenerator[httpx.Request, httpx.Response]
TOKEN_PATH = "admin/auth/tokens"


def sign(nonce: int, key: str, secret: str) -> str:
    """Splynx's signature: HMAC-SHA256 of ``str(nonce) + key`` keyed by the secret, upper hex."""
    message = f"{nonce}{key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest().upper()


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
    """A signed nonce per request, taken as the request goes out; a refused nonce is re-signed.

    Splynx (with nonce checking on) refuses a nonce not above the last one it
    accepted, so a request must carry the newest nonce when it reaches the
    wire: the flow signs it, and hands the transport (``SIGN_AT_SEND``) a
    function that signs it again as it goes out if any other request was
    signed meanwhile. Nonces never go backwards across processes either
    (``NonceSource`` with its ledger).

    Requests on separate connections can still be checked by Splynx in
    another order than they were sent (its workers take different times to
    reach the check), and the later one is refused. A refused request did
    nothing, so it is signed again and re-sent at once, ``resign`` times; two
    refusals in a row with no success between them mean Splynx saw higher
    nonces than ours (another client of the key, a lost ledger), and the
    source jumps ahead, twice as far each time. Still refused, the request
    raises ``NonceRefused`` (retriable: the retry policy tries it again
    later) when the refusal names the nonce or this key was accepted before;
    otherwise the 401 goes back to the client, which reports the credentials.
    """

    def __init__(
        self,
        key: str,
        secret: str,
        *,
        nonces: NonceSource | None = None,
        resign: int = 5,
        jump: int = 100,
    ) -> None:
        self._key = key
        self._secret = secret
        self._nonces = nonces or NonceSource()
        self._resign = resign
        self._jump = jump
        self._refused_in_a_row = 0
        self._accepted = False
        self.resigned = 0

    def header(self, nonce: int | None = None) -> str:
        nonce = self._nonces.next() if nonce is None else nonce
        signature = sign(nonce, self._key, self._secret)
        query = http_build_query({"key": self._key, "signature": signature, "nonce": nonce})
        return f"Splynx-EA ({query})"

    def _signed(self, request: httpx.Request) -> None:
        nonce = self._nonces.next()
        request.headers["Authorization"] = self.header(nonce)

        def at_send() -> str:  # still the newest nonce: keep it; else a new one
            return self.header(nonce) if self._nonces.last == nonce else self.header()

        request.extensions = {**request.extensions, SIGN_AT_SEND: at_send}

    def _refused(self) -> None:
        self._refused_in_a_row += 1
        self.resigned += 1
        if self._refused_in_a_row > 1:  # in a row: Splynx has seen nonces above ours
            self._nonces.skip(self._jump * 2 ** (self._refused_in_a_row - 2))

    async def async_auth_flow(self, request: httpx.Request) -> Flow:
        self._signed(request)
        response = yield request
        for _ in range(self._resign):
            if response.status_code != 401:
                break
            self._refused()
            self._signed(request)
            response = yield request
        if response.status_code != 401:
            self._refused_in_a_row = 0
            self._accepted = True
            return
        await response.aread()
        if self._accepted or "nonce" in response.text.lower():
            raise NonceRefused(
                f"Splynx refused the signed request's nonce {self._resign + 1} times "
                f"({request.method} {request.url.path}); it is signed again and retried"
            )


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
