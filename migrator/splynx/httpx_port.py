"""A ``Port`` over any httpx transport: ``httpx.MockTransport`` in the unit tests."""

from __future__ import annotations

import httpx

from migrator.splynx.http_types import Answer, AnswerHeaders, Origin, Timeouts

__all__ = ["HttpxPort"]


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
