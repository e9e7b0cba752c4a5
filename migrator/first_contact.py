"""Is each system there at all? One small request to each, given up on within seconds.

Until a system has answered once, a failure is far more likely a wrong URL, a
firewall or an instance that is down than a passing blip, and waiting out the
retry budget (five minutes by default) would only hide it. So before a run
(and ``check``) asks anything else, one small request goes to Sonar and one to
Splynx, each bounded by ``MIGRATOR_CONNECT_TIMEOUT`` (connecting and waiting
for the answer alike) and retried for at most ``CONTACT_ATTEMPTS`` times that.
A system that never answers stops everything with the setting to check named
(``SONAR_URL``, ``SPLYNX_URL``) and what was tried. Once both have answered,
the run's own clients and their long retry budget take over.
"""

from __future__ import annotations

import anyio

from migrator.errors import Fatal, GaveUp
from migrator.settings import Settings
from migrator.sonar.client import SonarClient
from migrator.sonar.extract import Extractor
from migrator.splynx.client import SplynxClient

__all__ = [
    "CONTACT_ATTEMPTS",
    "NotReached",
    "contact_budget",
    "reach",
    "reach_sonar",
    "reach_splynx",
]

CONTACT_ATTEMPTS = 3.0  # the retry budget of a first contact, in connect timeouts
SONAR_PROBE = "companies"  # every Sonar has one; the smallest authenticated list query


class NotReached(Fatal):
    """A system did not answer its first request within the first-contact budget."""


def contact_budget(settings: Settings) -> float:
    """Seconds a first contact is retried for (never more than the run's own budget)."""
    return min(settings.retry_budget, CONTACT_ATTEMPTS * settings.connect_timeout)


def _quick(settings: Settings) -> Settings:
    """The settings with every wait cut to first-contact scale."""
    return settings.model_copy(
        update={"timeout": settings.connect_timeout, "retry_budget": contact_budget(settings)}
    )


def _not_reached(system: str, setting: str, url: str, error: GaveUp, settings: Settings) -> str:
    return (
        f"{system} at {setting} ({url}) did not answer: {error.attempts} attempt(s) in "
        f"{contact_budget(settings):.0f} s, each given {settings.connect_timeout:.0f} s "
        f"(MIGRATOR_CONNECT_TIMEOUT); last: {error.last}. Check {setting}, that the "
        "instance is up, and that this machine may reach it (firewall, proxy)."
    )


async def reach_sonar(settings: Settings) -> None:
    """One probe of Sonar; ``NotReached`` naming SONAR_URL if it never answers."""
    try:
        async with SonarClient.from_settings(_quick(settings)) as sonar:
            await Extractor(sonar, page_size=1, producers=1).plan(SONAR_PROBE, partitions=1)
    except GaveUp as exc:
        url = settings.sonar_url or ""
        raise NotReached(_not_reached("Sonar", "SONAR_URL", url, exc, settings)) from exc


async def reach_splynx(settings: Settings) -> None:
    """One ``admin/api/check`` of Splynx; ``NotReached`` naming SPLYNX_URL if it never answers."""
    try:
        async with SplynxClient.open(_quick(settings)) as splynx:
            await splynx.check(anonymous=True)
    except GaveUp as exc:
        url = settings.splynx_url or ""
        raise NotReached(_not_reached("Splynx", "SPLYNX_URL", url, exc, settings)) from exc


async def reach(settings: Settings, *, splynx: bool = True) -> None:
    """Both systems at once (Sonar alone for a dry run)."""
    async with anyio.create_task_group() as group:
        group.start_soon(reach_sonar, settings)
        if splynx:
            group.start_soon(reach_splynx, settings)
