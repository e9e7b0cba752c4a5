"""Splynx API v2.0 authentication of a request's ``Authorization`` header (reference §1).

Three ways (blueprint L16-L148):

- ``Basic base64(key:secret)``: only when the key has "Unsecure access"
  (``--unsecure-basic``, blueprint L24-L27), else 401.
- ``Splynx-EA (key=K&signature=S&nonce=N)``: S is upper-case hex HMAC-SHA256
  of ``str(N) + K`` keyed with the secret (blueprint L29-L58). Parameter order
  does not matter (it is read as a query string).
- ``Splynx-EA (access_token=T)`` (blueprint L139-L147): T from
  ``POST admin/auth/tokens`` (``logins.py``). A header with no parameters, or an
  empty ``access_token`` (what the official PHP library sends before it has a
  token: ``http_build_query`` drops a null), is ``EMPTY_ACCESS_TOKEN``
  ("Access token is missed", blueprint L205).

Nonces are a per-key setting, ``api.check_nonce`` (reference §1.2: the table's
default and the live key's value are ``'0'``). Off (the default,
``--check-nonce`` absent), any nonce the signature covers is accepted, so
clients that cache their nonce or mix seconds and hundredths work, as they do
against a real Splynx. On, a nonce must be a number above the last one the key
used (reference §1.2 [INF], ``api.last_nonce``), tracked apart for the header
and for the token login.

A nonce is read as PHP concatenates it into the signed message: a JSON number
``17000000001.0`` (what PHP's ``json_encode`` makes of ``round(microtime(true)
* 100)``, a float) is the text ``17000000001``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.principals import Principal
from migrator.sim.splynx.tokens import TokenRegistry

__all__ = ["Authenticator", "NonceGuard", "nonce_text", "same_text", "signature"]

_EA = re.compile(r"^Splynx-EA\s*(?:\((.*)\))?\s*$", re.IGNORECASE | re.DOTALL)


def signature(secret: str, nonce: int | str, key: str) -> str:
    """The blueprint's recipe: ``strtoupper(hash_hmac('sha256', $nonce . $key, $secret))``."""
    message = f"{nonce}{key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest().upper()


def nonce_text(value: Any) -> str:
    """The nonce as PHP's string conversion writes it (an integral float has no ``.0``)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same_text(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _unauthorized(message: str, code: str = "UNAUTHORIZED") -> SplynxError:
    return SplynxError(401, message, code)


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


class Authenticator:
    """Checks the Authorization header of every request, and an API key's credentials."""

    def __init__(
        self,
        key: str,
        secret: str,
        *,
        unsecure_basic: bool,
        check_nonce: bool,
        tokens: TokenRegistry,
        key_id: int = 1,
    ) -> None:
        self._key = key
        self._secret = secret
        self._unsecure_basic = unsecure_basic
        self._tokens = tokens
        self._key_id = key_id
        self._nonces = NonceGuard() if check_nonce else None

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
        params = dict(parse_qsl(match.group(1) or "", keep_blank_values=True))
        if "access_token" in params or not params:
            agent = headers.get("User-Agent", "")
            token = self._tokens.resolve(params.get("access_token", ""), agent, ip)
            return token.principal
        return self.signed(params, scope="header", method="signature")

    def _basic(self, header: str) -> Principal:
        if not self._unsecure_basic:
            raise _unauthorized('Basic authentication needs "Unsecure access" on the API key.')
        try:
            decoded = base64.b64decode(header.split(None, 1)[1], validate=True).decode()
        except (IndexError, binascii.Error, UnicodeDecodeError):
            raise _unauthorized("Malformed Basic credentials.") from None
        key, _, secret = decoded.partition(":")
        return self.with_secret(key, secret, method="basic")

    def with_secret(self, key: str, secret: str, *, method: str) -> Principal:
        """The key's principal if ``secret`` is its secret."""
        if not (same_text(key, self._key) and same_text(secret, self._secret)):
            raise _unauthorized("Invalid API key or secret.")
        return Principal("api", self._key_id, method)

    def signed(self, params: Mapping[str, Any], *, scope: str, method: str) -> Principal:
        """The key's principal if ``params`` carry its key, a nonce and their signature."""
        key = str(params.get("key") or "")
        given = str(params.get("signature") or "")
        nonce = nonce_text(params.get("nonce"))
        if not same_text(key, self._key):
            raise _unauthorized("Invalid API key.")
        if not nonce or not same_text(given, signature(self._secret, nonce, self._key)):
            raise _unauthorized("Invalid signature.")
        if self._nonces is not None:
            self._nonces.accept(f"{scope}:{key}", nonce)
        return Principal("api", self._key_id, method)
