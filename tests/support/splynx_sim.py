"""Running the Splynx simulator in a test, and the blueprint's auth recipes by hand.

The headers here are built from the blueprint (reference §1), not from the
project's client, so the tests check the simulator against the specification.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiohttp import web

from migrator.sim.harness import serve
from migrator.sim.splynx.additional import MARKER_FIELDS
from migrator.sim.splynx.app import STORE_KEY, SplynxSimConfig, build_app
from migrator.sim.splynx.store import Store
from tests.support.splynx_db import named_database

__all__ = [
    "KEY",
    "SECRET",
    "Nonces",
    "RunningSim",
    "basic",
    "running",
    "running_on",
    "sign",
    "signed",
]

KEY = "test-api-key"
SECRET = "test-api-secret"


def sign(nonce: int | str, key: str = KEY, secret: str = SECRET) -> str:
    """``strtoupper(hash_hmac('sha256', $nonce . $api_key, $api_secret))``."""
    return hmac.new(secret.encode(), f"{nonce}{key}".encode(), hashlib.sha256).hexdigest().upper()


def signed(nonce: int, key: str = KEY, secret: str = SECRET) -> dict[str, str]:
    """The ``Splynx-EA (key=..&signature=..&nonce=..)`` header, params in the PHP code's order."""
    value = f"Splynx-EA (key={key}&signature={sign(nonce, key, secret)}&nonce={nonce})"
    return {"Authorization": value}


def basic(key: str = KEY, secret: str = SECRET) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class Nonces:
    """Strictly increasing nonces: centiseconds since the epoch, as the blueprint's PHP makes."""

    def __init__(self) -> None:
        self._counter = itertools.count(int(time.time() * 100))

    def __next__(self) -> int:
        return next(self._counter)


@dataclass
class RunningSim:
    url: str  # http://127.0.0.1:PORT
    app: web.Application
    client: httpx.AsyncClient  # base /api/2.0/, Basic auth

    @property
    def api(self) -> str:
        return self.url + "/api/2.0/"

    @property
    def store(self) -> Store:
        return self.app[STORE_KEY]

    async def create(self, path: str, body: dict[str, Any]) -> int:
        answer = await self.client.post(path, json=body)
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    async def customer(self, name: str = "Ann Example", **fields: Any) -> int:
        body = {"name": name, "partner_id": 1, "location_id": 1, **fields}
        return await self.create("admin/customers/customer", body)


@contextlib.asynccontextmanager
async def running(**config: Any) -> AsyncIterator[RunningSim]:
    """A simulator on loopback (no latency, unlimited workers unless asked) and a Basic client.

    It starts with the migration's marker fields (``additional_fields=()`` for a fresh Splynx).
    """
    settings: dict[str, Any] = {
        "additional_fields": MARKER_FIELDS,
        "api_key": KEY,
        "api_secret": SECRET,
        "unsecure_basic": True,
        "workers": 0,
        "seed": 7,
        **config,
    }
    app = build_app(SplynxSimConfig(**settings))
    async with serve(app) as url:
        base = url + "/api/2.0/"
        async with httpx.AsyncClient(base_url=base, headers=basic(), timeout=10) as client:
            yield RunningSim(url, app, client)


@contextlib.asynccontextmanager
async def running_on(
    request: pytest.FixtureRequest, storage: str, prefix: str
) -> AsyncIterator[RunningSim]:
    """``running()`` in memory, or on a scratch MariaDB database named after ``prefix``."""
    if storage == "memory":
        async with running() as started:
            yield started
        return
    server = request.getfixturevalue("mariadb")
    with named_database(server, prefix=prefix) as (dsn, _):
        async with running(db_dsn=dsn) as started:
            yield started
