"""Every kind of Splynx answer is classified by what to do about it (httpx.MockTransport)."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest

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
    Retriable,
    ServerError,
    TransportError,
)
from migrator.splynx.classify import NotFound, Request, parse_error_body
from migrator.splynx.endpoints import endpoint
from migrator.splynx.session import SplynxSession

BASE = "https://splynx.test/api/2.0/"
ENVELOPE_403 = b'{"error":{"message":"Forbidden","code":403,"internal_code":"FORBIDDEN"}}'
ENVELOPE_405 = (
    b'{"error":{"message":"Method is disabled!","code":405,"internal_code":"METHOD_DISABLED"}}'
)


def session_for(handler: Callable[[httpx.Request], httpx.Response]) -> SplynxSession:
    return SplynxSession(
        httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler)), None
    )


async def answer(
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    request: Request | None = None,
) -> httpx.Response:
    session = session_for(lambda _: httpx.Response(status, content=body, headers=headers))
    try:
        return await session.send(request or create_customer())
    finally:
        await session.aclose()


def create_customer() -> Request:
    customers = endpoint("customers")
    return Request("POST", customers.path, customers, create=True)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
async def test_success_passes(status: int) -> None:
    assert (await answer(status, b'{"id": 3}')).status_code == status


CASES: list[tuple[int, bytes, dict[str, str], type[MigratorError]]] = [
    (400, b'{"error":{"message":"Bad","code":400,"internal_code":"BAD_REQUEST"}}', {}, Rejected),
    (401, b'{"error":{"message":"x","code":401,"internal_code":"UNAUTHORIZED"}}', {}, AuthFailed),
    (403, ENVELOPE_403, {}, PermissionDenied),
    (405, ENVELOPE_405, {}, PermissionDenied),
    (404, b'{"error":{"message":"Not found","code":404}}', {}, ProtocolError),
    (409, b"conflict", {}, Rejected),
    (413, b"", {}, Rejected),
    (422, b'[{"field":"name","message":"Name cannot be blank."}]', {}, Rejected),
    (429, b"slow down", {"Retry-After": "7"}, RateLimited),
    (500, b'{"error":{"message":"x","code":500,"internal_code":"SERVER_ERROR"}}', {}, ServerError),
    (502, b"<html>bad gateway</html>", {}, ServerError),
    (503, b"", {"Retry-After": "2"}, ServerError),
    (504, b"", {}, ServerError),
    (408, b"", {}, ServerError),
    (501, b"", {}, ProtocolError),
    (302, b"", {"Location": "/login"}, ProtocolError),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), CASES)
async def test_status_classification(
    status: int, body: bytes, headers: dict[str, str], expected: type[MigratorError]
) -> None:
    with pytest.raises(expected) as caught:
        await answer(status, body, headers)
    assert type(caught.value) is expected
    assert str(status) in str(caught.value)


async def test_rate_limited_carries_retry_after_and_holds_everybody_back() -> None:
    session = session_for(lambda _: httpx.Response(429, headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        await session.send(create_customer())
    assert caught.value.retry_after == 7.0
    assert session.limiter.blocked_for() > 6.0
    assert session.stats.rate_limited == 1
    await session.aclose()


@pytest.mark.parametrize(
    ("status", "verb", "permission"),
    [(403, "POST", "Customers / Customers: add"), (405, "DELETE", "Customers / Customers: delete")],
)
async def test_permission_errors_name_endpoint_and_permission(
    status: int, verb: str, permission: str
) -> None:
    customers = endpoint("customers")
    with pytest.raises(PermissionDenied) as caught:
        await answer(status, ENVELOPE_403, request=Request(verb, customers.path, customers))
    assert caught.value.permission == permission
    assert caught.value.endpoint == "admin/customers/customer"
    assert permission in str(caught.value) and "API keys" in str(caught.value)


async def test_not_found_on_a_record_is_a_rejection_not_fatal() -> None:
    services = endpoint("internet_services")
    request = Request("POST", services.collection_path(customer_id=99), services, create=True)
    with pytest.raises(NotFound) as caught:
        await answer(404, b'{"error":{"message":"Customer not found","code":404}}', request=request)
    assert isinstance(caught.value, Rejected)
    customers = endpoint("customers")
    with pytest.raises(NotFound):
        await answer(404, b"", request=Request("GET", customers.item_path(5), customers))


BODIES_422: list[tuple[bytes, list[FieldError]]] = [
    (
        b'[{"field":"name","message":"Name cannot be blank."}]',
        [FieldError("name", "Name cannot be blank.")],
    ),
    (
        b'[{"attribute":"customer_id","error":"Customer ID is required"},'
        b'{"attribute":"amount","error":"Invalid sum"}]',
        [FieldError("customer_id", "Customer ID is required"), FieldError("amount", "Invalid sum")],
    ),
    (
        b'{"error":{"message":"Input data is invalid","code":422,'
        b'"internal_code":"INVALID_INPUT_DATA","errors":[{"field":"login","message":"taken"}]}}',
        [FieldError("login", "taken")],
    ),
    (
        b'{"error":{"message":"Input data is invalid","code":422,'
        b'"internal_code":"INVALID_INPUT_DATA"},"fields":{"email":["is not valid"]}}',
        [FieldError("email", "is not valid")],
    ),
    (b'{"login":["taken","too long"]}', [FieldError("login", "taken; too long")]),
    (b'{"message":"bad","errors":{"name":"required"}}', [FieldError("name", "required")]),
    (b"Login already exists", []),
    (b"", []),
    (b"[1, 2", []),
    ('{"error":{"message":"Имя — обязательно","code":422}}'.encode(), []),
]


@pytest.mark.parametrize(("body", "fields"), BODIES_422)
async def test_422_keeps_field_errors_and_raw_text_for_any_body(
    body: bytes, fields: list[FieldError]
) -> None:
    with pytest.raises(Rejected) as caught:
        await answer(422, body)
    assert caught.value.errors == fields
    assert caught.value.raw == body.decode()
    assert "422" in caught.value.reason


def test_envelope_fields_are_read() -> None:
    parsed = parse_error_body(ENVELOPE_405.decode())
    assert (parsed.message, parsed.internal_code) == ("Method is disabled!", "METHOD_DISABLED")
    assert parsed.fields == []


def certificate_refused() -> httpx.ConnectError:
    """What httpx raises for an untrusted certificate: ssl's error at the end of the chain."""
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")
    try:
        try:
            raise cause
        except ssl.SSLError as exc:
            raise httpx.ConnectError("handshake failed") from exc  # as httpcore's, then httpx's
    except httpx.ConnectError as error:
        return error


