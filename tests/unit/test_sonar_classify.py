"""What each Sonar answer means (pure classification, table-driven) and exception mapping."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from migrator.errors import (
    AuthFailed,
    ConfigError,
    DocumentTooLarge,
    Fatal,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    Retriable,
    ServerError,
    TransportError,
)
from migrator.sonar.classify import HttpAnswer, classify
from migrator.sonar.transport import translate

LIMIT = {"error": "Request limit of 400/min reached."}


def answer(status: int, body: Any, retry_after: str | None = None) -> HttpAnswer:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpAnswer(status, raw, retry_after=retry_after)


@pytest.mark.parametrize(
    ("status", "body", "retry_after", "expected", "wait"),
    [
        # Sonar documents the rate-limit body, not its status: recognise it by either.
        (429, LIMIT, "7", RateLimited, 7.0),
        (200, LIMIT, None, RateLimited, None),
        (429, b"Too Many Requests", None, RateLimited, None),
        (503, {"error": "Request limit of 120/min reached."}, "2", RateLimited, 2.0),
        (500, b"<html>oops</html>", None, ServerError, None),
        (502, {"errors": [{"message": "bad gateway"}]}, None, ServerError, None),
        (503, b"", "30", ServerError, 30.0),
        (
            200,
            {"errors": [{"message": "boom", "extensions": {"category": "internal"}}]},
            None,
            ServerError,
            None,
        ),
        (401, {"error": "Unauthenticated."}, None, AuthFailed, None),
        (200, {"errors": [{"message": "Unauthenticated."}]}, None, AuthFailed, None),
        (200, {"error": "Unauthenticated."}, None, AuthFailed, None),
        (403, b"forbidden", None, PermissionDenied, None),
        (
            400,
            {"errors": [{"message": 'Cannot query field "nope" on type "Account".'}]},
            None,
            ProtocolError,
            None,
        ),
        (
            200,
            {"errors": [{"message": 'Variable "$paginator" got invalid value'}]},
            None,
            ProtocolError,
            None,
        ),
        (
            200,
            {"errors": [{"message": "Max query complexity should be 1000 but got 9401."}]},
            None,
            DocumentTooLarge,
            None,
        ),
        (
            200,
            {"errors": [{"message": "Max query depth should be 10 but got 12."}]},
            None,
            DocumentTooLarge,
            None,
        ),
        (404, b"not found", None, ProtocolError, None),
        (408, b"request timeout", None, ProtocolError, None),  # never retry a 4xx but 429
        (422, {"message": "nope"}, None, ProtocolError, None),
        (301, b"", None, ProtocolError, None),
        (200, b"<html>maintenance</html>", None, ProtocolError, None),
        (200, {"data": None}, None, ProtocolError, None),
        (200, {"something": "else"}, None, ProtocolError, None),
        (200, [1, 2], None, ProtocolError, None),
    ],
)
def test_classification(
    status: int, body: Any, retry_after: str | None, expected: type[Exception], wait: float | None
) -> None:
    with pytest.raises(expected) as raised:
        classify(answer(status, body, retry_after))
    if issubclass(expected, Retriable):
        assert raised.value.retry_after == wait  # type: ignore[attr-defined]
    else:
        assert isinstance(raised.value, Fatal)


def test_good_answer_returns_data_in_order() -> None:
    body = b'{"data": {"accounts": {"entities": [{"id": "2", "name": "b"}]}}}'
    data = classify(HttpAnswer(200, body))
    assert data == {"accounts": {"entities": [{"id": "2", "name": "b"}]}}


def test_error_messages_say_what_to_fix_and_hide_secrets() -> None:
    with pytest.raises(AuthFailed, match="SONAR_TOKEN"):
        classify(answer(401, b"bad token"))
    with pytest.raises(ProtocolError, match="SONAR_URL") as raised:
        classify(HttpAnswer(302, b"", location="https://x.example/login"))
    assert "https://x.example/login" in str(raised.value)
    with pytest.raises(ServerError) as failed:
        classify(answer(500, b"Authorization: Bearer s3cr3t-t0ken-value"))
    assert "s3cr3t" not in str(failed.value)


_CONNECT = aiohttp.RequestInfo(
    URL("https://sonar.invalid/api/graphql"), "CONNECT", CIMultiDictProxy(CIMultiDict())
)


class _Key:
    host, port, ssl = "sonar.invalid", 443, True


@pytest.mark.parametrize(
    ("exc", "expected", "sent"),
    [
        (TimeoutError(), TransportError, True),
        (aiohttp.ServerDisconnectedError(), TransportError, True),
        (aiohttp.ClientPayloadError("cut"), TransportError, True),
        (aiohttp.ClientOSError(104, "reset"), TransportError, True),
        (aiohttp.ClientConnectorError(_Key(), OSError(111, "refused")), TransportError, False),  # type: ignore[arg-type]
        (aiohttp.ConnectionTimeoutError(), TransportError, False),
        (aiohttp.InvalidURL("nope"), ConfigError, None),
        (aiohttp.ClientHttpProxyError(_CONNECT, (), status=407), TransportError, False),
    ],
)
def test_foreign_exceptions_become_ours(
    exc: BaseException, expected: type[Exception], sent: bool | None
) -> None:
    ours = translate(exc, timeout=3.0)
    assert type(ours) is expected
    if sent is not None:
        assert isinstance(ours, TransportError)
        assert ours.sent is sent
