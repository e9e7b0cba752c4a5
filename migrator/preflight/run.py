"""``preflight(settings)``: every check, concurrently, gathered into one ``Report``.

Sonar, Splynx and the database are probed at the same time (they are
independent); the report lists their findings in that order whatever finished
first. Settings that are missing or malformed are not findings but a
``ConfigError`` raised before anything is sent (``migrator check`` exits 2):
there is nothing to probe without them.

Each system is first reached with one small request (``first_contact``): one
that does not answer within seconds is a blocker, and its other checks are not
attempted. A pre-flight should answer quickly and truthfully, so its retries
are capped at ``CHECK_RETRY_BUDGET`` seconds per request
(``MIGRATOR_RETRY_BUDGET`` if lower): a blip is retried, an outage is reported
rather than waited out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import anyio

from migrator.errors import ConfigError, MigratorError
from migrator.first_contact import NotReached, reach_sonar, reach_splynx
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.preflight.database_probe import probe_database
from migrator.preflight.estimate import Limits, estimate
from migrator.preflight.explain import explain
from migrator.preflight.findings import Counts, Finding, Report
from migrator.preflight.mapping_table import MappingRow, customer_mapping
from migrator.preflight.plan import DEFAULT_PLAN, MigrationPlan
from migrator.preflight.sonar_probe import SonarResult, probe_sonar
from migrator.preflight.splynx_probe import SplynxResult, probe_splynx
from migrator.preflight.tax_mapping import links_by_service, tax_rows, unmapped_taxes
from migrator.profile_rules import CustomerRules, ServiceRules, SupportRules
from migrator.settings import Settings
from migrator.sonar.client import graphql_endpoint
from migrator.sonar.schema import LIST_QUERIES
from migrator.splynx.dsn import Dsn

__all__ = ["CHECK_RETRY_BUDGET", "preflight", "require"]

log = logging.getLogger(__name__)
CHECK_RETRY_BUDGET = 10.0

_REQUIRED = (
    ("sonar_url", "SONAR_URL"),
    ("sonar_token", "SONAR_TOKEN"),
    ("splynx_url", "SPLYNX_URL"),
    ("splynx_api_key", "SPLYNX_API_KEY"),
    ("splynx_api_secret", "SPLYNX_API_SECRET"),
)


def _is_set(value: object) -> bool:
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    return bool(text and str(text).strip())


def require(settings: Settings) -> None:
    """Raise one ``ConfigError`` naming every missing or malformed connection setting."""
    missing = [env for name, env in _REQUIRED if not _is_set(getattr(settings, name))]
    if missing:
        raise ConfigError(
            f"not set: {', '.join(missing)} (in the environment or .env; see .env.example)"
        )
    graphql_endpoint(settings.sonar_url or "")
    if not (settings.splynx_url or "").strip().startswith(("http://", "https://")):
        raise ConfigError("SPLYNX_URL must start with https:// (or http://)")
    if settings.splynx_db_dsn is not None and _is_set(settings.splynx_db_dsn):
        Dsn.parse(settings.splynx_db_dsn)


def _insecure(settings: Settings) -> list[Finding]:
    if not settings.insecure:
        return []
    detail = "TLS certificate verification is off (MIGRATOR_INSECURE)"
    fix = "acceptable for a staging server only; unset MIGRATOR_INSECURE for production"
    return [Finding.warning("tls", detail, fix)]


def _unreached(system: str, error: NotReached) -> Finding:
    """A blocker saying what the last attempt met and what to check (``explain``'s words)."""
    last = error.__cause__
    problem = explain(system, last) if isinstance(last, MigratorError) else None
    detail = f"{problem.detail}; {error}" if problem else str(error)
    fix = problem.fix if problem else "check the URL and that the instance is up"
    return Finding.blocker(f"{system}.reach", detail, fix)


@dataclass
class _Results:
    sonar: SonarResult = field(default_factory=SonarResult)
    splynx: SplynxResult = field(default_factory=SplynxResult)
    database: list[Finding] = field(default_factory=list)


async def _probe_all(
    settings: Settings,
    plan: MigrationPlan,
    queries: tuple[str, ...],
    clock: Clock,
    support: SupportRules | None = None,
) -> _Results:
    """The three systems at once; each probe turns its own failures into findings."""
    results = _Results()

    async def sonar() -> None:
        try:
            await reach_sonar(settings)
        except NotReached as exc:
            results.sonar = SonarResult(findings=[_unreached("sonar", exc)])
            return
        except MigratorError:
            pass  # it answered: the probes say what is wrong, with their fix
        needed = plan.queries()
        results.sonar = await probe_sonar(settings, queries=queries, needed=needed, clock=clock)

    async def splynx() -> None:
        try:
            await reach_splynx(settings)
        except NotReached as exc:
            results.splynx = SplynxResult(findings=[_unreached("splynx", exc)])
            return
        except MigratorError:
            pass  # it answered: the probes say what is wrong, with their fix
        results.splynx = await probe_splynx(settings, plan, clock=clock, support=support)

    async def database() -> None:
        timeout = min(10.0, settings.timeout)
        results.database = await probe_database(settings, connect_timeout=timeout)

    async with anyio.create_task_group() as group:
        for probe in (sonar, splynx, database):
            group.start_soon(probe)
    return results


def _limits(settings: Settings, found: _Results) -> Limits:
    return Limits(
        page_size=settings.page_size,
        producers=settings.producers,
        sonar_rate=settings.sonar_rate,
        splynx_rate=settings.splynx_rate,
        writers=settings.writers,
        sonar_latency=found.sonar.latency,
        splynx_latency=found.splynx.latency,
    )


async def preflight(
    settings: Settings,
    *,
    plan: MigrationPlan = DEFAULT_PLAN,
    queries: tuple[str, ...] = LIST_QUERIES,
    clock: Clock = SYSTEM_CLOCK,
    rules: CustomerRules | None = None,
    services: ServiceRules | None = None,
    taxes: Mapping[str, int] | None = None,
    support: SupportRules | None = None,
) -> Report:
    """Check the configured Sonar, Splynx and database for what would block ``plan``.

    ``rules``, ``services`` and ``taxes`` (its ``[taxes]``): the profile's, for the
    mapping table (default: the built-in rules, no tax mapped). The unmapped-tax
    finding is made only when ``taxes`` is given (``check`` gives the profile's), the
    ticket settings' only when ``support`` is.
    """
    require(settings)
    plan.resolved()  # an unknown endpoint name is a ConfigError, before any request
    budget = min(settings.retry_budget, CHECK_RETRY_BUDGET)
    found = await _probe_all(
        settings.model_copy(update={"retry_budget": budget}), plan, queries, clock, support
    )
    taxed = _tax_mapping(found.sonar, services or ServiceRules(), taxes or {})
    return Report(
        findings=[
            *_insecure(settings),
            *found.sonar.findings,
            *found.splynx.findings,
            *found.database,
            *(
                [unmapped_taxes(taxed)]
                if found.sonar.taxes is not None and taxes is not None
                else []
            ),
        ],
        counts=Counts(sonar=found.sonar.counts, splynx=found.splynx.counts),
        estimate=estimate(found.sonar.counts, plan, _limits(settings, found)),
        mapping=[*_mapping(found.sonar, rules or CustomerRules()), *taxed],
    )


def _mapping(sonar: SonarResult, rules: CustomerRules) -> list[MappingRow]:
    if sonar.statuses is None or sonar.types is None:
        return []
    return customer_mapping(sonar.statuses, sonar.types, rules)


def _tax_mapping(
    sonar: SonarResult, rules: ServiceRules, taxes: Mapping[str, int]
) -> list[MappingRow]:
    if sonar.taxes is None or sonar.service_taxes is None:
        return []
    by_id = {tax.id: tax for tax in sonar.taxes}
    return tax_rows(by_id, links_by_service(sonar.service_taxes), taxes, rules)
