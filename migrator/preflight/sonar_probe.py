"""The Sonar side of the pre-flight: reachable, token accepted, how much there is to read.

One probe request per list query (``Extractor.plan``: lowest id, highest id
and ``total_count`` in one request) gives the counts; the first one, on
``companies``, doubles as the reachability and authentication test. One page
of accounts with their relations is read and timed for the estimate. The probes
go through the run's own ``SonarClient``, so they obey the same request budget
(``MIGRATOR_SONAR_RATE``) and prove the same transport, TLS and token.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field

import anyio

from migrator.errors import MigratorError
from migrator.events import Event, RequestDone
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.preflight.explain import explain, refused
from migrator.preflight.findings import Finding
from migrator.preflight.mapping_table import read_customer_references
from migrator.settings import Settings
from migrator.sonar.client import SonarClient
from migrator.sonar.entities import AccountStatus, AccountType
from migrator.sonar.extract import Extractor
from migrator.sonar.readers import NestedAccounts
from migrator.sonar.schema import LIST_QUERIES

__all__ = ["SonarResult", "probe_sonar"]

log = logging.getLogger(__name__)
FIRST = "companies"  # every Sonar has one; the smallest authenticated query we send


@dataclass
class SonarResult:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    latency: float | None = None  # seconds of a sampled page (else the probes' median)
    statuses: list[AccountStatus] | None = None  # None: not read (the mapping is not shown)
    types: list[AccountType] | None = None


class _Latencies:
    """Collects the service time of each successful request (the ``emit`` of the client)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, event: Event) -> None:
        if isinstance(event, RequestDone) and event.outcome == "ok":
            self.seconds.append(event.seconds)

    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def _first_failed(url: str, error: MigratorError) -> list[Finding]:
    problem = explain("sonar", error)
    later = " (counts not taken)"
    if not refused(error):
        return [Finding.blocker("sonar.reach", problem.detail + later, problem.fix)]
    return [
        Finding.ok("sonar.reach", f"{url} answered"),
        Finding.blocker("sonar.auth", problem.detail + later, problem.fix),
    ]


async def _count_rest(
    extractor: Extractor, queries: list[str], needed: frozenset[str], result: SonarResult
) -> None:
    """Count the other queries, a few at a time (the shared limiter paces them).

    A query the migration reads must be countable (blocker); the others are
    counted for information, so failing to count one is only a warning.
    """
    counts: dict[str, int] = {}
    failed: dict[str, MigratorError] = {}
    slots = anyio.CapacityLimiter(max(1, extractor.producers))

    async def one(query: str) -> None:
        async with slots:
            try:
                counts[query] = (await extractor.plan(query, partitions=1)).total_count
            except MigratorError as exc:
                failed[query] = exc

    async with anyio.create_task_group() as group:
        for query in queries:
            group.start_soon(one, query)
    result.counts.update((q, counts[q]) for q in queries if q in counts)  # in query order
    for query, error in sorted(failed.items(), key=lambda item: queries.index(item[0])):
        problem = explain("sonar", error)
        make = Finding.blocker if query in needed else Finding.warning
        result.findings.append(make(f"sonar.count.{query}", problem.detail, problem.fix))


def _counted(result: SonarResult, queries: list[str]) -> Finding:
    counted = [q for q in queries if q in result.counts]
    largest = sorted(counted, key=lambda q: -result.counts[q])[:4]
    shown = ", ".join(f"{result.counts[q]:,} {q}" for q in largest)
    return Finding.ok("sonar.counts", f"{len(counted)} list queries counted ({shown}, ...)")


async def _sample_page(
    client: SonarClient, page_size: int, latencies: _Latencies, result: SonarResult
) -> None:
    """Time one page of accounts with their relations, the heaviest request of a run.

    A probe is light; a nested page can take a second on a busy Sonar, and with
    only a few producers that, not the request budget, may bound the run.
    """
    before = len(latencies.seconds)
    try:
        await NestedAccounts().read(client, 0, None, page_size, None, "accounts sample page")
    except MigratorError as exc:
        problem = explain("sonar", exc)
        result.findings.append(Finding.warning("sonar.page", problem.detail, problem.fix))
        return
    result.latency = max(latencies.seconds[before:], default=None)
    if result.latency is not None:
        detail = (
            f"a page of {page_size} accounts with their relations took "
            f"{result.latency * 1000:.0f} ms"
        )
        result.findings.append(Finding.ok("sonar.page", detail))


async def _references(extractor: Extractor, result: SonarResult) -> None:
    """Sonar's account statuses and types, for the mapping table (a warning if unreadable)."""
    try:
        result.statuses, result.types = await read_customer_references(extractor)
    except MigratorError as exc:
        problem = explain("sonar", exc)
        detail = f"account statuses and types not read: {problem.detail}"
        result.findings.append(Finding.warning("sonar.mapping", detail, problem.fix))


async def probe_sonar(
    settings: Settings,
    *,
    queries: tuple[str, ...] = LIST_QUERIES,
    needed: frozenset[str] = frozenset(LIST_QUERIES),
    clock: Clock = SYSTEM_CLOCK,
) -> SonarResult:
    """Reachability, token and the count of every list query in ``queries``.

    ``needed``: the queries the migration reads (a count failing there blocks).
    """
    latencies = _Latencies()
    result = SonarResult()
    client = SonarClient.from_settings(settings, emit=latencies, clock=clock)
    url = settings.sonar_url or "SONAR_URL"
    async with client:
        extractor = Extractor(client, page_size=settings.page_size, producers=settings.producers)
        try:
            result.counts[FIRST] = (await extractor.plan(FIRST, partitions=1)).total_count
        except MigratorError as exc:
            log.debug("sonar probe failed", exc_info=True)
            result.findings = _first_failed(url, exc)
            return result
        ms = (latencies.median() or 0.0) * 1000
        result.findings.append(Finding.ok("sonar.reach", f"{url} answered in {ms:.0f} ms"))
        result.findings.append(Finding.ok("sonar.auth", "SONAR_TOKEN accepted"))
        rest = [q for q in queries if q != FIRST]
        await _count_rest(extractor, rest, needed, result)
        if all(q in result.counts for q in queries):
            result.findings.append(_counted(result, list(queries)))
        if result.counts.get("accounts"):
            await _sample_page(client, settings.page_size, latencies, result)
        await _references(extractor, result)
    if result.latency is None:
        result.latency = latencies.median()
    return result
