"""Both simulators in-process on loopback, and the settings that point migrator at them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from migrator.settings import Settings, load_settings
from migrator.sim.harness import serve
from migrator.sim.sonar.app import SonarSimConfig, dataset_of
from migrator.sim.sonar.app import build_app as build_sonar
from migrator.sim.splynx.additional import MARKER_FIELDS
from migrator.sim.splynx.app import SplynxSimConfig
from migrator.sim.splynx.app import build_app as build_splynx

__all__ = ["Pair", "running_pair", "settings_for"]

TOKEN = "pair-token"
KEY = "pair-key"
SECRET = "pair-secret"


@dataclass
class Pair:
    sonar_url: str
    splynx_url: str
    sonar_app: web.Application
    splynx_app: web.Application

    @property
    def dataset(self) -> Any:
        return dataset_of(self.sonar_app)


@contextlib.asynccontextmanager
async def running_pair(
    sonar: dict[str, Any] | None = None,
    splynx: dict[str, Any] | None = None,
    *,
    middlewares: tuple[Any, Any] | None = None,
) -> AsyncIterator[Pair]:
    """Start a Sonar and a Splynx simulator; ``sonar`` / ``splynx`` override their configs.

    Splynx starts with the marker fields, as after ``migrator check --fix``
    (``splynx={"additional_fields": ()}`` for a fresh one). ``middlewares``: one
    aiohttp middleware each for Sonar and Splynx (a request log, say).
    """
    sonar_config = SonarSimConfig(**{"token": TOKEN, "scale": 30, "rate_limit": 0, **(sonar or {})})
    splynx_config = SplynxSimConfig(
        **{
            "api_key": KEY,
            "api_secret": SECRET,
            "workers": 8,
            "additional_fields": MARKER_FIELDS,
            **(splynx or {}),
        }
    )
    sonar_app = build_sonar(sonar_config)
    splynx_app = build_splynx(splynx_config)
    if middlewares is not None:
        sonar_app.middlewares.insert(0, middlewares[0])
        splynx_app.middlewares.insert(0, middlewares[1])
    async with serve(sonar_app) as sonar_url, serve(splynx_app) as splynx_url:
        yield Pair(sonar_url, splynx_url, sonar_app, splynx_app)


def settings_for(pair_or_urls: Pair | tuple[str, str], state: Path, **overrides: Any) -> Settings:
    """Settings as a user would give them (the environment), pointing at the pair."""
    sonar_url, splynx_url = (
        (pair_or_urls.sonar_url, pair_or_urls.splynx_url)
        if isinstance(pair_or_urls, Pair)
        else pair_or_urls
    )
    given = {
        "sonar_url": sonar_url,
        "sonar_token": TOKEN,
        "splynx_url": splynx_url,
        "splynx_api_key": KEY,
        "splynx_api_secret": SECRET,
        "state": state,
        "sonar_rate": 0,
        "timeout": 5,
        "retry_budget": 60,
        **overrides,
    }
    return load_settings(overrides=given, env_file=None)
