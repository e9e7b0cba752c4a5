"""The simulator's per-token rate limit: a polite client never trips it, a greedy one must."""

from __future__ import annotations

import pytest

from migrator.sim.sonar.access import WindowLimiter, rate_limit_body
from tests.support.clock import FakeClock


def run_evenly(limiter: WindowLimiter, clock: FakeClock, per_minute: float, minutes: int) -> int:
    """Send requests spaced evenly at ``per_minute``; return how many were refused."""
    interval = 60.0 / per_minute
    refused = 0
    for _ in range(int(per_minute * minutes)):
        refused += not limiter.admit("token")
        clock.advance(interval)
    return refused


@pytest.mark.parametrize("headroom", [0.01, 0.02])
def test_even_spacing_with_headroom_never_trips(headroom: float) -> None:
    clock = FakeClock()
    limiter = WindowLimiter(400, clock=clock)
    assert run_evenly(limiter, clock, 400 * (1 - headroom), minutes=10) == 0


@pytest.mark.parametrize("excess", [0.02, 0.10])
def test_a_client_above_the_rate_trips_within_a_minute(excess: float) -> None:
    clock = FakeClock()
    limiter = WindowLimiter(400, clock=clock)
    refused = run_evenly(limiter, clock, 400 * (1 + excess), minutes=1)
    assert refused >= 1
    assert limiter.refused == refused


def test_the_window_opens_at_the_first_request_and_resets_after_sixty_seconds() -> None:
    clock = FakeClock()
    limiter = WindowLimiter(3, clock=clock)
    assert [limiter.admit("a") for _ in range(4)] == [True, True, True, False]
    clock.advance(59.9)
    assert not limiter.admit("a")  # refused requests do not count, but the window holds
    clock.advance(0.1)
    assert limiter.admit("a")


def test_each_token_has_its_own_window() -> None:
    clock = FakeClock()
    limiter = WindowLimiter(2, clock=clock)
    assert [limiter.admit("a") for _ in range(3)] == [True, True, False]
    assert [limiter.admit("b") for _ in range(2)] == [True, True]


def test_zero_turns_the_limit_off() -> None:
    limiter = WindowLimiter(0, clock=FakeClock())
    assert all(limiter.admit("a") for _ in range(10_000))


def test_the_error_body_names_the_configured_limit() -> None:
    assert rate_limit_body(400) == {"error": "Request limit of 400/min reached."}
    assert rate_limit_body(25) == {"error": "Request limit of 25/min reached."}
