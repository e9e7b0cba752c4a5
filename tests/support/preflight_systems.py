"""Both simulators running for the pre-flight, and the settings that point ``check`` at them.

A small generated Sonar (no rate limit) and a fresh Splynx on loopback, with
helpers to read a report by check. The pre-flight's tests run it in-process
(``Systems.settings``) and as ``migrator check`` (the URLs, token and key).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from migrator.preflight import Report, Status
from migrator.settings import Settings
from migrator.sim.harness import serve
from migrator.sim.sonar.app import DEFAULT_TOKEN, SonarSimConfig, build_app
from tests.support.splynx_sim import KEY, SECRET, RunningSim, running

__all__ = ["SCALE", "Systems", "by_check", "not_ok", "systems"]

SCALE = 20


@dataclass
class Systems:
    sonar_url: str
    sonar_app: web.Application
    splynx: RunningSim

    def settings(self, **changes: Any) -> Settings:
        values: dict[str, Any] = {
            "sonar_url": self.sonar_url,
            "sonar_token": SecretStr(DEFAULT_TOKEN),
            "splynx_url": self.splynx.url,
            "splynx_api_key": SecretStr(KEY),
            "splynx_api_secret": SecretStr(SECRET),
            "sonar_rate": 0.0,
            "timeout": 5.0,
            "retry_budget": 0.0,
            **changes,
        }
        return Settings.model_construct(**values)


@contextlib.asynccontextmanager
async def systems(**splynx: Any) -> AsyncIterator[Systems]:
    """Both simulators: a small generated Sonar (no rate limit) and a fresh Splynx."""
    app = build_app(SonarSimConfig(scale=SCALE, seed=5, rate_limit=0))
    async with serve(app) as url, running(**splynx) as sim:
        yield Systems(url, app, sim)


def by_check(report: Report) -> dict[str, Any]:
    return {finding.check: finding for finding in report.findings}


def not_ok(report: Report) -> list[str]:
    return [f.check for f in report.findings if f.status is not Status.OK]
