"""``migrator check --fix``: create in Splynx what the migration needs and can make itself.

Today that is the marker fields (``migrator.splynx.markers``): the ``sonar_id``
additional field on every module whose records the run marks with it. The fix
is two steps so the command can say what it will create, and ask, in between:
``missing_markers`` (read-only: OPTIONS per endpoint) and ``create_markers``.
Anything else a check blocks on (credentials, permissions) is the operator's
to fix; the check names how.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from migrator.preflight.plan import DEFAULT_PLAN, MigrationPlan
from migrator.settings import Settings
from migrator.splynx.client import SplynxClient
from migrator.splynx.markers import MarkerField, create_field, marker_fields, missing_fields

__all__ = ["create_markers", "missing_markers"]

log = logging.getLogger(__name__)


async def missing_markers(
    settings: Settings, plan: MigrationPlan = DEFAULT_PLAN
) -> list[MarkerField]:
    """The marker fields Splynx lacks for ``plan`` (raises ``MigratorError`` if unreachable)."""
    async with SplynxClient.open(settings) as client:
        return await missing_fields(client, marker_fields(plan.endpoints))


async def create_markers(
    settings: Settings,
    fields: list[MarkerField],
    done: Callable[[MarkerField], None] = lambda field: None,
) -> None:
    """Create each field in Splynx, calling ``done`` after each one."""
    async with SplynxClient.open(settings) as client:
        for field in fields:
            await create_field(client, field)
            log.debug("created %s", field.describe())  # the caller tells the operator
            done(field)
