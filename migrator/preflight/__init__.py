"""The pre-flight behind ``migrator check``: what would block a migration, and how long it takes.

    report = await preflight(settings)               # or plan=MigrationPlan(...)
    report.blocked, report.exit_code                 # ExitCode.BLOCKED (5) if anything blocks
    for finding in report.findings: ...              # check, status, detail, fix
    report.counts.sonar["accounts"], report.estimate.seconds
    print_report(report, Console()); report_json(report)

Modules: ``plan`` (the endpoints, reads and writes of a migration, derived from
``migrator.entity_map`` as the engine runs it), ``sonar_probe``, ``splynx_probe``,
``endpoint_probe``, ``database_probe`` (the checks, each returning findings),
``explain`` (what each failure means and how to fix it), ``estimate`` (the
duration arithmetic), ``findings`` (the report model and its JSON shape),
``report`` (table and JSON), ``run`` (``preflight``), ``dry_run_estimate`` (how long
the real run will take, from what ``migrator run --dry-run`` measured).
"""

from migrator.preflight.estimate import Estimate, Limits, estimate
from migrator.preflight.findings import REPORT_VERSION, Counts, Finding, Report, Status
from migrator.preflight.plan import (
    DEFAULT_PLAN,
    MIGRATION_ENDPOINTS,
    MigrationPlan,
    Read,
    Writes,
)
from migrator.preflight.report import print_report, report_json
from migrator.preflight.run import CHECK_RETRY_BUDGET, preflight, require

__all__ = [
    "CHECK_RETRY_BUDGET",
    "DEFAULT_PLAN",
    "MIGRATION_ENDPOINTS",
    "REPORT_VERSION",
    "Counts",
    "Estimate",
    "Finding",
    "Limits",
    "MigrationPlan",
    "Read",
    "Report",
    "Status",
    "Writes",
    "estimate",
    "preflight",
    "print_report",
    "report_json",
    "require",
]
