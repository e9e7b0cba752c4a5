"""``POST /api/graphql``: GraphQL over HTTP the way Sonar serves it.

The body is the standard ``{"query", "variables", "operationName"}``. A body
that is not such an object is answered 400 with a GraphQL-shaped ``errors``
list; anything GraphQL itself objects to (syntax, validation, variables,
arguments the simulator cannot apply) is answered 200 with ``errors``, as
GraphQL servers over HTTP do. ASSUMPTION: Sonar uses these statuses; the
references are silent, and a client should read ``errors`` whatever the
status. Other methods on the path get 405; other paths 404.

``server_error`` is what a failing Sonar looks like for the fault injector:
ASSUMPTION: the application's own 500 is Laravel's JSON
``{"message": "Server Error"}``, while 502/503 come from the proxy in front
of it as HTML. A client must not depend on any 5xx body.

``max_answer_entities`` (``--max-answer-entities``) models a limit on how big
an answer Sonar can build: an answer holding more entities (records in
``entities`` lists, at any depth) than that fails with that same 500.
ASSUMPTION: Sonar documents no such limit and none is known; a PHP server
that builds a too-large answer runs out of its memory or time limit, which
Laravel in production answers as its generic 500. The other shapes such a
failure could take (the proxy's 504 after a timeout, or graphql-php's
"Max query complexity should be N but got M." refusal) are classified by the
client the same way: as a document to ask again in smaller pieces.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from migrator.sim.sonar.graph import SonarContext, execute_request

__all__ = ["GraphQLEndpoint", "answer_entities", "server_error"]

log = logging.getLogger(__name__)

_PROXY_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
)


def server_error(status: int) -> web.Response:
    if status == 500:
        return web.json_response({"message": "Server Error"}, status=500)
    reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Server Error")
    return web.Response(
        status=status,
        text=_PROXY_PAGE.format(status=status, reason=reason),
        content_type="text/html",
    )


def _bad_request(message: str) -> web.Response:
    return web.json_response({"errors": [{"message": message}]}, status=400)


def _shape_problem(body: Any) -> str | None:
    """Why ``body`` is not a GraphQL-over-HTTP request, or ``None`` when it is one."""
    if not isinstance(body, Mapping):
        return "The request body must be a JSON object with a 'query'."
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        return "The request must have a 'query' string."
    if body.get("variables") is not None and not isinstance(body["variables"], Mapping):
        return "'variables' must be a JSON object."
    operation = body.get("operationName")
    if operation is not None and not isinstance(operation, str):
        return "'operationName' must be a string."
    return None


def answer_entities(value: Any) -> int:
    """How many entities an answer holds: the items of every ``entities`` list, nested
    ones included."""
    if isinstance(value, list):
        return sum(answer_entities(item) for item in value)
    if not isinstance(value, dict):
        return 0
    count = 0
    for key, item in value.items():
        if key == "entities" and isinstance(item, list):
            count += len(item)
        count += answer_entities(item)
    return count


class GraphQLEndpoint:
    """The handler of ``POST /api/graphql`` for one dataset."""

    def __init__(self, context: SonarContext, *, max_answer_entities: int = 0) -> None:
        self.context = context
        self.max_answer_entities = max_answer_entities

    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        try:
            body = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _bad_request("The request body is not valid JSON.")
        problem = _shape_problem(body)
        if problem is not None:
            return _bad_request(problem)
        result = execute_request(body, self.context)
        if self.max_answer_entities and "data" in result:
            held = answer_entities(result["data"])
            if held > self.max_answer_entities:
                log.info(
                    "%s: an answer of %d entities, over --max-answer-entities %d: HTTP 500",
                    body.get("operationName") or "(anonymous)",
                    held,
                    self.max_answer_entities,
                )
                return server_error(500)
        log.debug(
            "POST %s %s: %s in %.1f ms",
            request.path,
            body.get("operationName") or "(anonymous)",
            "errors" if "errors" in result else "ok",
            (time.perf_counter() - started) * 1000,
        )
        return web.Response(text=json.dumps(result), content_type="application/json")
