"""A loopback HTTP server answering from a script, for the client's retry and timing tests.

Not a Sonar simulator: it answers whatever the test lists, in order, so a test
can produce exactly "429 with Retry-After, then 200" or "drop, then 200" over
real HTTP, with aiohttp's real exceptions on the client side. Everything about
Sonar's behaviour is tested against ``migrator.sim.sonar`` instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from migrator.sim.harness import serve

__all__ = ["DROP", "HANG", "Reply", "Script", "scripted_server"]

DROP = "drop"
HANG = "hang"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> web.Response:
        text = self.body if isinstance(self.body, str) else json.dumps(self.body)
        return web.Response(
            status=self.status, text=text, headers=self.headers, content_type="application/json"
        )


@dataclass
class Script:
    """Replies in order; the last one repeats. ``requests`` records what arrived."""

    replies: list[Reply | str]
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    hang_seconds: float = 5.0

    def next(self) -> Reply | str:
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        return self.replies[index]


def ok(data: dict[str, Any]) -> Reply:
    return Reply(200, {"data": data})


@asynccontextmanager
async def scripted_server(script: Script) -> AsyncIterator[str]:
    """Serve ``script`` on 127.0.0.1; yields the base URL."""

    async def graphql(request: web.Request) -> web.StreamResponse:
        script.requests.append(await request.json())
        script.headers.append(dict(request.headers))
        reply = script.next()
        if reply == HANG:
            await asyncio.sleep(script.hang_seconds)
        if reply in (HANG, DROP):
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        assert isinstance(reply, Reply)
        return reply.response()

    app = web.Application()
    app.router.add_post("/api/graphql", graphql)
    async with serve(app) as url:
        yield url
