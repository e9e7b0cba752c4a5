"""Splynx's error answers: the documented envelope, and the 422 body we had to choose.

Every error but a validation failure is the blueprint's envelope (reference
§2.2), sent as compact JSON (the live 405 body was exactly the 88 bytes of the
compact form)::

    {"error": {"message": "Method is disabled!", "code": 405, "internal_code": "METHOD_DISABLED"}}

Where the reference records only the size of a live answer, our text is
chosen so the answer has that size (the envelope and code are documented, the
words were not recorded): a 500 is the 84 bytes of ``OPTIONS admin/auth/tokens``,
a PUT or DELETE without an id the 97 bytes of ``refill-cards`` and
``auth/tokens`` (reference §1.3, §2.1; ``405_error_investigation``).

ASSUMPTION (the 422 body was never recorded, reference §2.3): a validation
failure answers 422 with Yii2's stock REST serializer body, a JSON list of
``{"field": <attribute>, "message": <text>}``. Splynx is a Yii2 application,
answers 422 (Yii2's status for model errors, not one of its own documented
codes) and keeps per-attribute messages (``logs_api.errors``), which is what
that serializer emits. Clients must treat any 422 body as opaque text plus
"this record was rejected".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

__all__ = [
    "FieldProblem",
    "SplynxError",
    "ValidationFailed",
    "envelope",
    "json_response",
    "method_disabled",
    "missing_id",
    "network_not_found",
    "not_allowed",
    "validation_response",
]

_REASONS = {
    400: ("BAD_REQUEST", "Bad request."),
    401: ("UNAUTHORIZED", "Your request was made with invalid credentials."),
    403: ("FORBIDDEN", "You are not allowed to perform this action."),
    404: ("NOT_FOUND", "Page not found."),
    405: ("METHOD_NOT_ALLOWED", "Method Not Allowed."),
    429: ("TOO_MANY_REQUESTS", "Rate limit exceeded."),
    500: ("SERVER_ERROR", "An error occurred."),
    502: ("SERVER_ERROR", "Bad gateway."),
    503: ("SERVER_ERROR", "Service temporarily unavailable."),
}


class SplynxError(Exception):
    """An answer in the envelope: HTTP status, message, internal code (+ headers)."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        internal_code: str | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        fallback = ("BAD_REQUEST", "Bad request.") if status < 500 else ("SERVER_ERROR", "Error.")
        default_code, default_message = _REASONS.get(status, fallback)
        self.status = status
        self.message = message or default_message
        self.internal_code = internal_code or default_code
        self.headers = headers or {}
        super().__init__(f"{status} {self.internal_code}: {self.message}")

    def response(self) -> web.Response:
        return json_response(
            envelope(self.status, self.message, self.internal_code),
            status=self.status,
            headers=self.headers,
        )


def not_allowed(allowed: str) -> SplynxError:
    """Yii2's VerbFilter answer, in the envelope."""
    message = (
        f"Method Not Allowed. This URL can only handle the following request methods: {allowed}."
    )
    return SplynxError(405, message, "METHOD_NOT_ALLOWED", headers={"Allow": allowed})


def missing_id() -> SplynxError:
    """PUT or DELETE on a collection URL: 400, the live answer's 97 bytes."""
    return SplynxError(400, "Missing required parameters: id.", "BAD_REQUEST")


def network_not_found(ident: int | None) -> SplynxError:
    """``GET ipv4-ip/1?limit=5`` answered 400 live where there was no network 1
    (reference §2.1); ASSUMPTION: the text (never recorded)."""
    return SplynxError(400, f"Network {ident} not found.", "BAD_REQUEST")


def method_disabled() -> SplynxError:
    """An action switched off for the API: the blueprint's example, 88 bytes as observed."""
    return SplynxError(405, "Method is disabled!", "METHOD_DISABLED")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class ValidationFailed(Exception):
    """One or more attributes were refused: answered 422 with per-field messages."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


def envelope(status: int, message: str, internal_code: str) -> dict[str, Any]:
    return {"error": {"message": message, "code": status, "internal_code": internal_code}}


def json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Compact JSON, as PHP's ``json_encode`` writes it."""
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return web.Response(
        text=text, status=status, content_type="application/json", charset="UTF-8", headers=headers
    )


def validation_response(failure: ValidationFailed) -> web.Response:
    body = [{"field": p.field, "message": p.message} for p in failure.problems]
    return json_response(body, status=422)
