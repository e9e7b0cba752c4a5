"""An httpx transport that sends through aiohttp's connection pool.

The Splynx client speaks httpx (its auth flows, its request and response
models, ``MockTransport`` in the unit tests, sent through ``Exchange``); only
the transport below it changes. httpcore's pool costs close to a millisecond
of CPU per request here (it scans every connection for every request and asks
each socket's readability through anyio's attribute machinery); aiohttp's
pool and its C parser cost a fraction of that, and with tens of thousands of
writes a run, the migrator's CPU is mostly this.

aiohttp's failures are mapped to the httpx exceptions they correspond to, so
the client's one classification (``classify.transport_error``) still decides
whether a request may have reached Splynx: only a failure to connect means
"never sent".
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import yarl

__all__ = ["AiohttpTransport"]


def _timeout(request: httpx.Request) -> aiohttp.ClientTimeout:
    limits: dict[str, Any] = request.extensions.get("timeout", {})
    connect = limits.get("connect")
    pool = limits.get("pool")
    return aiohttp.ClientTimeout(
        total=None,
        connect=None if connect is None or pool is None else connect + pool,
        sock_connect=connect,
        sock_read=limits.get("read"),
    )


def _mapped(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception that says the same thing (the message keeps aiohttp's)."""
    message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return httpx.ConnectError(f"CERTIFICATE_VERIFY_FAILED: {message}", request=request)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(exc, aiohttp.SocketTimeoutError | asyncio.TimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message, request=request)
    return httpx.ReadError(message, request=request)


async def _final_headers(request: httpx.Request) -> list[tuple[str, str]]:
    """The headers as they go out, after httpcore's "headers about to be sent" trace hook.

    The signature auth re-signs there (a nonce as late as possible); httpcore
    calls the hook with its own request object, whose header list may be
    changed in place, so the same shape is offered here.
    """
    trace = request.extensions.get("trace")
    if trace is None:
        return request.headers.multi_items()
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers.multi_items()]
    await trace("http11.send_request_headers.started", {"request": _CoreRequest(raw)})
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]


@dataclass
class _CoreRequest:
    headers: list[tuple[bytes, bytes]]


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests over one aiohttp session (made on first use, in the running loop)."""

    def __init__(self, *, connections: int, verify: bool = True) -> None:
        self._connections = connections
        self._ssl: ssl.SSLContext | bool = verify  # False: no certificate check (--insecure)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._connections, ssl=self._ssl)
            # httpx decodes bodies itself (it sent Accept-Encoding): keep them as they came.
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._open()
        body = await request.aread()
        headers = await _final_headers(request)
        try:
            async with session.request(
                request.method,
                # As encoded: the PHP-style query must reach Splynx byte for byte.
                yarl.URL(str(request.url), encoded=True),
                data=body or None,
                headers=headers,
                timeout=_timeout(request),
                allow_redirects=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            ) as answer:
                content = await answer.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _mapped(exc, request) from exc
        return httpx.Response(
            answer.status,
            headers=answer.raw_headers,  # httpx keeps bytes as they came
            content=content,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
