"""A loopback HTTP gate in front of a simulator: it holds one client's requests while closed.

It forwards everything unchanged (auth headers, bodies, status codes) to the
simulator behind it, but, while closed, keeps the requests that read or write
records waiting; requests that only look (``HEAD`` counts, ``OPTIONS``) and
the token requests pass at once. A test can so let one migration plan against
an empty Splynx, hold it there while another migration writes, and let it go
on afterwards: the moment-by-moment interleaving of two runs started seconds
apart, made repeatable.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import anyio
from aiohttp import web

from migrator.sim.harness import serve

__all__ = ["Gate", "gate_in_front_of"]

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}
)
_PASSING = frozenset({"HEAD", "OPTIONS"})


@dataclass
class Gate:
    """The gate's URL (use it as the held client's base URL), and its switch."""

    url: str = ""
    _open: anyio.Event = field(default_factory=anyio.Event)
    held: int = 0  # requests that had to wait

    def open(self) -> None:
        self._open.set()

    def close(self) -> None:
        if self._open.is_set():
            self._open = anyio.Event()

    async def wait(self, request: web.Request) -> None:
        passing = request.method in _PASSING or "/auth/tokens" in request.path
        if not passing and not self._open.is_set():
            self.held += 1
            await self._open.wait()


@contextlib.asynccontextmanager
async def gate_in_front_of(upstream: str, *, closed: bool) -> AsyncIterator[Gate]:
    """Serve a gate forwarding to ``upstream`` (a base URL), closed or open to begin with."""
    gate = Gate()
    if not closed:
        gate.open()
    async with aiohttp.ClientSession() as session:  # answers decompressed, so sent plain

        async def forward(request: web.Request) -> web.StreamResponse:
            await gate.wait(request)
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
            async with session.request(
                request.method,
                upstream + request.path_qs,
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as answer:
                body = await answer.read()
                kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
                return web.Response(status=answer.status, headers=kept, body=body)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        async with serve(app) as url:
            gate.url = url
            yield gate
