"""The database side of the pre-flight, when ``SPLYNX_DB_DSN`` is set.

The bulk paths write straight into Splynx's tables, so the check proves what
they need: the server answers, the credentials are accepted, and the database
is a Splynx one (its ``customers`` table is there). Without a DSN the run uses
the API only, which is fine: that is an ``ok`` finding, not a warning.
"""

from __future__ import annotations

import logging

from migrator.errors import MigratorError
from migrator.preflight.explain import explain
from migrator.preflight.findings import Finding
from migrator.settings import Settings
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.dsn import Dsn

__all__ = ["probe_database"]

log = logging.getLogger(__name__)
CHECK = "database.reach"


async def probe_database(settings: Settings, *, connect_timeout: float = 10.0) -> list[Finding]:
    """One finding: the database answers as a Splynx database, or what to fix."""
    if not settings.database_path or settings.splynx_db_dsn is None:
        return [Finding.ok(CHECK, "SPLYNX_DB_DSN not set: the run writes through the API only")]
    dsn = Dsn.parse(settings.splynx_db_dsn)
    try:
        async with SplynxDatabase.open(dsn, pool_size=1, connect_timeout=connect_timeout) as db:
            await db.ping()
            customers = await db.count("customers")
    except MigratorError as exc:
        log.debug("database probe failed", exc_info=True)
        problem = explain("database", exc)
        return [Finding.blocker(CHECK, problem.detail, problem.fix)]  # names the DSN
    detail = f"{dsn} answered; a Splynx database ({customers:,} customers)"
    return [Finding.ok(CHECK, detail)]