TRANSPORT: list[tuple[Exception, bool, type[MigratorError], bool | None]] = [
    (httpx.ConnectError("refused"), True, TransportError, False),
    (httpx.ConnectTimeout("slow"), True, TransportError, False),
    (httpx.PoolTimeout("busy"), True, TransportError, False),
    (httpx.ReadTimeout("no answer"), True, OutcomeUnknown, None),
    (httpx.RemoteProtocolError("Server disconnected"), True, OutcomeUnknown, None),
    (httpx.ReadError("reset"), True, OutcomeUnknown, None),
    (httpx.WriteError("broken pipe"), True, OutcomeUnknown, None),
    (httpx.ReadTimeout("no answer"), False, TransportError, True),
    (httpx.RemoteProtocolError("Server disconnected"), False, TransportError, True),
    (httpx.ProxyError("407 Proxy Authentication Required"), True, TransportError, False),
    (httpx.UnsupportedProtocol("ftp"), False, ConfigError, None),
    (httpx.LocalProtocolError("Illegal header value"), True, ProtocolError, None),
    (certificate_refused(), True, ConfigError, None),
    # the words alone are not an untrusted certificate: the exception's cause says so
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] here"), False, TransportError, False),
]


@pytest.mark.parametrize(("exc", "create", "expected", "sent"), TRANSPORT)
async def test_transport_failures(
    exc: Exception, create: bool, expected: type[MigratorError], sent: bool | None
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exc

    customers = endpoint("customers")
    verb = "POST" if create else "GET"
    session = session_for(fail)
    with pytest.raises(expected) as caught:
        await session.send(Request(verb, customers.path, customers, create=create))
    await session.aclose()
    assert type(caught.value) is expected
    assert caught.value.__cause__ is exc  # translated once, the original kept for the log
    if sent is not None:
        assert isinstance(caught.value, TransportError) and caught.value.sent is sent
    if expected is OutcomeUnknown:
        assert not isinstance(caught.value, Retriable)  # looked up, never simply re-sent
        assert "marker" in str(caught.value)
        assert session.stats.outcome_unknown == 1
    if expected is ConfigError and create:
        assert "SPLYNX_URL" in str(caught.value) and "MIGRATOR_INSECURE" in str(caught.value)


async def test_counters() -> None:
    replies: list[Any] = [
        httpx.Response(201, json={"id": 1}),
        httpx.Response(422, content=b"[]"),
        httpx.Response(503),
        httpx.Response(429),
    ]
    session = session_for(lambda _: replies.pop(0))
    for _ in range(4):
        with contextlib.suppress(MigratorError):
            await session.send(create_customer())
    await session.aclose()
    stats = session.stats.snapshot()
    assert (stats["requests"], stats["rejects"], stats["server_errors"]) == (4, 1, 1)
    assert stats["rate_limited"] == 1


async def test_a_path_httpx_cannot_send_is_ours_to_report_not_httpx_s() -> None:
    # e.g. a refresh token from the server with a line break, put in the renewal path
    asked: list[httpx.Request] = []
    session = session_for(lambda request: asked.append(request) or httpx.Response(200))
    with pytest.raises(ProtocolError, match="nothing was sent") as refused:
        await session.send(Request("GET", "admin/auth/tokens/abc\ndef"))
    await session.aclose()
    assert isinstance(refused.value.__cause__, httpx.InvalidURL) and asked == []
