"""The request handler: route, authenticate, authorize, then the operation for the verb.

Order as Yii2 runs it: an unknown path is 404 before anything else; then the
Authorization header (401); then the caller's permission for the endpoint
(403, OPTIONS included; ``principals.Access``); then the verb: 405 where the
endpoint does not offer it, 400 "Missing required parameters: id." for
PUT/DELETE without an id (as the live server answered). The Auth and Api
groups (``auth_endpoints.py``) are answered before routing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from migrator.sim.splynx.auth import Authenticator
from migrator.sim.splynx.auth_endpoints import AuthEndpoints
from migrator.sim.splynx.config_endpoints import FIELDS_PATH, FieldDefinitions
from migrator.sim.splynx.errors import (
    SplynxError,
    ValidationFailed,
    method_disabled,
    missing_id,
    not_allowed,
    validation_response,
)
from migrator.sim.splynx.handlers import Endpoint, Operations
from migrator.sim.splynx.principals import Access, Principal
from migrator.sim.splynx.query import (
    MalformedSearch,
    SearchError,
    parse_php_query,
    parse_search,
    with_plain_filters,
)
from migrator.sim.splynx.requests import read_body
from migrator.sim.splynx.routing import Route, Router

__all__ = ["SplynxApi", "error_middleware"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class SplynxApi:
    """Serves ``/api/2.0/{path}``."""

    def __init__(
        self,
        router: Router,
        endpoints: dict[str, Endpoint],
        operations: Operations,
        auth: Authenticator,
        access: Access,
        auth_endpoints: AuthEndpoints,
        field_definitions: FieldDefinitions,
    ) -> None:
        self.router = router
        self.endpoints = endpoints
        self.operations = operations
        self.auth = auth
        self.access = access
        self.auth_endpoints = auth_endpoints
        self.field_definitions = field_definitions

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"].strip("/")
        answer = await self.auth_endpoints.answer(request, path)
        if answer is not None:
            return answer
        if self.router.disabled(path):
            self.auth.authenticate(request.headers, request.remote or "")
            raise method_disabled()
        if self.field_definitions.serves(path):
            principal = self.auth.authenticate(request.headers, request.remote or "")
            self.access.check_name(principal, FIELDS_PATH, request.method)
            return await self.field_definitions.answer(request, path)
        route = self.router.resolve(path)
        if route is None:
            raise SplynxError(404, "Page not found.", "NOT_FOUND")
        principal = self.auth.authenticate(request.headers, request.remote or "")
        self.access.check(principal, route, request.method)
        return await self._operate(request, route, principal)

    async def _operate(
        self, request: web.Request, route: Route, principal: Principal
    ) -> web.StreamResponse:
        endpoint = self.endpoints[route.resource.name]
        ops, method, resource = self.operations, request.method, route.resource
        if method == "OPTIONS":
            return ops.options(endpoint)
        if route.action is not None:
            if method != "PUT":
                raise not_allowed("PUT")
            return await ops.act(endpoint, route, await self._body(request), principal)
        if method in {"GET", "HEAD"}:
            return await self._read(request, endpoint, route, principal)
        if method not in resource.verbs or (method == "POST" and not route.collection):
            if resource.missing_verb_status == 404:
                raise SplynxError(404, "Page not found.", "NOT_FOUND")
            raise not_allowed(resource.path_verbs)
        if method in {"PUT", "DELETE"} and route.collection:
            raise missing_id()
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

    async def _read(
        self, request: web.Request, endpoint: Endpoint, route: Route, principal: Principal
    ) -> web.StreamResponse:
        ops, method = self.operations, request.method
        if method == "GET" and route.resource.reads_disabled:
            raise method_disabled()  # refill-cards: GET 405, HEAD 204 (reference §2.1)
        raw = request.rel_url.raw_query_string
        # surrogateescape keeps the bytes of a packed IP (inet_pton) for the endpoints
        # searching by one; everywhere else they read as U+FFFD, as before
        params = parse_php_query(raw, errors="surrogateescape")
        search = with_plain_filters(parse_search(params), params, route.resource.plain_filters)
        if route.collection or route.resource.item_list_by is not None:
            run = ops.count if method == "HEAD" else ops.list
            return await run(endpoint, route, search, principal)
        if method == "HEAD":
            return await ops.count(endpoint, route, search, principal)
        return await ops.get(endpoint, route, principal)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        """The body, plus ``additional_attributes`` sent in the query string (blueprint §AF)."""
        body = await read_body(request)
        query = parse_php_query(request.rel_url.raw_query_string).get("additional_attributes")
        if isinstance(query, dict):
            given = body.get("additional_attributes")
            body["additional_attributes"] = {**query, **(given if isinstance(given, dict) else {})}
        return body


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
