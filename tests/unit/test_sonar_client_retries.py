"""The client's reaction to each kind of answer, over real HTTP on 127.0.0.1.

The server answers from a script (``tests.support.scripted_http``); time for the
limiter and the retry policy is virtual, so backoffs cost nothing.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from migrator.errors import AuthFailed, GaveUp, ProtocolError
from migrator.events import Event, RequestDone, Retried
from migrator.sonar.client import RATE_LIMIT_PAUSE, SonarClient, graphql_endpoint, sonar_limiter
from migrator.sonar.queries import page_document
from migrator.sonar.variables import keyset_variables
from tests.support.clock import FakeClock
from tests.support.scripted_http import DROP, HANG, Reply, Script, ok, scripted_server

PAGE = {"accounts": {"entities": [], "page_info": {"total_count": 0}}}
LIMIT = {"error": "Request limit of 400/min reached."}


async def run(script: Script, **options: Any) -> tuple[Any, SonarClient, list[Event], FakeClock]:
    clock, events = FakeClock(), []
    async with scripted_server(script) as url:
        client = SonarClient(
            url,
            "tok-123",
            limiter=sonar_limiter(400, clock=clock),
            clock=clock,
            rng=random.Random(7),
            emit=events.append,
            timeout=options.pop("timeout", 5.0),
            retry_budget=options.pop("retry_budget", 300.0),
        )
        async with client:
            try:
                result: Any = await client.execute(
                    page_document("accounts"),
                    keyset_variables("accounts", 0, None, 100),
                    operation="accounts partition 1/1 page 1 (id > 0)",
                )
            except Exception as exc:  # the test inspects what came out
                result = exc
    return result, client, events, clock


async def test_request_carries_token_document_and_variables() -> None:
    script = Script([ok(PAGE)])
    result, client, events, _ = await run(script)
    assert result == PAGE
    assert script.headers[0]["Authorization"] == "Bearer tok-123"
    (sent,) = script.requests
    assert sent["query"].startswith("query AccountsPage(")
    assert sent["variables"]["search"][0]["integer_fields"][0]["search_value"] == 0
    assert client.stats.requests == 1
    assert [type(e).__name__ for e in events] == ["BudgetKnown", "RequestDone"]


@pytest.mark.parametrize(
    ("first", "outcome", "wait_at_least"),
    [
        (Reply(429, LIMIT, {"Retry-After": "7"}), "rate_limited", 7.0),
        (Reply(200, LIMIT), "rate_limited", 0.0),  # Sonar's body, whatever the status
        (Reply(503, "<html>busy</html>"), "retriable", 0.0),
        (DROP, "retriable", 0.0),
    ],
)
async def test_transient_answers_are_retried(
    first: Any, outcome: str, wait_at_least: float
) -> None:
    script = Script([first, ok(PAGE)])
    result, client, events, _ = await run(script)
    assert result == PAGE
    assert len(script.requests) == 2
    done = [e for e in events if isinstance(e, RequestDone)]
    assert [e.outcome for e in done] == [outcome, "ok"]
    assert client.stats.retries == 1
    assert client.stats.rate_limited == (1 if outcome == "rate_limited" else 0)
    retried = [e for e in events if isinstance(e, Retried)]
    assert retried[0].wait >= wait_at_least


async def test_a_rate_limit_holds_every_producer_back() -> None:
    """The shared limiter is deferred by Retry-After (or a pause when none is given)."""
    for header, expected in (({"Retry-After": "12"}, 12.0), ({}, RATE_LIMIT_PAUSE)):
        seen: list[float] = []
        script = Script([Reply(429, LIMIT, header), ok(PAGE)])
        clock = FakeClock()
        async with scripted_server(script) as url:
            limiter = sonar_limiter(400, clock=clock)

            def watch(event: Event, limiter: Any = limiter, seen: list[float] = seen) -> None:
                if isinstance(event, RequestDone) and event.outcome == "rate_limited":
                    seen.append(limiter.blocked_for())

            async with SonarClient(url, "t", limiter=limiter, clock=clock, emit=watch) as client:
                await client.execute(page_document("accounts"), {}, operation="probe")
        assert seen == [expected]


async def test_a_timeout_is_retried() -> None:
    script = Script([HANG, ok(PAGE)], hang_seconds=2.0)
    result, client, _, _ = await run(script, timeout=0.3)
    assert result == PAGE and client.stats.retries == 1


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(400, {"errors": [{"message": "Cannot query field"}]}), ProtocolError),
        (Reply(200, {"errors": [{"message": 'Unknown argument "x"'}]}), ProtocolError),
        (Reply(401, {"error": "Unauthenticated."}), AuthFailed),
        (Reply(404, "no such page"), ProtocolError),
    ],
)
async def test_fatal_answers_are_never_retried(reply: Reply, error: type[Exception]) -> None:
    script = Script([reply, ok(PAGE)])
    result, client, _, _ = await run(script)
    assert isinstance(result, error)
    assert len(script.requests) == 1 and client.stats.retries == 0


async def test_giving_up_names_the_query_and_page() -> None:
    script = Script([Reply(503, "down")])
    result, client, _, clock = await run(script, retry_budget=20.0)
    assert isinstance(result, GaveUp)
    assert "accounts partition 1/1 page 1 (id > 0)" in str(result)
    assert 2 < len(script.requests) == client.stats.requests
    assert sum(clock.sleeps) <= 20.0 + 1.0


def test_endpoint_is_derived_from_the_base_url() -> None:
    assert (
        graphql_endpoint("https://isp.sonar.software/") == "https://isp.sonar.software/api/graphql"
    )
    assert graphql_endpoint("https://x.io/api/graphql") == "https://x.io/api/graphql"
    with pytest.raises(Exception, match="SONAR_URL"):
        graphql_endpoint("isp.sonar.software")
