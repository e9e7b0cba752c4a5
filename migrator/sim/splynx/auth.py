"""Splynx API v2.0 authentication, as the blueprint specifies it (reference §1).

Three ways, all in the ``Authorization`` header:

- ``Basic base64(key:secret)``: only when the key has "Unsecure access"
  (``--unsecure-basic``), else 401.
- ``Splynx-EA (key=K&signature=S&nonce=N)``: S is upper-case hex
  HMAC-SHA256 of ``str(N) + K`` keyed with the secret. Nonces must strictly
  increase per key (the ``api.check_nonce`` rule, reference §1.2): a replayed
  or older nonce is refused.
- ``Splynx-EA (access_token=T)``: T from ``POST /admin/auth/tokens`` with
  ``auth_type=api_key`` (key, signature, nonce; the nonce in seconds, also
  strictly increasing, tracked apart from the header's centisecond nonces).
  Tokens live 30 minutes; ``GET /admin/auth/tokens/{refresh_token}`` extends
  the same token (as the blueprint's example shows), ``DELETE`` ends it. A
  token works only from the User-Agent (and IP) that created it.

ASSUMPTIONS: the refresh token lives 30 days; ``secret`` in the token body (the
blueprint's data structure lists it) is accepted in place of signature+nonce;
the 401 messages are ours, the internal codes the blueprint's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from migrator.sim.splynx.clock import SimClock
from migrator.sim.splynx.errors import SplynxError

__all__ = ["Authenticator", "NonceGuard", "Principal", "TokenRegistry", "signature"]

ACCESS_TTL = 30 * 60
REFRESH_TTL = 30 * 24 * 3600
_EA = re.compile(r"^Splynx-EA\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)


def signature(secret: str, nonce: int | str, key: str) -> str:
    """The blueprint's recipe: ``strtoupper(hash_hmac('sha256', $nonce . $key, $secret))``."""
    message = f"{nonce}{key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest().upper()


def _unauthorized(message: str, code: str = "UNAUTHORIZED") -> SplynxError:
    return SplynxError(401, message, code)


@dataclass(frozen=True)
class Principal:
    """Who made a request: the API key's id (Splynx's ``added_by_id``) and how."""

    key_id: int
    method: str


