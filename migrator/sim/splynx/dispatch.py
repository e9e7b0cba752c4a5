"""The request handler: route, authenticate, authorize, then the operation for the verb.

Order as Yii2 runs it: an unknown path is 404 before anything else; then the
Authorization header (401); then the key's permission for the endpoint (403,
OPTIONS included); then the verb: 405 where the endpoint does not offer it,
400 "Missing required parameters: id" for PUT/DELETE without an id (as the
live server answered). ``/admin/auth/tokens`` and ``/admin/api/check`` need no
header (the latter unless ``checkAuth`` is set).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from migrator.sim.splynx.auth import Authenticator, Principal
from migrator.sim.splynx.errors import (
    SplynxError,
    ValidationFailed,
    json_response,
    validation_response,
)
from migrator.sim.splynx.handlers import Endpoint, Operations
from migrator.sim.splynx.query import MalformedSearch, SearchError, parse_php_query, parse_search
from migrator.sim.splynx.requests import Permissions, read_body
from migrator.sim.splynx.routing import Route, Router

__all__ = ["SplynxApi", "error_middleware"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_TRUE = {"1", "true", "yes"}


def _not_allowed(allowed: str) -> SplynxError:
    """Yii2's VerbFilter answer, in the envelope."""
    message = (
        f"Method Not Allowed. This URL can only handle the following request methods: {allowed}."
    )
    return SplynxError(405, message, "METHOD_NOT_ALLOWED", headers={"Allow": allowed})


class SplynxApi:
    """Serves ``/api/2.0/{path}``."""

    def __init__(
        self,
        router: Router,
        endpoints: dict[str, Endpoint],
        operations: Operations,
        auth: Authenticator,
        permissions: Permissions,
    ) -> None:
        self.router = router
        self.endpoints = endpoints
        self.operations = operations
        self.auth = auth
        self.permissions = permissions

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"].strip("/")
        if path == "admin/auth/tokens" or path.startswith("admin/auth/tokens/"):
            return await self._tokens(request, path[len("admin/auth/tokens") :].strip("/"))
        if path == "admin/api/check":
            return self._check(request)
        route = self.router.resolve(path)
        if route is None:
            raise SplynxError(404, "Page not found.", "NOT_FOUND")
        principal = self.auth.authenticate(request.headers, request.remote or "")
        self.permissions.check(route.resource.name, request.method)
        return await self._operate(request, route, principal)

    async def _operate(
        self, request: web.Request, route: Route, principal: Principal
    ) -> web.StreamResponse:
        endpoint = self.endpoints[route.resource.name]
        ops, method = self.operations, request.method
        if method == "OPTIONS":
            return ops.options(endpoint)
        if method in {"GET", "HEAD"}:
            search = parse_search(parse_php_query(request.rel_url.raw_query_string))
            if route.collection or method == "HEAD":
                run = ops.count if method == "HEAD" else ops.list
                return await run(endpoint, route, search, principal)
            return await ops.get(endpoint, route, principal)
        resource = route.resource
        if method not in resource.verbs or (method == "POST" and not route.collection):
            raise _not_allowed(resource.path_verbs)
        if method in {"PUT", "DELETE"} and route.collection:
            raise SplynxError(400, "Missing required parameters: id", "BAD_REQUEST")
        if method == "DELETE":
            return await ops.delete(endpoint, route, principal)
        body = await self._body(request)
        if method == "POST":
            return await ops.create(endpoint, route, body, principal)
        if "action" in request.query:
            raise SplynxError(
                400, "Starting and stopping services is disabled in config.", "BAD_REQUEST"
            )
        return await ops.update(endpoint, route, body, principal)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        """The body, plus ``additional_attributes`` sent in the query string (blueprint §AF)."""
        body = await read_body(request)
        query = parse_php_query(request.rel_url.raw_query_string).get("additional_attributes")
        if isinstance(query, dict):
            given = body.get("additional_attributes")
            body["additional_attributes"] = {**query, **(given if isinstance(given, dict) else {})}
        return body

    async def _tokens(self, request: web.Request, token: str) -> web.StreamResponse:
        agent = request.headers.get("User-Agent", "")
        ip = request.remote or ""
        if request.method in {"OPTIONS", "HEAD"}:
            raise SplynxError(500)  # what the live server answered (reference §1.3)
        if request.method == "POST" and not token:
            answer = self.auth.issue(await read_body(request), agent, ip)
            return json_response(answer, status=201)
        if request.method == "GET" and token:
            return json_response(self.auth.renew(token, agent, ip))
        if request.method == "DELETE" and token:
            self.auth.revoke(token)
            return web.Response(status=204)
        if request.method in {"PUT", "DELETE"}:
            raise SplynxError(400, "Missing required parameters: token", "BAD_REQUEST")
        raise _not_allowed("POST" if not token else "GET, DELETE")

    def _check(self, request: web.Request) -> web.StreamResponse:
        if request.method != "GET":
            raise _not_allowed("GET")
        if request.query.get("checkAuth", "").lower() in _TRUE:
            self.auth.authenticate(request.headers, request.remote or "")
        return json_response({"status": "ok", "message": "API is valid", "same_server": 0})


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure in Splynx's shape; a simulator bug is a logged 500, never a traceback."""
    try:
        return await handler(request)
    except SplynxError as error:
        return error.response()
    except ValidationFailed as failure:
        return validation_response(failure)
    except SearchError as error:
        return SplynxError(400, str(error), "BAD_REQUEST").response()
    except MalformedSearch:
        return SplynxError(500).response()
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return SplynxError(error.status, error.reason).response()
    except ConnectionResetError:
        # The client went away mid-request (a killed or interrupted migrator): not our failure.
        log.debug("client left during %s %s", request.method, request.path)
        raise
    except Exception:
        log.exception("simulator failure on %s %s", request.method, request.path)
        return SplynxError(500).response()
