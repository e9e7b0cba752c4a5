"""One request to Splynx, handed straight to the transport.

``httpx.AsyncClient.request`` costs more CPU than the exchange itself on a
fast network (measured: about 165 microseconds a request of the 400 a
loopback write costs in all): it merges the base URL on every call, keeps a
cookie jar, follows redirect and event-hook machinery, none of which Splynx
needs. ``Exchange`` keeps httpx's request and response models, its
transports (``AiohttpTransport``, ``MockTransport`` in tests) and its auth
protocol, and drops the rest: the base URL is joined as a string, default
headers and timeouts are fixed at start, and an ``httpx.Auth`` flow is driven
here the way the client drives it (send what it yields, give it the answer,
until it stops).

``Requester`` is what the session and the token issuer need of either; an
``httpx.AsyncClient`` is one too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import httpx

__all__ = ["Exchange", "Requester"]


class Requester(Protocol):
    """Sends one request relative to the Splynx API's base URL (an ``httpx.AsyncClient``
    or an ``Exchange``)."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response: ...

    async def aclose(self) -> None: ...


class Exchange:
    """Requests to ``base_url`` (ending in ``/``) over ``transport``, redirects never followed."""

    def __init__(
        self,
        base_url: str,
        transport: httpx.AsyncBaseTransport,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._transport = transport
        self._headers = httpx.Headers(headers)
        self._timeout = (timeout or httpx.Timeout(30.0)).as_dict()

    async def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response:
        request = httpx.Request(
            method,
            self.base_url + url,
            content=content,
            json=json,
            headers=self._with(headers) if headers else self._headers,
            extensions={"timeout": self._timeout},
        )
        if auth is None:
            return await self._send(request)
        return await self._authorized(request, auth)

    def _with(self, headers: dict[str, str]) -> httpx.Headers:
        """The defaults with ``headers`` over them (names compared without case)."""
        merged = self._headers.copy()
        merged.update(headers)
        return merged

    async def _authorized(self, request: httpx.Request, auth: httpx.Auth) -> httpx.Response:
        """Drive the auth flow: send each request it yields, answer it with the response."""
        flow = auth.async_auth_flow(request)
        try:
            request = await flow.__anext__()
            while True:
                response = await self._send(request)
                try:
                    request = await flow.asend(response)
                except StopAsyncIteration:
                    return response
        finally:
            await flow.aclose()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()
