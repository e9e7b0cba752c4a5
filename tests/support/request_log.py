"""Every request a simulator served, as an aiohttp middleware a test installs.

Proves what a command sent without trusting the command: a read-only command
must leave a Splynx log of GET/HEAD/OPTIONS only (and a token login), and a
Sonar log of GraphQL queries without a mutation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

__all__ = ["LoggedRequest", "RequestLog"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    body: str


@dataclass
class RequestLog:
    """The requests served, in order; ``mark`` and ``since`` isolate one command's."""

    seen: list[LoggedRequest] = field(default_factory=list)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # a multipart body is read as a stream by the handler: left unread (and unlogged)
        multipart = request.content_type.startswith("multipart/")
        body = (await request.text()) if request.can_read_body and not multipart else ""
        self.seen.append(LoggedRequest(request.method, request.path, body))
        return await handler(request)

    def mark(self) -> int:
        return len(self.seen)

    def since(self, mark: int) -> list[LoggedRequest]:
        return self.seen[mark:]
