"""RateLimiter timing, on virtual time."""

from __future__ import annotations

import anyio
import pytest

from migrator.policy.ratelimit import RateLimiter
from tests.support.clock import FakeClock


async def test_permits_are_spaced_evenly_at_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(400, 60.0, clock=clock)
    start = clock.now()
    for _ in range(401):
        await limiter.acquire()
    # 401 permits: the first is free, the other 400 are 0.15 s apart.
    assert clock.now() - start == pytest.approx(400 * 0.15)


async def test_no_window_of_a_period_sees_more_than_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, 60.0, burst=1, clock=clock)
    times = []
    for _ in range(350):
        await limiter.acquire()
        times.append(clock.now())
    for i, t in enumerate(times):
        in_window = sum(1 for u in times[i:] if u < t + 60.0 - 1e-6)
        assert in_window <= 100


async def test_headroom_slows_the_rate_by_its_share() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, 60.0, headroom=0.05, clock=clock)
    start = clock.now()
    for _ in range(96):
        await limiter.acquire()
    assert clock.now() - start == pytest.approx(95 * 60.0 / 95.0)


async def test_burst_lets_that_many_through_at_once() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, 60.0, burst=5, clock=clock)
    for _ in range(5):
        assert await limiter.acquire() == 0.0
    assert await limiter.acquire() == pytest.approx(1.0)


async def test_zero_rate_means_unlimited() -> None:
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock)
    for _ in range(1000):
        await limiter.acquire()
    assert clock.sleeps == []
    assert limiter.granted == 1000
    assert not limiter.enabled


async def test_defer_holds_back_everyone_even_when_unlimited() -> None:
    clock = FakeClock()
    limited = RateLimiter(600, 60.0, clock=clock)
    unlimited = RateLimiter(0, clock=clock)
    limited.defer(5.0)
    unlimited.defer(5.0)
    assert await unlimited.acquire() == pytest.approx(5.0)
    assert await limited.acquire() == pytest.approx(0.0)  # the clock already moved 5 s


async def test_concurrent_callers_share_one_budget() -> None:
    clock = FakeClock()
    limiter = RateLimiter(120, 60.0, clock=clock)
    waits: list[float] = []

    async def take() -> None:
        waits.append(limiter._reserve())

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(take)
    assert sorted(waits) == pytest.approx([i * 0.5 for i in range(10)])


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RateLimiter(-1)
    with pytest.raises(ValueError):
        RateLimiter(10, headroom=1.0)
