"""How long the real run will take, from what a dry run measured.

A dry run reads all of Sonar exactly as the real run will, so its Sonar
request count is the real one; it also knows how many Splynx writes the real
run will send. The write time comes from the Splynx limit when one is set,
else from the measured round trip of ``admin/api/check`` (a floor: real
writes also validate and store). Reading and writing overlap, so the run
takes about the larger of the two.
"""

from __future__ import annotations

import logging

from migrator.errors import MigratorError
from migrator.policy.clock import SYSTEM_CLOCK
from migrator.preflight.estimate import human
from migrator.preflight.splynx_probe import round_trips
from migrator.settings import Settings
from migrator.splynx.client import SplynxClient

__all__ = ["estimate_run"]

log = logging.getLogger(__name__)


async def _write_seconds(settings: Settings, writes: int) -> tuple[float | None, str]:
    if settings.splynx_rate > 0:
        seconds = writes / settings.splynx_rate
        return seconds, f"{writes:,} writes ÷ {settings.splynx_rate:g}/s = {human(seconds)}"
    if not settings.splynx_url:
        return None, f"{writes:,} writes (set SPLYNX_URL to time them against Splynx)"
    try:
        async with SplynxClient.open(settings) as client:
            latency, _ = await round_trips(client, SYSTEM_CLOCK)
    except MigratorError as exc:
        log.warning("could not time Splynx for the estimate: %s", exc)
        return None, f"{writes:,} writes (Splynx could not be timed: {exc})"
    seconds = writes * latency / settings.writers
    return seconds, (
        f"{writes:,} writes × {latency * 1000:.0f} ms ÷ {settings.writers} writers = "
        f"{human(seconds)} (at least)"
    )


async def estimate_run(settings: Settings, *, sonar_requests: int, writes: int) -> str:
    """One line an operator can check by hand."""
    sonar = sonar_requests / settings.sonar_rate * 60 if settings.sonar_rate > 0 else None
    reading = (
        f"{sonar_requests:,} Sonar requests ÷ {settings.sonar_rate:g}/min = {human(sonar)}"
        if sonar is not None
        else f"{sonar_requests:,} Sonar requests (no rate limit set)"
    )
    write, writing = await _write_seconds(settings, writes)
    known = [s for s in (sonar, write) if s is not None]
    total = f"about {human(max(known))}" if known else "unknown"
    return f"estimated duration of the real run: {total} (reading: {reading}; writing: {writing})"
