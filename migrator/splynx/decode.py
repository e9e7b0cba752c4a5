"""Decoding Splynx's answers into typed values, for the client.

JSON that does not parse, or does not have the shape the blueprint gives, is a
``ProtocolError`` naming the request; a marker match the server reports is
double-checked against the record itself.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from migrator.errors import ConfigError, FieldError, ProtocolError, Rejected
from migrator.splynx.classify import Request
from migrator.splynx.endpoints import Endpoint, Marker
from migrator.splynx.payloads import REDACTED
from migrator.splynx.query import Scalar
from migrator.splynx.records import SplynxRecord

__all__ = [
    "carries",
    "check_encodable",
    "check_fields",
    "json_of",
    "parent_ids",
    "parsed",
    "records_of",
    "scrub",
    "secrets_in",
]

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


def carries(record: SplynxRecord, marker: Marker, value: Scalar) -> bool:
    """Double-check the server's match: a search the server ignored or matched loosely
    must not make us adopt a stranger, so the record must show the very value."""
    found = marker.value_of(record.fields())
    return found is not None and str(found) == str(value)


def check_fields(target: Endpoint, body: Mapping[str, Any]) -> None:
    if target.payload is None:
        return
    known = {info.alias or name for name, info in target.payload.model_fields.items()}
    unknown = sorted(set(body) - known)
    if unknown:
        raise ConfigError(f"{target.name} has no field(s) {', '.join(unknown)}")


def _unencodable(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [path]
    elif isinstance(value, Mapping):
        return [bad for key, item in value.items() for bad in _unencodable(item, f"{path}.{key}")]
    elif isinstance(value, list | tuple):
        return [bad for n, item in enumerate(value) for bad in _unencodable(item, f"{path}[{n}]")]
    return []


def check_encodable(body: Mapping[str, Any]) -> None:
    """Refuse (this record only) text UTF-8 cannot carry, which would fail the request.

    The transforms clean such text (a lone UTF-16 surrogate from Sonar's JSON)
    with a note; this is the guard for any field they do not reach.
    """
    bad = [found for key, value in body.items() for found in _unencodable(value, key)]
    if bad:
        reason = "holds a lone UTF-16 surrogate, which UTF-8 (and so Splynx) cannot store"
        raise Rejected("text Splynx cannot store", [FieldError(name, reason) for name in bad])


def secrets_in(target: Endpoint, body: Mapping[str, Any]) -> list[str]:
    """The secret values (passwords) a request body carries."""
    if target.payload is None:
        return []
    return [str(body[name]) for name in target.payload.secret_fields() if body.get(name)]


def scrub(error: Rejected, secrets: Sequence[str]) -> None:
    """Remove secret values from a refusal, in place: Splynx's answer may quote what was
    sent, and a refusal is kept (rejects), shown and logged."""
    if not secrets:
        return

    def clean(text: str) -> str:
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    error.reason = clean(error.reason)
    error.errors = [FieldError(clean(e.field), clean(e.message)) for e in error.errors]
    error.raw = None if error.raw is None else clean(error.raw)
    error.args = tuple(clean(a) if isinstance(a, str) else a for a in error.args)


def parent_ids(target: Endpoint, body: Mapping[str, Any]) -> dict[str, int]:
    return {name: body[name] for name in target.parents() if body.get(name) is not None}


def json_of(response: httpx.Response, request: Request) -> Any:
    try:
        return response.json()
    except ValueError:
        snippet = response.text[:200]
        raise ProtocolError(f"{request.describe()} answered non-JSON: {snippet!r}") from None


def parsed(model: type[M], response: httpx.Response, request: Request) -> M:
    try:
        return model.model_validate(json_of(response, request))
    except ValidationError as exc:
        raise ProtocolError(f"unexpected answer to {request.describe()}: {exc}") from None


def records_of(response: httpx.Response, request: Request) -> list[SplynxRecord]:
    """A list answer's records; anything else is a ``ProtocolError``, never "no records"
    (a marker look-up reading "none" would let a create be sent twice)."""
    data = json_of(response, request)
    if not isinstance(data, list):
        raise ProtocolError(f"{request.describe()} answered {type(data).__name__}, not a list")
    try:
        return [SplynxRecord.model_validate(item) for item in data]
    except ValidationError as exc:
        raise ProtocolError(f"unexpected record from {request.describe()}: {exc}") from None
