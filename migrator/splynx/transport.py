"""The Splynx client's transport: httpx's transport interface over aiohttp's connection pool.

The client is an ``httpx.AsyncClient`` (its request and response models, auth
flows, ``MockTransport`` in the tests); what carries its requests is this
adapter, because httpx's own pool costs too much CPU for a migration's pace.
Measured on loopback with sixteen writers: httpx's default transport spends
about 1.6 ms of CPU per request (httpcore checks every pooled connection, with
a system call for each idle one, every time a request comes or goes), which
puts the migrator at a third of a core at Splynx's write bound, over the 0.25
DESIGN.md section 7 allows; under httpx's client, aiohttp's pool (installed
anyway for gql) brings a request to about 0.5 ms. Nothing here frames HTTP,
pools connections or speaks TLS: aiohttp does.

What the adapter does, and nothing more:

- hands the request to one ``aiohttp.ClientSession`` (opened on first use,
  inside the event loop): method, URL (as httpx encoded it, not re-encoded:
  a PHP search is sent as the client wrote it), headers, body; redirects never
  followed; the body left encoded, so httpx decodes gzip/deflate as usual;
- refuses a header with a line break before anything is sent;
- keeps at most ``connections`` requests in flight, the pool's size, so a
  request that got in never waits for a connection: a request signed on its
  way out (``SIGN_AT_SEND``) carries a nonce no older than its place in line;
- takes the proxy from the environment once (HTTPS_PROXY / HTTP_PROXY /
  NO_PROXY, as httpx and curl read them), and TLS from ``ssl`` (an
  ``ssl.SSLContext`` that honours SSL_CERT_FILE, or False for MIGRATOR_INSECURE);
- applies httpx's timeouts: ``connect`` to opening a connection, ``pool`` plus
  ``connect`` to getting one, ``read`` to each read of the answer. aiohttp has no
  write timeout: a request body here is a few kilobytes, written at once into
  the socket's buffer, and a server that stops reading shows as a read timeout;
- translates aiohttp's failures into httpx's, as an httpx transport must
  (httpx's own does the same for httpcore's), with the aiohttp error as the
  cause: never connected (refused, DNS, proxy, certificate, connect timeout)
  is ``ConnectError`` / ``ProxyError`` / ``ConnectTimeout``; connected but no
  usable answer (closed, reset, truncated, read timeout) is ``ReadError`` /
  ``RemoteProtocolError`` / ``ReadTimeout``, so a create sent that way is
  looked up, never sent blindly again. The client's ``classify`` reads these.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import anyio
import httpx
from yarl import URL

__all__ = ["SIGN_AT_SEND", "AiohttpTransport", "environment_proxy"]

SIGN_AT_SEND = "migrator.sign_at_send"
"""Request extension: a function giving a fresh ``Authorization`` value, called as the
request goes out (after it has a connection), so a nonce is taken as late as possible."""

_LINE_BREAKS = ("\r", "\n", "\0")
_Handler = Callable[[aiohttp.ClientRequest], Awaitable[aiohttp.ClientResponse]]


def environment_proxy(url: httpx.URL) -> str | None:
    """The proxy the environment names for ``url`` (None: go direct), as curl reads it."""
    proxies = urllib.request.getproxies_environment()
    if not proxies or urllib.request.proxy_bypass(url.host):
        return None
    return proxies.get(url.scheme) or proxies.get("all")


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through one aiohttp session with a pool of ``connections``."""

    def __init__(
        self,
        *,
        connections: int,
        ssl: ssl.SSLContext | bool,
        proxy: Callable[[httpx.URL], str | None] = environment_proxy,
        keepalive: float = 15.0,
    ) -> None:
        self._connections = connections
        self._ssl = ssl
        self._proxy = proxy
        self._keepalive = keepalive
        self._slots = anyio.Semaphore(connections, fast_acquire=True)
        self._session: aiohttp.ClientSession | None = None
        # Reading the environment costs about a millisecond (every variable is decoded):
        # once per origin, not once per request.
        self._proxies: dict[tuple[str, str, int | None], str | None] = {}

    def _opened(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._connections,
                limit_per_host=0,
                keepalive_timeout=self._keepalive,
                ssl=self._ssl,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes, by the Content-Encoding it sees
                trust_env=False,  # the proxy is chosen here (aiohttp's costs a thread a request)
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = _headers_of(request)
        body = await request.aread()
        options: dict[str, Any] = {
            "headers": headers,
            "data": body or None,
            "allow_redirects": False,
            "timeout": _timeout(request.extensions.get("timeout", {})),
            "proxy": self._proxy_for(request.url),
        }
        sign = request.extensions.get(SIGN_AT_SEND)
        if sign is not None:
            options["middlewares"] = (_signer(sign),)
        async with self._slots:
            try:
                async with self._opened().request(
                    request.method, URL(str(request.url), encoded=True), **options
                ) as answer:
                    content = await answer.read()
                    raw = list(answer.raw_headers)
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise _translated(exc, request) from exc
        return httpx.Response(
            status,
            headers=raw,
            content=content,
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    def _proxy_for(self, url: httpx.URL) -> str | None:
        origin = (url.scheme, url.host, url.port)
        if origin not in self._proxies:
            self._proxies[origin] = self._proxy(url)
        return self._proxies[origin]

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _headers_of(request: httpx.Request) -> list[tuple[str, str]]:
    pairs = []
    for name, value in request.headers.multi_items():
        if any(mark in name or mark in value for mark in _LINE_BREAKS):
            # the value may be a credential: named, never quoted
            raise httpx.LocalProtocolError(f"the {name} header holds a line break", request=request)
        pairs.append((name, value))
    return pairs


def _timeout(timeouts: Mapping[str, float | None]) -> aiohttp.ClientTimeout:
    connect, pool = timeouts.get("connect"), timeouts.get("pool")
    getting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(
        total=None, connect=getting, sock_connect=connect, sock_read=timeouts.get("read")
    )


def _signer(sign: Callable[[], str]) -> Callable[..., Awaitable[aiohttp.ClientResponse]]:
    async def middleware(
        outgoing: aiohttp.ClientRequest, handler: _Handler
    ) -> aiohttp.ClientResponse:
        outgoing.headers["Authorization"] = sign()
        return await handler(outgoing)

    return middleware


def _translated(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """aiohttp's failure as httpx's: was the request possibly received?"""
    text = f"{type(exc).__name__}: {exc}"
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol  # not a URL aiohttp can send to: nothing sent
    elif isinstance(exc, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        kind = httpx.ProxyError  # never reached Splynx
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError  # refused, DNS, certificate: nothing sent
    elif isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout  # no connection in time: nothing sent
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        kind = httpx.RemoteProtocolError  # closed or cut short after it was sent
    elif isinstance(exc, aiohttp.ClientResponseError):  # an answer that is not HTTP
        kind = httpx.RemoteProtocolError
    else:  # reset, broken pipe, a timeout of no known phase: it may have been received
        kind = httpx.ReadError
    return kind(text, request=request)
