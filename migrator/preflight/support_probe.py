"""Are the ticket statuses, type and groups the profile's ``[support]`` names in Splynx?

Splynx's API cannot create them, so a run would stop before its first ticket
when one is missing; ``migrator check`` says so first, naming each one, with
what to do (make it in Splynx's UI, or name an existing one in the profile).
Sonar ticket groups with no Splynx namesake go to the default group: not a
blocker, only noted.
"""

from __future__ import annotations

import logging

from migrator.errors import MigratorError
from migrator.preflight.findings import Finding
from migrator.profile_rules import SupportRules
from migrator.splynx.client import SplynxClient
from migrator.splynx.ticket_settings import read_ticket_settings
from migrator.transform.support_targets import missing_targets

__all__ = ["probe_support"]

log = logging.getLogger(__name__)
CHECK = "splynx.support"


async def probe_support(client: SplynxClient, rules: SupportRules) -> Finding:
    try:
        found = await read_ticket_settings(client)
    except MigratorError as exc:
        log.debug("reading Splynx's ticket settings failed", exc_info=True)
        fix = "grant the API key view on Support / Ticket statuses, groups and types"
        return Finding.blocker(CHECK, f"could not read ticket settings: {exc}", fix)
    missing = missing_targets(rules, found)
    if missing:
        fix = (
            "create them in Splynx (Config > Helpdesk; its API cannot), or name existing "
            "ones in the profile's [support]"
        )
        return Finding.blocker(CHECK, "Splynx lacks " + "; ".join(missing), fix)
    detail = (
        f"the profile's ticket statuses, type {rules.type!r} and default group "
        f"{rules.default_group!r} are in Splynx"
    )
    return Finding.ok(CHECK, detail)
