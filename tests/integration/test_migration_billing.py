"""Each customer's billing settings, end to end over HTTP, checked through Splynx's API.

The generated Sonar bills most accounts on the 1st or the 15th and a few on
their sign-up day, 29-31 included (``generate/billing_settings.py``). After the
migration, Splynx must bill each customer on Sonar's day, or, for 29-31, on
the profile's ``late_bill_day`` with a cleanup note on that customer; payment
due and grace follow within Splynx's ranges.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.pipeline.state import StateStore
from migrator.profile import load_profile
from migrator.splynx.classify import Request
from migrator.splynx.client import SplynxClient
from tests.support.pair import running_pair, settings_for

pytestmark = pytest.mark.slow
ENTITIES = ["partners", "locations", "customers"]


def expected(parameters: dict[str, object], late_day: int) -> dict[str, int]:
    """Splynx's settings for Sonar's parameters, worked out here from the documented ranges."""
    day, due, grace = (int(str(parameters[k])) for k in ("bill_day", "due_days", "grace_days"))
    return {
        "billing_date": day if day <= 28 else late_day,
        "billing_due": min(max(due, 1), 28),
        "grace_period": min(grace, 99),
    }


async def test_every_customer_is_billed_on_sonars_day_or_the_profiles(tmp_path: Path) -> None:
    profile = load_profile("full")
    async with running_pair({"scale": 60, "seed": 11}) as pair:
        state = tmp_path / "state.sqlite3"
        settings = settings_for(pair, state)
        result = await migrate(MigrationRequest(settings, profile, ENTITIES), lambda e: None)
        assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
        sonar = {
            int(p["account_id"]): p for p in pair.dataset.records("account_billing_parameters")
        }
        late = {account for account, p in sonar.items() if int(p["bill_day"]) > 28}
        assert late, "the generated data must hold a bill day of 29-31 for this test to mean it"
        async with SplynxClient.open(settings) as client:
            customers = [c async for c in client.iterate("customers")]
            by_account = {int(c.additional_attributes["sonar_id"]): c.id for c in customers}
            assert set(sonar) <= set(by_account)
            for account, parameters in sonar.items():
                # the row is keyed by customer_id and has no id: read it as JSON
                path = f"admin/customers/customer-billing/{by_account[account]}"
                billing = (await client.session.send(Request("GET", path))).json()
                held = {k: int(billing[k]) for k in ("billing_date", "billing_due", "grace_period")}
                want = expected(parameters, profile.billing.late_bill_day)
                assert held == want, f"account {account}: {parameters}"
    store = StateStore.open(state)
    notes = {(sonar_id, note.split(":")[0]) for _, sonar_id, note in store.cleanups("customers")}
    store.close()
    assert {(account, "billing_date") for account in late} <= notes
    on_time = {a for a in sonar if a not in late}
    assert not {(account, "billing_date") for account in on_time} & notes
