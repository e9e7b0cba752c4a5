"""The one place that decides what a Splynx answer (or the lack of one) means.

Every request the client sends ends here, so "what do we do about it" is
decided once: 2xx is fine; 422 and other record-level 4xx reject this record
with the server's reasons; 429, 5xx and lost connections are retriable; 401 is
fatal (the auth strategy already re-authenticated once); 403 / 405 are fatal
and name the permission to grant. A create that was sent but got no answer is
``OutcomeUnknown``: the caller must look it up by marker before sending again.

The 422 body shape is undocumented (the blueprint never mentions 422), so field
errors are read tolerantly from any of the shapes seen in Splynx and Yii2 code,
and the raw text is always kept.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import httpx

from migrator.errors import (
    AuthFailed,
    ConfigError,
    FieldError,
    MigratorError,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    Rejected,
    ServerError,
    TransportError,
)
from migrator.policy.retry_after import parse_retry_after
from migrator.splynx.endpoints import Endpoint

__all__ = [
    "HTTPX_FAILURES",
    "RAW_LIMIT",
    "ErrorBody",
    "NotFound",
    "Request",
    "classify",
    "parse_error_body",
    "transport_error",
    "untrusted_certificate",
]

RAW_LIMIT = 20_000  # characters of a server answer kept verbatim with a rejection
_FIELD_KEYS = ("field", "attribute", "name", "param", "property")
_MESSAGE_KEYS = ("message", "error", "msg", "errors", "description")
_NESTED_KEYS = ("errors", "fields", "details", "data", "validation")
_ENVELOPE_KEYS = frozenset({"message", "code", "internal_code", "error", "status"})
_RETRIABLE_4XX = {408, 423, 425}


class NotFound(Rejected):
    """404 on a record (or a parent in its path): this record cannot be found or written."""


@dataclass(frozen=True)
class Request:
    """What was asked, for messages: verb, path and the endpoint (if a registered one)."""

    verb: str
    path: str
    endpoint: Endpoint | None = None
    create: bool = False

    def describe(self) -> str:
        return f"{self.verb} {self.path}"


@dataclass(frozen=True)
class ErrorBody:
    """What could be read from an error answer; ``raw`` is always the text as received."""

    raw: str
    message: str = ""
    internal_code: str = ""
    fields: list[FieldError] = field(default_factory=list)


def _field_errors_from_list(items: Iterable[object]) -> list[FieldError]:
    errors = []
    for item in items:
        if isinstance(item, dict):
            name = next((str(item[k]) for k in _FIELD_KEYS if item.get(k) is not None), "")
            text = next((item[k] for k in _MESSAGE_KEYS if item.get(k) is not None), "")
            errors.append(FieldError(name, _text(text)))
        elif isinstance(item, str):
            errors.append(FieldError("", item))
    return errors


def _field_errors_from_map(mapping: dict[str, object]) -> list[FieldError]:
    """``{"login": ["taken"], "name": "required"}`` (Yii form errors) → field errors."""
    if not mapping or _ENVELOPE_KEYS & mapping.keys():
        return []
    if not all(isinstance(v, str | list) for v in mapping.values()):
        return []
    return [FieldError(str(k), _text(v)) for k, v in mapping.items()]


def _text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _field_errors(data: object) -> list[FieldError]:
    if isinstance(data, list):
        return _field_errors_from_list(data)
    if isinstance(data, str) and data.lstrip().startswith(("[", "{")):
        try:
            return _field_errors(json.loads(data))
        except ValueError:
            return []
    if isinstance(data, dict):
        for key in _NESTED_KEYS:
            if key in data:
                found = _field_errors(data[key])
                if found:
                    return found
        if ("field" in data or "attribute" in data) and any(k in data for k in _MESSAGE_KEYS):
            return _field_errors_from_list([data])
        return _field_errors_from_map(data)
    return []


def parse_error_body(text: str) -> ErrorBody:
    """Read message, internal code and field errors from any error body; never fails."""
    raw = text[:RAW_LIMIT]
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        return ErrorBody(raw, message=text.strip()[:500])
    if not isinstance(data, dict):
        return ErrorBody(raw, "", "", _field_errors(data))
    envelope = data.get("error")
    rest = {k: v for k, v in data.items() if k != "error"}
    if isinstance(envelope, dict):
        message = _text(envelope.get("message", ""))
        fields = _field_errors(envelope) or _field_errors(envelope.get("message"))
        code = str(envelope.get("internal_code") or "")
        return ErrorBody(raw, message, code, fields or _field_errors(rest))
    message = envelope if isinstance(envelope, str) else data.get("message", "")
    return ErrorBody(raw, _text(message), "", _field_errors(rest))


def _summary(status: int, body: ErrorBody) -> str:
    code = f" {body.internal_code}" if body.internal_code else ""
    message = f": {body.message}" if body.message else ""
    return f"{status}{code}{message}"


def classify(response: httpx.Response, request: Request) -> None:
    """Return for 2xx; otherwise raise the error that says what to do about it."""
    status = response.status_code
    if 200 <= status < 300:
        return
    body = parse_error_body(response.text)
    summary = f"Splynx answered {request.describe()} with {_summary(status, body)}"
    raise _error_for(status, summary, body, response, request)


def _error_for(
    status: int, summary: str, body: ErrorBody, response: httpx.Response, request: Request
) -> MigratorError:
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status == 429:
        return RateLimited(summary, retry_after=retry_after)
    if status >= 500 and status not in (501, 505):
        return ServerError(summary, retry_after=retry_after)
    if status in _RETRIABLE_4XX:
        return ServerError(summary, retry_after=retry_after)
    if status == 401:
        return AuthFailed(
            f"{summary}. Check SPLYNX_API_KEY, SPLYNX_API_SECRET and SPLYNX_AUTH "
            "(basic needs 'Unsecure access' on the key)"
        )
    if status in (403, 405):
        return _permission_denied(summary, request)
    if status == 404:
        return _not_found(summary, body, request)
    if 400 <= status < 500:
        return Rejected(summary, body.fields, body.raw)
    return ProtocolError(f"{summary} (not an answer Splynx gives; is SPLYNX_URL right?)")


def _permission_denied(summary: str, request: Request) -> PermissionDenied:
    endpoint = request.endpoint
    if endpoint is None:
        return PermissionDenied(summary, endpoint=request.path)
    permission = endpoint.permission_for(request.verb)
    return PermissionDenied(
        f"{summary}. Grant the API key the permission '{permission}' "
        "(Administration / API keys / Permissions)",
        endpoint=endpoint.path,
        permission=permission,
    )


def _not_found(summary: str, body: ErrorBody, request: Request) -> MigratorError:
    endpoint = request.endpoint
    top_level = endpoint is not None and not endpoint.parents()
    if top_level and endpoint is not None and request.path == endpoint.path:
        return ProtocolError(
            f"{summary}: this Splynx has no {endpoint.path} (wrong SPLYNX_URL or an older version)"
        )
    return NotFound(summary, body.fields, body.raw)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it, outermost first (httpx -> httpcore -> ssl/OS)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def untrusted_certificate(exc: BaseException) -> bool:
    """Did TLS fail because the server's certificate is not trusted (or not for this host)?"""
    return any(isinstance(link, ssl.SSLCertVerificationError) for link in _chain(exc))


