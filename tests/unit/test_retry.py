"""RetryPolicy decisions, on virtual time."""

from __future__ import annotations

import random

import pytest

from migrator.errors import (
    Fatal,
    GaveUp,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Retriable,
    ServerError,
)
from migrator.policy.retry import RetryEvent, RetryPolicy, is_retriable
from tests.support.clock import FakeClock


def make_policy(clock: FakeClock, events: list[RetryEvent], budget: float = 60.0) -> RetryPolicy:
    return RetryPolicy(
        budget=budget,
        initial=0.5,
        maximum=8.0,
        clock=clock,
        rng=random.Random(7),
        on_retry=events.append,
    )


async def test_retries_retriable_until_success() -> None:
    clock, events = FakeClock(), []
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 4:
            raise ServerError("503")
        return "ok"

    policy = make_policy(clock, events)
    assert await policy.call("page 3 of accounts", flaky) == "ok"
    assert calls == 4
    assert [e.attempt for e in events] == [1, 2, 3]
    assert policy.retries == 3
    # Full jitter within an exponentially growing ceiling.
    for event, ceiling in zip(events, (0.5, 1.0, 2.0), strict=True):
        assert ceiling / 2 <= event.wait <= ceiling


async def test_retry_after_is_a_floor() -> None:
    clock, events = FakeClock(), []
    calls = 0

    async def limited() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RateLimited("429", retry_after=12.0)
        return "ok"

    await make_policy(clock, events).call("op", limited)
    assert clock.sleeps == [12.0]


@pytest.mark.parametrize(
    "error", [Fatal("no"), Rejected("bad name"), OutcomeUnknown("sent, no answer"), ValueError("x")]
)
async def test_never_retries_what_is_not_retriable(error: Exception) -> None:
    clock, events = FakeClock(), []
    calls = 0

    async def broken() -> None:
        nonlocal calls
        calls += 1
        raise error

    with pytest.raises(type(error)):
        await make_policy(clock, events).call("op", broken)
    assert calls == 1
    assert events == []


async def test_gives_up_within_the_budget_naming_the_operation() -> None:
    clock, events = FakeClock(), []

    async def down() -> None:
        raise ServerError("502 bad gateway")

    with pytest.raises(GaveUp) as caught:
        await make_policy(clock, events, budget=30.0).call("accounts page 7", down)
    assert "accounts page 7" in str(caught.value)
    assert "502 bad gateway" in str(caught.value)
    assert caught.value.attempts == len(events) + 1
    assert sum(clock.sleeps) <= 30.0


async def test_a_caller_that_looks_first_may_retry_an_unknown_outcome() -> None:
    clock, events = FakeClock(), []
    calls = 0

    async def unsure() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OutcomeUnknown("sent, no answer")
        return "found or created"

    def also_unknown(error: BaseException) -> bool:
        return is_retriable(error) or isinstance(error, OutcomeUnknown)

    policy = make_policy(clock, events)
    assert await policy.call("create once", unsure, retry_if=also_unknown) == "found or created"
    assert calls == 2 and [e.attempt for e in events] == [1]
    assert isinstance(events[0].error, OutcomeUnknown)
    assert not isinstance(events[0].error, Retriable)


async def test_a_retry_after_beyond_the_budget_gives_up_without_sleeping() -> None:
    clock, events = FakeClock(), []

    async def limited() -> None:
        raise RateLimited("429", retry_after=600.0)

    with pytest.raises(GaveUp, match="429") as caught:
        await make_policy(clock, events, budget=300.0).call("create customers", limited)
    assert caught.value.attempts == 1 and clock.sleeps == [] and events == []
