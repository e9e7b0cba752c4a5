"""A system that is not there is reported in seconds, not after the retry budget.

Reproduced first: against an unreachable, always-500 or silent endpoint, the
first request was retried for the whole retry budget (five minutes by default)
before the run gave up. Now the first contact with each system gives up after
a few connect timeouts, naming the setting to check; here the retry budget is
left at five minutes and the connect timeout made small, so a run that waited
out the budget would trip the hang guard.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest
from aiohttp import web

from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.preflight.run import preflight
from migrator.profile import load_profile
from migrator.sim.harness import serve
from tests.support.migration_checks import NO_MONEY
from tests.support.pair import running_pair, settings_for

HANG_GUARD = 60.0  # far below the five-minute retry budget: a guard, not a timing claim


@asynccontextmanager
async def bad_endpoint(kind: str) -> AsyncIterator[str]:
    """A URL that refuses connections, answers 500 to everything, or never answers."""
    if kind == "unreachable":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        yield f"http://127.0.0.1:{port}"  # nothing listens there any more
    elif kind == "always 500":

        async def fail(request: web.Request) -> web.Response:
            return web.Response(status=500, text="boom")

        app = web.Application()
        app.router.add_route("*", "/{path:.*}", fail)
        async with serve(app) as url:
            yield url
    else:  # silent: accepts the connection, reads, never answers
        stop = anyio.Event()

        async def hold(stream: anyio.abc.SocketStream) -> None:
            async with stream:
                await stop.wait()

        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with listener, anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, hold)
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                stop.set()
                tg.cancel_scope.cancel()


KINDS = ["unreachable", "always 500", "silent"]


@pytest.mark.parametrize("system", ["sonar", "splynx"])
@pytest.mark.parametrize("kind", KINDS)
async def test_a_run_stops_at_once_naming_the_system_that_is_not_there(
    tmp_path: Path, system: str, kind: str
) -> None:
    async with running_pair({"scale": 3}) as pair, bad_endpoint(kind) as bad:
        urls = (bad, pair.splynx_url) if system == "sonar" else (pair.sonar_url, bad)
        settings = settings_for(
            urls, tmp_path / "state.sqlite3", retry_budget=300, connect_timeout=0.3
        )
        request = MigrationRequest(settings, load_profile("full"), list(NO_MONEY))
        with anyio.fail_after(HANG_GUARD):
            result = await migrate(request, lambda event: None)
    assert result.exit_code == ExitCode.FATAL
    setting = "SONAR_URL" if system == "sonar" else "SPLYNX_URL"
    assert f"at {setting} ({bad})" in result.message and "did not answer" in result.message
    assert "MIGRATOR_CONNECT_TIMEOUT" in result.message


@pytest.mark.parametrize("kind", KINDS)
async def test_check_reports_it_as_a_blocker_and_skips_that_system(
    tmp_path: Path, kind: str
) -> None:
    async with running_pair({"scale": 3}) as pair, bad_endpoint(kind) as bad:
        settings = settings_for(
            (pair.sonar_url, bad), tmp_path / "s.sqlite3", retry_budget=300, connect_timeout=0.3
        )
        with anyio.fail_after(HANG_GUARD):
            report = await preflight(settings)
    [reach] = [f for f in report.findings if f.check == "splynx.reach"]
    assert reach.status == "blocker" and "SPLYNX_URL" in reach.detail
    assert not [f for f in report.findings if f.check.startswith("splynx.access")]
    assert any(f.check.startswith("sonar") and f.status == "ok" for f in report.findings)
