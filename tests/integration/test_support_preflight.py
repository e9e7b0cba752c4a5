"""``migrator check`` and the run on the ticket settings the profile's [support] names.

Splynx's API cannot create ticket statuses, types or groups: the pre-flight
reads them and names each one the profile wants and Splynx lacks (a blocker),
and a run with such a profile stops before writing anything, naming them too.
"""

from __future__ import annotations

from pathlib import Path

from migrator.exitcodes import ExitCode
from migrator.preflight import preflight
from migrator.profile import load_profile
from migrator.profile_rules import SupportRules
from tests.support.migration_checks import run
from tests.support.pair import running_pair
from tests.support.preflight_systems import by_check, systems


async def test_check_names_the_ticket_settings_splynx_lacks() -> None:
    async with systems() as env:
        healthy = await preflight(env.settings(), support=SupportRules())
        lacking = await preflight(
            env.settings(), support=SupportRules(type="Outage", default_group="NOC")
        )
    assert by_check(healthy)["splynx.support"].status.value == "ok"
    finding = by_check(lacking)["splynx.support"]
    assert lacking.exit_code is ExitCode.BLOCKED
    assert "ticket type 'Outage'" in finding.detail and "ticket group 'NOC'" in finding.detail
    assert "[support]" in finding.fix


async def test_a_run_stops_before_the_first_ticket_when_a_status_is_missing(
    tmp_path: Path,
) -> None:
    full = load_profile("full")
    support = full.support.model_copy(update={"status": {**full.support.status, "OPEN": "Open"}})
    profile = full.model_copy(update={"support": support})
    async with running_pair({"scale": 3, "seed": 2}) as pair:
        result, _, _ = await run(
            pair, tmp_path / "state.sqlite3", entities=("tickets",), profile=profile
        )
    assert result.exit_code not in (ExitCode.OK, ExitCode.REJECTS)
    assert "ticket status 'Open' ([support.status] OPEN)" in result.message
