"""``POST admin/auth/tokens``: an access token for each of the blueprint's four login types.

The blueprint's table of required attributes (L553-L566) and data structure
``Token request data`` (L1166-L1179):

- ``api_key``: ``key``, ``signature``, ``nonce`` ("a current timestamp in
  seconds", L80-L85; the official PHP library sends hundredths, and with nonce
  checking off either is fine, see ``auth.py``). The data structure lists
  ``secret`` "Required for auth type api_key" instead: ``key`` + ``secret``
  without a signature is accepted too.
- ``admin``: ``login``, ``password`` of an administrator (``code`` or
  ``fingerprint`` only when two-factor authentication is on; ASSUMPTION: no
  administrator of the simulator has it on, so they are ignored).
- ``customer``: ``login``, ``password`` of a portal customer.
- ``session``: ``session_id`` (the prose at L86 calls it ``session``; both are
  read) of a Splynx session made by ``POST admin/auth/sessions``. A session
  whose user the API does not support, or no such session, is ``INVALID_USER``
  (blueprint L211).

Failures answer 401 in the error envelope. A missing ``auth_type`` is
``INVALID_AUTH_TYPE`` with a message whose answer is the 110 bytes the live
server sent for ``POST admin/auth/tokens {}`` (reference §1.3; the text is
ours, the live one was not recorded); an unknown one has the blueprint's text
(L574). ASSUMPTIONS: a wrong login or password is ``UNAUTHORIZED``; any live
(not deleted) customer may log in whatever its status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from migrator.sim.splynx.auth import Authenticator
from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.passwords import matches
from migrator.sim.splynx.principals import Kind, Principal
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.store import Row, Store
from migrator.sim.splynx.tokens import SessionRegistry, TokenRegistry

__all__ = ["AUTH_TYPES", "LoginDesk"]

AUTH_TYPES = ("admin", "customer", "api_key", "session")
MISSED_AUTH_TYPE = "Required attribute auth_type is missed."
INVALID_AUTH_TYPE = (
    "Invalid authentication type. Allowed types: admin, customer, api_key or session."
)
_LIVE = Condition("deleted", "=", ("0",))


def _refused(message: str, code: str = "UNAUTHORIZED") -> SplynxError:
    return SplynxError(401, message, code)


class LoginDesk:
    """Checks a token request for its ``auth_type`` and issues the token."""

    def __init__(
        self,
        auth: Authenticator,
        tokens: TokenRegistry,
        sessions: SessionRegistry,
        store: Store,
    ) -> None:
        self._auth = auth
        self._tokens = tokens
        self._sessions = sessions
        self._store = store
        self._by_type: dict[str, Callable[[Mapping[str, Any]], Awaitable[Principal]]] = {
            "api_key": self._api_key,
            "admin": self._admin,
            "customer": self._customer,
            "session": self._session,
        }

    async def issue(self, body: Mapping[str, Any], user_agent: str, ip: str) -> dict[str, Any]:
        """The ``Token generate response`` (201 body), or the SplynxError to answer."""
        auth_type = body.get("auth_type")
        if auth_type is None or auth_type == "":
            raise _refused(MISSED_AUTH_TYPE, "INVALID_AUTH_TYPE")
        login = self._by_type.get(auth_type) if isinstance(auth_type, str) else None
        if login is None:
            raise _refused(INVALID_AUTH_TYPE, "INVALID_AUTH_TYPE")
        principal = await login(body)
        return self._tokens.issue(principal, user_agent, ip).answer(with_permissions=True)

    async def _api_key(self, body: Mapping[str, Any]) -> Principal:
        if "secret" in body and "signature" not in body:
            key, secret = str(body.get("key") or ""), str(body.get("secret") or "")
            return self._auth.with_secret(key, secret, method="token")
        return self._auth.signed(body, scope="token", method="token")

    async def _admin(self, body: Mapping[str, Any]) -> Principal:
        return await self._person("admins", "admin", body)

    async def _customer(self, body: Mapping[str, Any]) -> Principal:
        return await self._person("customers", "customer", body)

    async def _person(self, table: str, kind: Kind, body: Mapping[str, Any]) -> Principal:
        login, password = body.get("login"), body.get("password")
        if not isinstance(login, str) or not isinstance(password, str) or not login:
            raise _refused("Invalid login or password.")
        row = await self._find(table, login)
        if row is None or not matches(row.get("password"), password):
            raise _refused("Invalid login or password.")
        return Principal(kind, int(row["id"]), "token")

    async def _find(self, table: str, login: str) -> Row | None:
        query = Query((Condition("login", "=", (login,)), _LIVE), limit=1)
        async with self._store.session() as session:
            rows = await session.select(table, query)
        return rows[0] if rows else None

    async def _session(self, body: Mapping[str, Any]) -> Principal:
        session_id = body.get("session_id") or body.get("session")
        owner = self._sessions.owner(session_id) if isinstance(session_id, str) else None
        if owner is None or owner.kind == "api":
            raise _refused(
                "Generating a token by this session failed: its user is not supported in API.",
                "INVALID_USER",
            )
        return Principal(owner.kind, owner.ident, "token")