class NonceGuard:
    """Remembers the last accepted nonce per scope; a nonce must exceed it."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def accept(self, scope: str, nonce: str) -> None:
        if not nonce.isdigit():
            raise _unauthorized("Nonce must be a number.")
        value = int(nonce)
        if value <= self._last.get(scope, -1):
            raise _unauthorized("Nonce has already been used or is too old.")
        self._last[scope] = value


@dataclass
class _Token:
    access_token: str
    refresh_token: str
    access_expires: int
    refresh_expires: int
    user_agent: str
    ip: str
    key_id: int

    def answer(self, with_permissions: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "access_token": self.access_token,
            "access_token_expiration": self.access_expires,
            "refresh_token": self.refresh_token,
            "refresh_token_expiration": self.refresh_expires,
        }
        if with_permissions:
            body["permissions"] = []
        return body


class TokenRegistry:
    """Access tokens by value, with their refresh tokens and expiry (on the injected clock)."""

    def __init__(self, clock: SimClock, rng: random.Random) -> None:
        self._clock = clock
        self._rng = rng
        self._by_access: dict[str, _Token] = {}
        self._by_refresh: dict[str, _Token] = {}

    def _now(self) -> int:
        return int(self._clock.now())

    def _fresh(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"

    def issue(self, key_id: int, user_agent: str, ip: str) -> _Token:
        now = self._now()
        self._forget_dead(now)
        token = _Token(
            self._fresh(),
            self._fresh(),
            now + ACCESS_TTL,
            now + REFRESH_TTL,
            user_agent,
            ip,
            key_id,
        )
        self._by_access[token.access_token] = token
        self._by_refresh[token.refresh_token] = token
        return token

    def _forget_dead(self, now: int) -> None:
        for token in [t for t in self._by_refresh.values() if t.refresh_expires <= now]:
            self._drop(token)

    def _drop(self, token: _Token) -> None:
        self._by_access.pop(token.access_token, None)
        self._by_refresh.pop(token.refresh_token, None)

    def _same_client(self, token: _Token, user_agent: str, ip: str) -> None:
        if token.user_agent != user_agent:
            raise _unauthorized(
                "User agent changed since the token was made.", "USER_AGENT_CHANGED"
            )
        if token.ip != ip:
            raise _unauthorized("IP address changed since the token was made.", "IP_CHANGED")

    def resolve(self, access_token: str, user_agent: str, ip: str) -> _Token:
        if not access_token:
            raise _unauthorized("Access token is missed.", "EMPTY_ACCESS_TOKEN")
        token = self._by_access.get(access_token)
        if token is None:
            raise _unauthorized("Access token is invalid.")
        self._same_client(token, user_agent, ip)
        if token.access_expires <= self._now():
            raise _unauthorized("Access token expired.", "EXPIRED_ACCESS_TOKEN")
        return token

    def renew(self, refresh_token: str, user_agent: str, ip: str) -> _Token:
        token = self._by_refresh.get(refresh_token)
        if token is None:
            raise SplynxError(404, "Refresh token not found.", "NOT_FOUND")
        self._same_client(token, user_agent, ip)
        if token.refresh_expires <= self._now():
            raise _unauthorized("Refresh token expired.", "EXPIRED_REFRESH_TOKEN")
        token.access_expires = self._now() + ACCESS_TTL
        return token

    def revoke(self, value: str) -> None:
        token = self._by_access.get(value) or self._by_refresh.get(value)
        if token is None:
            raise SplynxError(404, "Token not found.", "NOT_FOUND")
        self._drop(token)


class Authenticator:
    """Checks the Authorization header of every request and hands out tokens."""

    def __init__(
        self, key: str, secret: str, *, unsecure_basic: bool, tokens: TokenRegistry, key_id: int = 1
    ) -> None:
        self._key = key
        self._secret = secret
        self._unsecure_basic = unsecure_basic
        self._tokens = tokens
        self._key_id = key_id
        self._nonces = NonceGuard()

    def authenticate(self, headers: Mapping[str, str], ip: str) -> Principal:
        header = headers.get("Authorization", "").strip()
        if not header:
            raise _unauthorized(
                "Required authorization header is missed.", "MISSED_AUTHORIZATION_HEADER"
            )
        scheme = header.split(None, 1)[0].lower()
        if scheme == "basic":
            return self._basic(header)
        match = _EA.match(header)
        if match is None:
            raise _unauthorized("Unknown authorization type.")
        params = dict(parse_qsl(match.group(1), keep_blank_values=True))
        if "access_token" in params:
            agent = headers.get("User-Agent", "")
            token = self._tokens.resolve(params["access_token"], agent, ip)
            return Principal(token.key_id, "token")
        self._check_signature(params, scope="header")
        return Principal(self._key_id, "signature")

    def _basic(self, header: str) -> Principal:
        if not self._unsecure_basic:
            raise _unauthorized('Basic authentication needs "Unsecure access" on the API key.')
        try:
            decoded = base64.b64decode(header.split(None, 1)[1], validate=True).decode()
        except (IndexError, binascii.Error, UnicodeDecodeError):
            raise _unauthorized("Malformed Basic credentials.") from None
        key, _, secret = decoded.partition(":")
        if not (_same(key, self._key) and _same(secret, self._secret)):
            raise _unauthorized("Invalid API key or secret.")
        return Principal(self._key_id, "basic")

    def _check_signature(self, params: Mapping[str, Any], scope: str) -> None:
        key = str(params.get("key") or "")
        given = str(params.get("signature") or "")
        nonce = str(params.get("nonce") if params.get("nonce") is not None else "")
        if not _same(key, self._key):
            raise _unauthorized("Invalid API key.")
        if not nonce or not _same(given, signature(self._secret, nonce, self._key)):
            raise _unauthorized("Invalid signature.")
        self._nonces.accept(f"{scope}:{key}", nonce)

    def issue(self, body: Mapping[str, Any], user_agent: str, ip: str) -> dict[str, Any]:
        """``POST /admin/auth/tokens``: the 201 body, or the error to answer."""
        auth_type = body.get("auth_type")
        if auth_type not in {"admin", "customer", "api_key", "session"}:
            message = (
                "Invalid authentication type. Allowed types: admin, customer, api_key or session."
            )
            raise _unauthorized(message, "INVALID_AUTH_TYPE")
        if auth_type != "api_key":
            raise _unauthorized("Invalid login or password.")
        if "secret" in body and "signature" not in body:
            if not (_same(str(body.get("key") or ""), self._key)
                    and _same(str(body["secret"]), self._secret)):  # fmt: skip
                raise _unauthorized("Invalid API key or secret.")
        else:
            self._check_signature(body, scope="token")
        return self._tokens.issue(self._key_id, user_agent, ip).answer(with_permissions=True)

    def renew(self, refresh_token: str, user_agent: str, ip: str) -> dict[str, Any]:
        return self._tokens.renew(refresh_token, user_agent, ip).answer(with_permissions=False)

    def revoke(self, token: str) -> None:
        self._tokens.revoke(token)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
