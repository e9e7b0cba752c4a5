"""Access tokens and Splynx sessions, kept in memory on the injected clock.

Tokens (blueprint L60-L148, L539-L606):

- "Each token has expiration time of 30 minutes" (L62); the answer carries
  ``access_token_expiration`` and ``refresh_token_expiration`` as Unix times.
- ``GET admin/auth/tokens/{refresh_token}`` "extend[s] the duration of the
  token" (L125-L137): the example answers the same token values, so renewing
  moves the access expiry forward and keeps both tokens (no ``permissions``).
  Unknown refresh token: ``NOT_FOUND``; expired: ``EXPIRED_REFRESH_TOKEN``;
  another User-Agent or IP: ``USER_AGENT_CHANGED`` / ``IP_CHANGED`` (L593-L600).
- ``DELETE admin/auth/tokens/{token}`` deletes it (204). The official PHP and
  Python libraries log out by passing the *refresh* token, the blueprint names
  it "the token string": either value ends the token.
- A token works only from the User-Agent and IP that made it (L213-L214).

Sessions: ``POST admin/auth/sessions`` "Create new PHP session by current API
user" (L654-L665) answers ``{session_id, csrf_token}``; ``auth_type=session``
turns a session back into a token for its administrator or customer.

ASSUMPTIONS: the refresh token lives 30 days; a session does not expire; a
token or session value is 32 hex digits, like the blueprint's examples.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from migrator.sim.splynx.clock import SimClock
from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.principals import Principal

__all__ = ["ACCESS_TTL", "REFRESH_TTL", "SessionRegistry", "Token", "TokenRegistry"]

ACCESS_TTL = 30 * 60
REFRESH_TTL = 30 * 24 * 3600


def _unauthorized(message: str, code: str = "UNAUTHORIZED") -> SplynxError:
    return SplynxError(401, message, code)


@dataclass
class Token:
    access_token: str
    refresh_token: str
    access_expires: int
    refresh_expires: int
    user_agent: str
    ip: str
    principal: Principal

    def answer(self, with_permissions: bool) -> dict[str, Any]:
        """``Token generate response`` (with permissions) or ``Token renew response``."""
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
        self._by_access: dict[str, Token] = {}
        self._by_refresh: dict[str, Token] = {}

    def _now(self) -> int:
        return int(self._clock.now())

    def fresh(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"

    def issue(self, principal: Principal, user_agent: str, ip: str) -> Token:
        now = self._now()
        self._forget_dead(now)
        token = Token(
            self.fresh(),
            self.fresh(),
            now + ACCESS_TTL,
            now + REFRESH_TTL,
            user_agent,
            ip,
            principal,
        )
        self._by_access[token.access_token] = token
        self._by_refresh[token.refresh_token] = token
        return token

    def _forget_dead(self, now: int) -> None:
        for token in [t for t in self._by_refresh.values() if t.refresh_expires <= now]:
            self._drop(token)

    def _drop(self, token: Token) -> None:
        self._by_access.pop(token.access_token, None)
        self._by_refresh.pop(token.refresh_token, None)

    def _same_client(self, token: Token, user_agent: str, ip: str) -> None:
        if token.user_agent != user_agent:
            raise _unauthorized(
                "User agent changed since the token was made.", "USER_AGENT_CHANGED"
            )
        if token.ip != ip:
            raise _unauthorized("IP address changed since the token was made.", "IP_CHANGED")

    def resolve(self, access_token: str, user_agent: str, ip: str) -> Token:
        if not access_token:
            raise _unauthorized("Access token is missed.", "EMPTY_ACCESS_TOKEN")
        token = self._by_access.get(access_token)
        if token is None:
            raise _unauthorized("Access token is invalid.")
        self._same_client(token, user_agent, ip)
        if token.access_expires <= self._now():
            raise _unauthorized("Access token expired.", "EXPIRED_ACCESS_TOKEN")
        return token

    def renew(self, refresh_token: str, user_agent: str, ip: str) -> Token:
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


class SessionRegistry:
    """Splynx sessions of administrators and customers, by session id."""

    def __init__(self, tokens: TokenRegistry) -> None:
        self._tokens = tokens
        self._sessions: dict[str, Principal] = {}

    def open(self, principal: Principal) -> dict[str, str]:
        """``Create session response``: the session id and a CSRF token."""
        session_id = self._tokens.fresh()
        self._sessions[session_id] = principal
        return {"session_id": session_id, "csrf_token": self._tokens.fresh()}

    def owner(self, session_id: str) -> Principal | None:
        return self._sessions.get(session_id)