HTTPX_FAILURES = (httpx.HTTPError, httpx.InvalidURL)
"""What httpx raises for a request: its HTTPError tree, and InvalidURL, which stands apart."""


def transport_error(exc: httpx.HTTPError | httpx.InvalidURL, request: Request) -> MigratorError:
    """Map an httpx failure: was the request possibly received? Is a create now unknown?"""
    if isinstance(exc, httpx.InvalidURL):  # the path: SPLYNX_URL was parsed with the client
        return ProtocolError(
            f"could not send {request.describe()}: the URL is not valid ({exc}); nothing was sent"
        )
    what = f"{request.describe()}: {type(exc).__name__}: {exc}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ConfigError(f"SPLYNX_URL is not usable ({what})")
    if isinstance(exc, httpx.TooManyRedirects | httpx.DecodingError):
        return ProtocolError(f"Splynx answered {what}")
    if isinstance(exc, httpx.LocalProtocolError):  # refused before sending: a bug, not a fault
        # (h11 quotes the offending header, which may be a credential: not repeated here)
        return ProtocolError(
            f"could not send {request.describe()}: not valid HTTP "
            "(a header value with a line break?); nothing was sent"
        )
    if untrusted_certificate(exc):
        return ConfigError(
            f"the TLS certificate of SPLYNX_URL is not trusted ({what}); fix the certificate "
            "(or point SSL_CERT_FILE at the CA that signed it), or for a staging server only "
            "set MIGRATOR_INSECURE=true"
        )
    if isinstance(exc, httpx.ProxyError):
        return TransportError(f"the proxy refused {what} (HTTPS_PROXY / HTTP_PROXY)", sent=False)
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransportError(f"no connection for {what}", sent=False)
    if request.create:
        return OutcomeUnknown(
            f"sent {what} but got no answer: the record may or may not exist; "
            "look it up by its marker before sending it again"
        )
    return TransportError(f"no answer to {what}", sent=True)
