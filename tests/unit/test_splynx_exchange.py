"""Exchange and its Answer: the request as Splynx gets it (through httpx.MockTransport),
the answer as the client reads it."""

from __future__ import annotations

import gzip
import json
import zlib
from urllib.parse import parse_qs

import httpx
import pytest

from migrator.splynx.auth import NonceSource, SignatureAuth
from migrator.splynx.exchange import Exchange
from migrator.splynx.http_types import Answer, AnswerHeaders, decoded_body

BASE = "https://splynx.test/api/2.0/"


def nonce_of(request: httpx.Request) -> int:
    query = request.headers["Authorization"].removeprefix("Splynx-EA (").removesuffix(")")
    return int(parse_qs(query)["nonce"][0])


async def test_joins_the_base_url_and_sends_headers_body_and_timeouts() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"id": 7}, headers={"X-total-count": "1"})

    exchange = Exchange(
        BASE.rstrip("/"),  # the trailing slash is added
        httpx.MockTransport(handler),
        headers={"User-Agent": "migrator-test", "Accept": "application/json"},
        timeout=httpx.Timeout(12.0),
    )
    response = await exchange.request(
        "POST",
        "admin/customers/customer?x=1",
        json={"name": "Ana"},
        headers={"X-Extra": "1", "accept": "text/csv"},
    )
    assert response.status_code == 201 and response.json() == {"id": 7}
    assert response.headers["x-total-count"] == "1"
    [request] = seen
    assert str(request.url) == BASE + "admin/customers/customer?x=1"
    assert request.headers["User-Agent"] == "migrator-test"
    assert request.headers["X-Extra"] == "1"
    assert request.headers.get_list("Accept") == ["text/csv"]  # replaced, whatever its case
    assert json.loads(request.content) == {"name": "Ana"}
    assert request.extensions["timeout"]["read"] == 12.0


async def test_drives_the_auth_flow_until_it_stops() -> None:
    statuses = [401, 401, 200]
    nonces: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        nonces.append(nonce_of(request))
        return httpx.Response(statuses.pop(0))

    exchange = Exchange(BASE, httpx.MockTransport(handler))
    auth = SignatureAuth("K", "S", nonces=NonceSource(lambda: 1000.0))
    response = await exchange.request("GET", "admin/customers/customer", auth=auth)
    assert response.status_code == 200
    assert len(nonces) == 3 and nonces == sorted(set(nonces))  # re-signed each time
    assert auth.resigned == 2


def test_answer_headers_text_and_json() -> None:
    headers = AnswerHeaders.from_raw([(b"Content-Type", b"application/json; charset=ISO-8859-1")])
    answer = Answer(200, headers, '{"name": "Zoë"}'.encode("latin-1"))
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers.get("CONTENT-TYPE") is not None
    assert answer.headers.get("Retry-After") is None
    assert answer.text == '{"name": "Zoë"}'  # decoded with the charset it names
    assert answer.json() == {"name": "Zoë"}
    unknown = Answer(200, AnswerHeaders([("Content-Type", "text/plain; charset=klingon")]), b"ok")
    assert unknown.text == "ok"


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [
        ("gzip", gzip.compress(b"[1]")),
        ("deflate", zlib.compress(b"[1]")),
        ("deflate", zlib.compress(b"[1]")[2:-4]),  # raw deflate, no zlib wrapper
        (None, b"[1]"),
        ("identity", b"[1]"),
    ],
)
def test_bodies_are_decoded(encoding: str | None, packed: bytes) -> None:
    assert decoded_body(packed, encoding) == b"[1]"


@pytest.mark.parametrize(("encoding", "packed"), [("br", b"x"), ("gzip", b"not gzip")])
def test_undecodable_bodies_are_decoding_errors(encoding: str, packed: bytes) -> None:
    with pytest.raises(httpx.DecodingError):
        decoded_body(packed, encoding)
