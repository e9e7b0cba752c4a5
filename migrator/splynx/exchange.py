"""One request to Splynx and its answer, as plain data.

On a fast network the per-request bookkeeping of a general HTTP client costs
more CPU than the exchange itself (measured on loopback: httpx's request and
response models alone about 90 microseconds a write, ``AsyncClient.request``
about 165 more), and a run makes tens of thousands of writes. So the Splynx
client builds no client-library objects per request: ``Exchange`` joins the
base URL as a string, merges the fixed headers, encodes JSON, lets the auth
strategy add its header (and re-send after a 401, as the strategy allows), and
hands the lot to a ``Port`` (see ``http_types``), which returns an ``Answer``.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from migrator.splynx.http_types import Answer, Origin, Port, Timeouts
from migrator.splynx.httpx_port import HttpxPort

if TYPE_CHECKING:
    from migrator.splynx.auth import SplynxAuth

__all__ = ["Exchange", "json_bytes"]


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
