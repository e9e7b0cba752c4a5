"""The endpoints of the blueprint's Auth and Api groups, which need no record store.

- ``admin/auth/tokens`` (blueprint L539-L606): ``POST`` logs in (``logins.py``,
  201), ``GET /{refresh_token}`` renews (200), ``DELETE /{token}`` ends a token
  (204). No header is needed. The live answers with a Basic header (reference
  §1.3, sizes from ``405_error_investigation``): ``GET`` without a token 405 in
  276 bytes, ``PUT``/``DELETE`` without one 400 in 97 bytes, ``OPTIONS`` 500 in
  84 bytes, ``HEAD`` 500. Sizes are matched with texts of our own.
- ``admin/auth/sessions`` (L654-L665): ``POST`` with an administrator's or a
  customer's token opens a session (201 ``{session_id, csrf_token}``). An API
  key is refused 403, as the live server refused ``GET`` with a Basic key
  (reference §2.1).
- ``admin/auth/two-factor-status`` (L640-L651): ``POST {login}`` answers 201
  ``{two_factor_enabled}``; ``GET`` was 405 live. ASSUMPTION: it needs no
  header (it is asked before logging in) and 2FA is off for everyone.
- ``admin/api/check`` (L669-L686): 200 ``{"status":"ok","message":"API is
  valid","same_server":0}`` (the live ``0``, not the blueprint's ``false``);
  ``checkAuth`` set makes it check the header.
- ``admin/dashboard/dashboard``, ``admin/auth/trusted-devices`` and ``portal/*``
  answered 403 to an API key live (reference §2.1): so here. ASSUMPTION: for an
  administrator or customer they are not simulated (404).
"""

from __future__ import annotations

from aiohttp import web

from migrator.sim.splynx.auth import Authenticator
from migrator.sim.splynx.errors import SplynxError, json_response, missing_id, not_allowed
from migrator.sim.splynx.logins import LoginDesk
from migrator.sim.splynx.requests import read_body
from migrator.sim.splynx.tokens import SessionRegistry, TokenRegistry

__all__ = ["AuthEndpoints"]

TOKENS = "admin/auth/tokens"
SESSIONS = "admin/auth/sessions"
TWO_FACTOR = "admin/auth/two-factor-status"
CHECK = "admin/api/check"
NOT_FOR_KEYS = ("admin/dashboard/dashboard", "admin/auth/trusted-devices")
_TRUE = {"1", "true", "yes"}
# 204 characters: with the envelope, the 276 bytes of the live answer to GET admin/auth/tokens.
_TOKENS_GET = (
    "Method Not Allowed. This URL can only handle the following request methods: POST. "
    "To renew an access token send GET admin/auth/tokens/{refresh_token}; "
    "to delete one, send DELETE admin/auth/tokens/{token}."
)


class AuthEndpoints:
    """Answers the auth paths; ``answer`` returns None for every other path."""

    def __init__(
        self,
        auth: Authenticator,
        logins: LoginDesk,
        tokens: TokenRegistry,
        sessions: SessionRegistry,
    ) -> None:
        self._auth = auth
        self._logins = logins
        self._tokens = tokens
        self._sessions = sessions

    async def answer(self, request: web.Request, path: str) -> web.StreamResponse | None:
        if path == TOKENS or path.startswith(TOKENS + "/"):
            return await self._tokens_path(request, path[len(TOKENS) :].strip("/"))
        if path == SESSIONS:
            return self._open_session(request)
        if path == TWO_FACTOR:
            return await self._two_factor(request)
        if path == CHECK:
            return self._check(request)
        if path in NOT_FOR_KEYS or path.startswith("portal/"):
            principal = self._auth.authenticate(request.headers, request.remote or "")
            if principal.kind == "api":
                raise SplynxError(403, "You are not allowed to perform this action.", "FORBIDDEN")
            raise SplynxError(404, "Page not found.", "NOT_FOUND")
        return None

    async def _tokens_path(self, request: web.Request, token: str) -> web.StreamResponse:
        agent = request.headers.get("User-Agent", "")
        ip = request.remote or ""
        method = request.method
        if method in {"OPTIONS", "HEAD"}:
            raise SplynxError(500)  # as the live server answered (reference §1.3)
        if method == "POST" and not token:
            answer = await self._logins.issue(await read_body(request), agent, ip)
            return json_response(answer, status=201)
        if method == "GET" and token:
            renewed = self._tokens.renew(token, agent, ip)
            return json_response(renewed.answer(with_permissions=False))
        if method == "DELETE" and token:
            self._tokens.revoke(token)
            return web.Response(status=204)
        if method in {"PUT", "DELETE"} and not token:
            raise missing_id()
        if method == "GET":
            raise SplynxError(405, _TOKENS_GET, "METHOD_NOT_ALLOWED", headers={"Allow": "POST"})
        raise not_allowed("POST" if not token else "GET, DELETE")

    def _open_session(self, request: web.Request) -> web.StreamResponse:
        principal = self._auth.authenticate(request.headers, request.remote or "")
        if principal.kind == "api":
            raise SplynxError(403, "You are not allowed to perform this action.", "FORBIDDEN")
        if request.method != "POST":
            raise not_allowed("POST")
        return json_response(self._sessions.open(principal), status=201)

    async def _two_factor(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            raise not_allowed("POST")
        await read_body(request)
        return json_response({"two_factor_enabled": False}, status=201)

    def _check(self, request: web.Request) -> web.StreamResponse:
        if request.method != "GET":
            raise not_allowed("GET")
        if request.query.get("checkAuth", "").lower() in _TRUE:
            self._auth.authenticate(request.headers, request.remote or "")
        return json_response({"status": "ok", "message": "API is valid", "same_server": 0})
