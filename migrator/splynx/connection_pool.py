"""The ``Port`` the migrator uses: keep-alive ``Http11Connection`` connections, pooled.

Measured on loopback, a write through this costs about a third of the CPU of
aiohttp's client session under httpx's models, which was itself a third of
httpcore's pool (see ``http11`` and ``exchange``); with tens of thousands of
writes a run, that was most of the migrator's CPU.

Failures become the httpx exceptions that say the same thing, so the client's
one classification (``classify.transport_error``) decides whether a request
may have reached Splynx: only a failure to connect (or to get a connection
from the pool in time) means "never sent".
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import quote

import httpx

from migrator.splynx.http11 import (
    Disconnected,
    Http11Connection,
    ReadTimedOut,
    WireAnswer,
    WireError,
)
from migrator.splynx.http_types import Answer, AnswerHeaders, Origin, Timeouts, decoded_body

__all__ = ["ConnectionPool"]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_TARGET_SAFE = "/?&=%[]+:@,;!$'()*~-._"


def request_bytes(
    method: str, origin: Origin, target: str, headers: list[tuple[str, str]], body: bytes
) -> bytes:
    """The request as it goes on the wire: request line, Host, headers, length, body.

    A line break inside the target or a header (a token a server handed us, say)
    would start a header of its own: such a request is refused, not sent.
    """
    if not target.isascii() or " " in target:
        target = quote(target, safe=_TARGET_SAFE)
    lines = [f"{method} {target} HTTP/1.1\r\nHost: {origin.host_header}\r\n"]
    lines += [f"{name}: {value}\r\n" for name, value in headers]
    if body or method in _BODY_METHODS:
        lines.append(f"Content-Length: {len(body)}\r\n")
    lines.append("\r\n")
    head = "".join(lines)
    if head.count("\n") != len(lines) + 1 or head.count("\r") != len(lines) + 1:
        raise httpx.LocalProtocolError(f"a line break inside the request head of {method} {target}")
    try:
        return head.encode("latin-1") + body
    except UnicodeEncodeError as exc:
        raise httpx.LocalProtocolError(f"a header of {method} {target} is not Latin-1") from exc


class _OriginPool:
    """Up to ``limit`` connections to one origin; idle ones are reused, newest first."""

    def __init__(self, origin: Origin, tls: ssl.SSLContext | None, limit: int) -> None:
        self._origin = origin
        self._tls = tls
        self._free = asyncio.Semaphore(limit)
        self._idle: list[Http11Connection] = []

    async def exchange(self, method: str, data: bytes, timeouts: Timeouts) -> WireAnswer:
        if self._free.locked():  # wait for a connection (wait_for only then: it costs a task)
            try:
                await asyncio.wait_for(self._free.acquire(), timeouts.get("pool"))
            except TimeoutError:
                raise httpx.PoolTimeout("no free connection to Splynx in time") from None
        else:
            await self._free.acquire()
        try:
            connection = self._reuse() or await self._connect(timeouts.get("connect"))
            try:
                answer = await connection.exchange(
                    data, head_only=method == "HEAD", read_timeout=timeouts.get("read")
                )
            except ReadTimedOut as exc:
                raise httpx.ReadTimeout(str(exc)) from exc
            except Disconnected as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            except WireError as exc:
                raise httpx.RemoteProtocolError(f"{type(exc).__name__}: {exc}") from exc
            except BaseException:
                connection.abort()  # cancelled mid-exchange: its answer would be the next one's
                raise
            if connection.usable:
                self._idle.append(connection)
            return answer
        finally:
            self._free.release()

    def _reuse(self) -> Http11Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if connection.usable:
                return connection
        return None

    async def _connect(self, limit: float | None) -> Http11Connection:
        loop = asyncio.get_running_loop()
        where = f"{self._origin.host}:{self._origin.port}"
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(
                    Http11Connection,
                    self._origin.host,
                    self._origin.port,
                    ssl=self._tls,
                    server_hostname=self._origin.host if self._tls else None,
                ),
                limit,
            )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"no connection to {where} within {limit} s") from None
        except ssl.SSLCertVerificationError as exc:
            raise httpx.ConnectError(f"CERTIFICATE_VERIFY_FAILED: {where}: {exc}") from exc
        except OSError as exc:  # refused, unreachable, unknown host, TLS handshake failure
            raise httpx.ConnectError(f"{where}: {type(exc).__name__}: {exc}") from exc
        return connection

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


class ConnectionPool:
    """Keep-alive HTTP/1.1 connections, ``connections`` per origin (TLS verified unless told)."""

    def __init__(self, *, connections: int, verify: bool = True) -> None:
        self._connections = connections
        self._verify = verify  # False: no certificate check (--insecure)
        self._origins: dict[Origin, _OriginPool] = {}
        self._tls: ssl.SSLContext | None = None

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            context = ssl.create_default_context()
            if not self._verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self._tls = context
        return self._tls

    def _pool(self, origin: Origin) -> _OriginPool:
        pool = self._origins.get(origin)
        if pool is None:
            tls = self._tls_context() if origin.scheme == "https" else None
            pool = self._origins[origin] = _OriginPool(origin, tls, self._connections)
        return pool

    async def send(
        self,
        method: str,
        origin: Origin,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        timeouts: Timeouts,
    ) -> Answer:
        data = request_bytes(method, origin, target, headers, body)
        wire = await self._pool(origin).exchange(method, data, timeouts)
        answer_headers = AnswerHeaders.from_raw(wire.headers)
        content = decoded_body(wire.body, answer_headers.get("Content-Encoding"))
        return Answer(wire.status, answer_headers, content)

    async def aclose(self) -> None:
        for pool in self._origins.values():
            pool.close()
        self._origins.clear()
