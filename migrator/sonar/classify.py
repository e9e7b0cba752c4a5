"""What a Sonar HTTP answer means: the one place that decides, as a pure function.

``classify(answer)`` returns the GraphQL ``data`` of a good answer or raises
one of ours, by what the caller should do (see ``migrator.errors``):

- rate limited (``RateLimited``, retried after Retry-After): HTTP 429, or the
  body ``{"error": "Request limit of 400/min reached."}`` whatever the status
  (Sonar documents the body, not the status);
- 5xx, and GraphQL errors Sonar files under ``internal`` (``ServerError``);
- 401 or an "unauthenticated" answer (``AuthFailed``), 403 (``PermissionDenied``);
- a GraphQL error refusing the query as too complex or too deep (in the words
  of graphql-php, which PHP GraphQL servers build on: "Max query complexity
  should be N but got M."; whether Sonar sets such a limit is unknown):
  ``DocumentTooLarge``, a ``ProtocolError`` a reader may answer with smaller
  documents;
- every other 4xx, a redirect, a GraphQL validation error, an answer that is
  not GraphQL JSON (``ProtocolError``: fatal, retrying cannot help).

Timeouts and dropped connections never produce an answer; the transport
adapter maps those.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json

from migrator.errors import (
    AuthFailed,
    DocumentTooLarge,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
)
from migrator.logconfig import redactor
from migrator.policy.retry_after import parse_retry_after

__all__ = ["EXCERPT", "HttpAnswer", "classify"]

EXCERPT = 300  # characters of a body quoted in an error message
# How graphql-php (under Lighthouse and rebing/graphql-laravel alike) words the refusal of a
# query over its complexity or depth limit; also the words other servers use for one.
_TOO_LARGE = re.compile(r"query (complexity|depth)|too (complex|large|big)", re.IGNORECASE)


@dataclass(frozen=True)
class HttpAnswer:
    """The parts of an HTTP response classification looks at."""

    status: int
    body: bytes
    retry_after: str | None = None
    location: str | None = None


def _excerpt(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    if len(text) > EXCERPT:
        text = text[:EXCERPT] + "…"
    return redactor(text) or "(empty body)"


def _json(body: bytes) -> Any:
    # pydantic-core's parser: a third less CPU than json.loads on Sonar's pages (measured on
    # the simulator's: 1.7 ms against 2.4 ms for 100 accounts with their relations).
    try:
        return from_json(body)
    except ValueError:
        pass
    # pydantic-core refuses a lone surrogate escape ("\ud800"), which JSON allows and a
    # Sonar string may hold: the standard parser keeps it, and the transforms clean it.
    try:
        return json.loads(body)
    except ValueError:  # not JSON, or not UTF-8
        return None


def _rate_limit_message(payload: Any) -> str | None:
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        message = payload["error"]
        if "request limit" in message.lower():
            return str(message)
    return None


def _graphql_errors(errors: Any) -> None:
    """Raise for a non-empty GraphQL ``errors`` list."""
    first = errors[0] if isinstance(errors, list) and errors else {}
    message = first.get("message", "") if isinstance(first, dict) else str(first)
    extensions = first.get("extensions") if isinstance(first, dict) else None
    category = extensions.get("category", "") if isinstance(extensions, dict) else ""
    if category == "authentication" or "unauthenticated" in str(message).lower():
        raise AuthFailed(f"Sonar refused the token: {message}; check SONAR_TOKEN")
    if category == "internal":
        raise ServerError(f"Sonar failed internally: {message}")
    if _TOO_LARGE.search(str(message)):
        raise DocumentTooLarge(f"Sonar refused the query as too large: {redactor(str(message))}")
    raise ProtocolError(f"Sonar rejected the query: {redactor(str(message))}")


def _by_status(answer: HttpAnswer, payload: Any) -> None:
    """Raise for any status that is not 2xx (rate limits already handled)."""
    status, excerpt = answer.status, _excerpt(answer.body)
    if status == 401:
        raise AuthFailed(f"Sonar refused the token (HTTP 401): {excerpt}; check SONAR_TOKEN")
    if status == 403:
        raise PermissionDenied(
            f"Sonar denied access (HTTP 403): {excerpt}", endpoint="/api/graphql"
        )
    if status >= 500:
        raise ServerError(
            f"Sonar failed (HTTP {status}): {excerpt}",
            retry_after=parse_retry_after(answer.retry_after),
        )
    if 300 <= status < 400:
        raise ProtocolError(
            f"Sonar redirected (HTTP {status}) to {answer.location or '?'}: set SONAR_URL to "
            "the instance's base URL, https:// included"
        )
    if isinstance(payload, dict) and payload.get("errors"):
        _graphql_errors(payload["errors"])
    raise ProtocolError(f"Sonar rejected the request (HTTP {status}): {excerpt}")


def classify(answer: HttpAnswer) -> dict[str, Any]:
    """The ``data`` of a good answer; otherwise raise what the caller should act on."""
    payload = _json(answer.body)
    limit = _rate_limit_message(payload)
    if answer.status == 429 or limit is not None:
        raise RateLimited(
            f"Sonar rate limit: {limit or _excerpt(answer.body)}",
            retry_after=parse_retry_after(answer.retry_after),
        )
    if not 200 <= answer.status < 300:
        _by_status(answer, payload)
    if not isinstance(payload, dict):
        raise ProtocolError(f"Sonar answered something that is not JSON: {_excerpt(answer.body)}")
    if payload.get("errors"):
        _graphql_errors(payload["errors"])
    if isinstance(payload.get("error"), str):
        message = payload["error"]
        if "unauth" in message.lower():
            raise AuthFailed(f"Sonar refused the token: {message}; check SONAR_TOKEN")
        raise ProtocolError(f"Sonar answered an error: {redactor(message)}")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise ProtocolError(f"Sonar's answer has no GraphQL data: {_excerpt(answer.body)}")
    return data
