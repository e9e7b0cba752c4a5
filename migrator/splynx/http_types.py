"""The plain data a Splynx request and answer are made of, and what sends them.

``Answer`` is what comes back (status, headers, body, decoded from gzip or
deflate). A ``Port`` sends a request to an ``Origin``
and returns its ``Answer``, raising httpx's exceptions for failures, which
``classify.transport_error`` reads: ``ConnectionPool`` is the one the
migrator uses, ``HttpxPort`` puts any httpx transport in its place.
"""

from __future__ import annotations

import json as jsonlib
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

__all__ = [
    "Answer",
    "AnswerHeaders",
    "Attempt",
    "Origin",
    "Port",
    "Timeouts",
    "decoded_body",
]

Timeouts = Mapping[str, float | None]  # connect, read, write, pool (as httpx.Timeout.as_dict())
Attempt = Callable[[str | None], Awaitable["Answer"]]
"""Sends the request once with the given ``Authorization`` value (None: without one)."""


class AnswerHeaders:
    """An answer's headers as received; names compared without case."""

    __slots__ = ("_items",)

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    @classmethod
    def from_raw(cls, raw: list[tuple[bytes, bytes]]) -> AnswerHeaders:
        return cls([(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw])

    def get(self, name: str, default: str | None = None) -> str | None:
        wanted = name.lower()
        for key, value in self._items:
            if key.lower() == wanted:
                return value
        return default

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value


@dataclass(frozen=True, slots=True)
class Answer:
    """Splynx's answer: status, headers, body (decoded from gzip/deflate if it came so)."""

    status_code: int
    headers: AnswerHeaders
    content: bytes

    @property
    def text(self) -> str:
        charset = "utf-8"
        content_type = self.headers.get("Content-Type") or ""
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.content)
        except UnicodeDecodeError:  # not UTF-8: read it in the charset the answer names
            return jsonlib.loads(self.text)


def decoded_body(body: bytes, encoding: str | None) -> bytes:
    """The body without its Content-Encoding (gzip or deflate; anything else is refused)."""
    coding = (encoding or "identity").strip().lower()
    if coding in ("identity", ""):
        return body
    try:
        if coding in ("gzip", "x-gzip"):
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if coding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:  # raw deflate without the zlib wrapper
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except zlib.error as exc:
        raise httpx.DecodingError(f"the {coding} body does not decompress: {exc}") from exc
    raise httpx.DecodingError(f"Content-Encoding {coding!r} was not asked for")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where requests go: scheme, host, port, and the Host header they carry."""

    scheme: str
    host: str
    port: int
    host_header: str

    @classmethod
    def of(cls, url: httpx.URL) -> Origin:
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"{url.scheme!r} is not http or https ({url})")
        default = 443 if url.scheme == "https" else 80
        port = url.port or default
        host = url.host
        shown = f"[{host}]" if ":" in host else host
        return cls(url.scheme, host, port, shown if port == default else f"{shown}:{port}")

    def url(self, target: str) -> str:
        return f"{self.scheme}://{self.host_header}{target}"


class Port(Protocol):
    """Sends one request to ``origin`` and returns the answer (httpx exceptions on failure)."""

    async def send(
        self,
        method: str,
        origin: Origin,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        timeouts: Timeouts,
    ) -> Answer: ...

    async def aclose(self) -> None: ...
