"""The shared latency / capacity / fault middleware, over real HTTP on loopback."""

from __future__ import annotations

import random
import time

import anyio
import httpx
import pytest
from aiohttp import web

from migrator.sim.faults import Capacity, FaultKind, FaultPlan, Latency, fault_middleware
from migrator.sim.harness import serve


def make_app(
    plan: FaultPlan, capacity: Capacity, latency: str = "0"
) -> tuple[web.Application, list[int]]:
    hits: list[int] = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(1)
        return web.json_response({"ok": True})

    app = web.Application(
        middlewares=[
            fault_middleware(
                latency=Latency.parse(latency),
                faults=plan,
                capacity=capacity,
                rng=random.Random(3),
                server_error=lambda status: web.json_response({"status": status}, status=status),
            )
        ]
    )
    app.router.add_get("/", handler)
    return app, hits


def test_latency_parsing() -> None:
    assert Latency.parse("150:50") == Latency(150, 50)
    assert Latency.parse("20") == Latency(20, 0)
    rng = random.Random(1)
    samples = [Latency(150, 50).sample(rng) for _ in range(1000)]
    assert min(samples) >= 0.100 and max(samples) <= 0.200
    with pytest.raises(ValueError, match="MEAN"):
        Latency.parse("fast")


async def test_capacity_queues_requests_beyond_the_pool() -> None:
    capacity = Capacity(workers=2)
    app, hits = make_app(FaultPlan(0.0), capacity, latency="100")
    async with serve(app) as url, httpx.AsyncClient() as client:
        started = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(client.get, url + "/")
        elapsed = time.monotonic() - started
    assert len(hits) == 6
    assert capacity.peak == 2
    assert elapsed >= 0.29  # 6 requests / 2 workers * 100 ms


@pytest.mark.parametrize("kind", list(FaultKind))
async def test_each_fault_kind_fails_the_request(kind: FaultKind) -> None:
    app, hits = make_app(FaultPlan(1.0, (kind,), hang_seconds=5), Capacity())
    async with serve(app) as url, httpx.AsyncClient(timeout=0.5) as client:
        outcomes = []
        for _ in range(8):
            try:
                outcomes.append((await client.get(url + "/")).status_code)
            except httpx.TimeoutException:
                outcomes.append("timeout")
            except httpx.TransportError:
                outcomes.append("dropped")
    expected = {
        FaultKind.SERVER_ERROR: {500, 502, 503},
        FaultKind.TIMEOUT: {"timeout"},
        FaultKind.DROP: {"dropped"},
    }[kind]
    assert set(outcomes) <= expected
    if kind is FaultKind.SERVER_ERROR:
        assert hits == []  # a 5xx does nothing
    else:
        assert 0 < len(hits) < 8  # some were carried out before the failure, some not


async def test_fault_rate_is_roughly_honoured() -> None:
    app, hits = make_app(FaultPlan(0.2, (FaultKind.SERVER_ERROR,)), Capacity())
    async with serve(app) as url, httpx.AsyncClient() as client:
        statuses = [(await client.get(url + "/")).status_code for _ in range(300)]
    failed = sum(1 for s in statuses if s >= 500)
    assert 30 <= failed <= 90
    assert len(hits) == 300 - failed
