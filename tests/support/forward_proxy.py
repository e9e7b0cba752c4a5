"""A tiny HTTP forward proxy on 127.0.0.1, to show the clients honour HTTP(S)_PROXY.

It does what a corporate proxy does for the two ways a client uses one:

- plain HTTP in absolute form (``GET http://host:port/path HTTP/1.1``): the
  request is re-sent to the origin in origin form on a fresh connection, with
  ``Connection: close``, and the answer is relayed back until the origin closes;
- ``CONNECT host:port``: answered ``200``, then bytes are piped both ways (TLS
  goes through untouched).

``seen`` records each request line as it arrived, so a test can prove a
request went through the proxy. With ``refuse=True`` every request is
answered ``403`` without touching the origin (a proxy that will not let us out).

A test helper only: one request per client connection, no chunked request
bodies, no authentication.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import anyio

__all__ = ["ForwardProxy", "forward_proxy"]

REFUSAL = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@dataclass
class ForwardProxy:
    """What the proxy saw, and its URL (``http://127.0.0.1:port``)."""

    refuse: bool = False
    url: str = ""
    seen: list[str] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")[:-2]
            self.seen.append(request_line)
            method, target, _ = request_line.split(" ", 2)
            if self.refuse:
                writer.write(REFUSAL)
            elif method == "CONNECT":
                await self._tunnel(target, reader, writer)
            else:
                await self._forward(method, target, header_lines, reader, writer)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away: nothing to relay
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _tunnel(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        host, _, port = target.rpartition(":")
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await _pipe_both(reader, writer, up_reader, up_writer)

    async def _forward(
        self,
        method: str,
        target: str,
        header_lines: list[str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        url = urlsplit(target)
        headers = [line for line in header_lines if not _hop_by_hop(line)]
        length = next(
            (int(line.split(":", 1)[1]) for line in headers if _named(line, "content-length")), 0
        )
        body = await reader.readexactly(length)
        path = url.path + (f"?{url.query}" if url.query else "")
        head = "\r\n".join([f"{method} {path or '/'} HTTP/1.1", *headers, "Connection: close"])
        up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        up_writer.write(head.encode("latin-1") + b"\r\n\r\n" + body)
        await up_writer.drain()
        try:
            while chunk := await up_reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            up_writer.close()


def _named(line: str, name: str) -> bool:
    return line.split(":", 1)[0].strip().lower() == name


def _hop_by_hop(line: str) -> bool:
    return any(_named(line, name) for name in ("connection", "proxy-connection", "keep-alive"))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except ConnectionError:
        pass
    finally:
        if sink.can_write_eof():
            with contextlib.suppress(OSError):
                sink.write_eof()


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_pipe, reader, up_writer)
            tg.start_soon(_pipe, up_reader, writer)
    finally:
        up_writer.close()


@contextlib.asynccontextmanager
async def forward_proxy(*, refuse: bool = False) -> AsyncIterator[ForwardProxy]:
    """A running proxy on 127.0.0.1 (an ephemeral port) for the block."""
    proxy = ForwardProxy(refuse=refuse)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    proxy.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    async with server:
        yield proxy
