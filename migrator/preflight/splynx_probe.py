"""The Splynx side of the pre-flight: is it there, does it take our key, may the key do the job.

In order, each step only if the one before passed:

1. reach: ``admin/api/check`` without credentials, a few times; it also gives
   the round-trip time the duration estimate uses;
2. auth: ``admin/api/check?checkAuth=1`` with the configured ``SPLYNX_AUTH``
   (for ``token``, obtaining an access token first);
3. per endpoint the run writes (``endpoint_probe``): OPTIONS (the key's
   permission), the ``sonar_id`` additional field where the marker needs one,
   and ``HEAD`` counts (does Splynx already hold data?).

Everything goes through the run's own ``SplynxClient``, so it proves the same
URL, TLS, auth strategy and user agent the writers will use.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field

from migrator.errors import MigratorError
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.preflight.endpoint_probe import probe_endpoints
from migrator.preflight.explain import explain, refused
from migrator.preflight.findings import Finding
from migrator.preflight.plan import MigrationPlan
from migrator.preflight.support_probe import probe_support
from migrator.profile_rules import SupportRules
from migrator.settings import Settings
from migrator.splynx.client import SplynxClient
from migrator.splynx.records import ApiCheck

__all__ = [
    "ROUND_TRIPS",
    "SplynxResult",
    "probe_splynx",
    "round_trips",
]

log = logging.getLogger(__name__)
ROUND_TRIPS = 5  # admin/api/check requests timed for the latency figure
_NOT_CHECKED = "; endpoint permissions, marker fields and existing data were not checked"
_NOT_SPLYNX = (
    "check SPLYNX_URL: it should be the Splynx base URL (without /api/2.0); a Splynx "
    "answers admin/api/check without credentials, this server demanded them"
)


@dataclass
class SplynxResult:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    latency: float | None = None  # median seconds of an admin/api/check round trip


async def round_trips(client: SplynxClient, clock: Clock) -> tuple[float, ApiCheck]:
    """Median seconds of ``ROUND_TRIPS`` anonymous ``admin/api/check`` requests, and the last
    answer. Time spent waiting for our own rate limiter is not the server's: it is left out."""
    times = []
    limiter = client.session.limiter
    for _ in range(ROUND_TRIPS):
        started, waited = clock.now(), limiter.waited
        answer = await client.check(anonymous=True)
        times.append(clock.now() - started - (limiter.waited - waited))
    return statistics.median(times), answer


async def _reach(client: SplynxClient, url: str, clock: Clock, result: SplynxResult) -> bool:
    try:
        result.latency, answer = await round_trips(client, clock)
    except MigratorError as exc:
        log.debug("splynx reach failed", exc_info=True)
        problem = explain("splynx", exc)
        fix = _NOT_SPLYNX if refused(exc) else problem.fix
        result.findings.append(Finding.blocker("splynx.reach", problem.detail + _NOT_CHECKED, fix))
        return False
    if not answer.ok:
        detail = f"admin/api/check answered status {answer.status!r}: {answer.message}"
        fix = "look at the Splynx server: its API says it is not working"
        result.findings.append(Finding.blocker("splynx.reach", detail + _NOT_CHECKED, fix))
        return False
    ms = result.latency * 1000
    detail = f"{url}: API is valid; round trip {ms:.0f} ms (median of {ROUND_TRIPS})"
    result.findings.append(Finding.ok("splynx.reach", detail))
    return True


async def _auth(client: SplynxClient, settings: Settings, result: SplynxResult) -> bool:
    try:
        await client.check(verify_credentials=True)
    except MigratorError as exc:
        log.debug("splynx auth failed", exc_info=True)
        problem = explain("splynx", exc)
        result.findings.append(
            Finding.blocker("splynx.auth", problem.detail + _NOT_CHECKED, problem.fix)
        )
        return False
    how = {
        "token": "an access token was issued and accepted",
        "signature": "signed requests are accepted",
        "basic": "Basic credentials are accepted",
    }[settings.splynx_auth]
    detail = f"credentials accepted ({settings.splynx_auth} auth): {how}"
    result.findings.append(Finding.ok("splynx.auth", detail))
    return True


async def probe_splynx(
    settings: Settings,
    plan: MigrationPlan,
    *,
    clock: Clock = SYSTEM_CLOCK,
    support: SupportRules | None = None,
) -> SplynxResult:
    """Reachability, credentials, and per endpoint permission, marker field and data; with
    ``support`` (the profile's) and tickets in the plan, the ticket settings it names."""
    result = SplynxResult()
    url = settings.splynx_url or "SPLYNX_URL"
    async with SplynxClient.open(settings, clock=clock) as client:
        if not await _reach(client, url, clock, result):
            return result
        if not await _auth(client, settings, result):
            return result
        found = await probe_endpoints(client, plan)
        if support is not None and "tickets" in plan.endpoints:
            found.findings.append(await probe_support(client, support))
    result.findings += found.findings
    result.counts = found.counts
    return result
