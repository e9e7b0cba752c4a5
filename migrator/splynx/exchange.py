"""One request to Splynx and its answer, as plain data.

On a fast network the per-request bookkeeping of a general HTTP client costs
more CPU than the exchange itself (measured on loopback: httpx's request and
response models alone about 90 microseconds a write, ``AsyncClient.request``
about 165 more), and a run makes tens of thousands of writes. So the Splynx
client builds no client-library objects per request: ``Exchange`` joins the
base URL as a string, merges the fixed headers, encodes JSON, lets the auth
strategy add its header (and re-send after a 401, as the strategy allows), and
hands the lot to a ``Port``. The answer comes back as an ``Answer``: status,
headers, body.

Ports: ``ConnectionPool`` (keep-alive HTTP/1.1, the one the migrator uses) and
``HttpxPort`` over any httpx transport (``httpx.MockTransport`` in the unit
tests). Both raise httpx's exceptions for failures, which
``classify.transport_error`` reads.
"""

from __future__ import annotations

import json as jsonlib
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    from migrator.splynx.auth import SplynxAuth

__all__ = [
    "Answer",
    "AnswerHeaders",
    "AnswerLike",
    "Attempt",
    "Exchange",
    "HttpxPort",
    "Origin",
    "Port",
    "Requester",
    "Timeouts",
    "decoded_body",
]

Timeouts = Mapping[str, float | None]  # connect, read, write, pool (as httpx.Timeout.as_dict())
Attempt = Callable[[str | None], Awaitable["Answer"]]


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

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._items)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)


class _HeaderLookup(Protocol):
    def get(self, name: str, default: str | None = None) -> str | None: ...


class AnswerLike(Protocol):
    """What reading an answer needs (an ``Answer``; an ``httpx.Response`` fits too)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> _HeaderLookup: ...

    @property
    def content(self) -> bytes: ...

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


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


class HttpxPort:
    """A ``Port`` over an httpx transport (``httpx.MockTransport`` in tests, or any other)."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def send(
        self,
        method: str,
        origin: Origin,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        timeouts: Timeouts,
    ) -> Answer:
        request = httpx.Request(
            method,
            origin.url(target),
            headers=headers,
            content=body or None,
            extensions={"timeout": dict(timeouts)},
        )
        response = await self._transport.handle_async_request(request)
        try:
            content = await response.aread()  # decoded by httpx
        finally:
            await response.aclose()
        return Answer(response.status_code, AnswerHeaders(response.headers.multi_items()), content)

    async def aclose(self) -> None:
        await self._transport.aclose()


class Requester(Protocol):
    """Sends one request relative to the Splynx API's base URL (an ``Exchange``)."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        auth: SplynxAuth | None = None,
    ) -> Answer: ...

    async def aclose(self) -> None: ...


def json_bytes(value: Any) -> bytes:
    return jsonlib.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class Exchange:
    """Requests to ``base_url`` (ending in ``/``) through ``port``; redirects never followed.

    ``port`` may be an httpx transport, which is then used through ``HttpxPort``.
    """

    def __init__(
        self,
        base_url: str,
        port: Port | httpx.AsyncBaseTransport,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        parsed = httpx.URL(self.base_url)
        self._origin = Origin.of(parsed)
        self._path = parsed.raw_path.decode("ascii").split("?", 1)[0]
        self._port: Port = HttpxPort(port) if isinstance(port, httpx.AsyncBaseTransport) else port
        self._headers = list((headers or {}).items())
        self._timeouts: Timeouts = (timeout or httpx.Timeout(30.0)).as_dict()

    async def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        auth: SplynxAuth | None = None,
    ) -> Answer:
        body = content or b""
        sent = self._headers
        if json is not None:
            body = json_bytes(json)
            sent = [*sent, ("Content-Type", "application/json")]
        if headers:
            replaced = {name.lower() for name in headers}
            sent = [(k, v) for k, v in sent if k.lower() not in replaced] + list(headers.items())
        target = self._path + url
        if auth is None:
            return await self._port.send(method, self._origin, target, sent, body, self._timeouts)

        async def attempt(authorization: str | None) -> Answer:
            with_auth = sent if authorization is None else [*sent, ("Authorization", authorization)]
            return await self._port.send(
                method, self._origin, target, with_auth, body, self._timeouts
            )

        return await auth.send(attempt)

    async def aclose(self) -> None:
        await self._port.aclose()

    async def __aenter__(self) -> Exchange:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
