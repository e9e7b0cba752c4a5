"""What ConnectionPool puts on the wire for a request, byte for byte."""

from __future__ import annotations

import httpx
import pytest

from migrator.errors import ProtocolError
from migrator.splynx.classify import Request, transport_error
from migrator.splynx.connection_pool import request_bytes
from migrator.splynx.http_types import Origin

ORIGIN = Origin.of(httpx.URL("https://splynx.test:8443/api/2.0/"))


def test_a_post_with_its_length_and_body() -> None:
    sent = request_bytes(
        "POST", ORIGIN, "/api/2.0/x?a%5B0%5D=1", [("Content-Type", "application/json")], b"{}"
    )
    assert sent == (
        b"POST /api/2.0/x?a%5B0%5D=1 HTTP/1.1\r\nHost: splynx.test:8443\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )


def test_a_get_has_no_length_an_empty_put_has_zero() -> None:
    assert b"Content-Length" not in request_bytes("GET", ORIGIN, "/a", [], b"")
    assert b"Content-Length: 0\r\n" in request_bytes("PUT", ORIGIN, "/a", [], b"")


def test_default_ports_and_ipv6_hosts() -> None:
    assert Origin.of(httpx.URL("https://splynx.test/")).host_header == "splynx.test"
    assert Origin.of(httpx.URL("http://[::1]:8080/")).host_header == "[::1]:8080"
    with pytest.raises(httpx.UnsupportedProtocol):
        Origin.of(httpx.URL("ftp://splynx.test/"))


def test_a_target_outside_ascii_is_percent_encoded() -> None:
    sent = request_bytes("GET", ORIGIN, "/api/2.0/x?name=Zoë Ω", [], b"")
    assert sent.startswith(b"GET /api/2.0/x?name=Zo%C3%AB%20%CE%A9 HTTP/1.1\r\n")


@pytest.mark.parametrize(
    ("target", "headers"),
    [
        ("/a", [("Authorization", "Splynx-EA (access_token=t)\r\nX-Evil: 1")]),
        ("/a", [("X-Note", "one\ntwo")]),
    ],
)
def test_a_line_break_in_the_head_is_refused_and_fatal(
    target: str, headers: list[tuple[str, str]]
) -> None:
    with pytest.raises(httpx.LocalProtocolError, match="line break") as refused:
        request_bytes("POST", ORIGIN, target, headers, b"")
    error = transport_error(refused.value, Request("POST", "a", create=True))
    assert isinstance(error, ProtocolError)  # not an unknown outcome to look up and retry


def test_a_line_break_in_the_target_is_percent_encoded() -> None:
    sent = request_bytes("GET", ORIGIN, "/a\r\nX-Evil: 1", [], b"")
    assert sent.startswith(b"GET /a%0D%0AX-Evil:%201 HTTP/1.1\r\nHost:")
    assert b"\r\nX-Evil" not in sent


def test_a_header_outside_latin1_is_refused() -> None:
    with pytest.raises(httpx.LocalProtocolError, match="Latin-1"):
        request_bytes("GET", ORIGIN, "/a", [("User-Agent", "migrator ✓")], b"")
