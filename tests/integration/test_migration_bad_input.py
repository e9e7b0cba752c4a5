"""A Sonar full of nasty data: every record is migrated (cleaned, with notes) or rejected
with a reason naming the field; the run completes and its exit code says rejects happened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from tests.support.migration_checks import rejects_of, run, verify_splynx
from tests.support.nasty_sonar_fixture import nasty_fixture
from tests.support.pair import running_pair

pytestmark = pytest.mark.slow


async def test_nasty_accounts_are_migrated_or_rejected_with_a_named_reason(tmp_path: Path) -> None:
    fixture = tmp_path / "fixture"
    planted = nasty_fixture(fixture)
    async with running_pair({"fixture": fixture}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state)
        assert result.exit_code == ExitCode.REJECTS, result.message
        rejected = rejects_of(state)
        await verify_splynx(pair, settings, rejected)  # the rest arrived, each once
        # A re-run has nothing left to do, but the migration it completes still holds
        # rejected records: it says so, by its exit code and its message.
        again, _, _ = await run(pair, state)
        assert again.exit_code == ExitCode.REJECTS, again.message
        assert f"{sum(map(len, rejected.values())):,} records were rejected by earlier" in (
            again.message
        )
    store = StateStore.open(state)
    reasons = {(r.entity, r.sonar_id): r for r in store.rejects()}
    notes = {(e, s, n) for e, s, n in store.cleanups()}
    store.close()
    assert all(r.field and r.reason for r in reasons.values()), "every reject names its field"
    assert reasons[("customers", 1)].field == "name"
    assert reasons[("recurring_services", planted["ghost_service"])].field == "service_id"
    assert "not in Sonar's service catalog" in reasons[("recurring_services", 90002)].reason
    assert reasons[("customer_notes", planted["empty_note"])].field == "message"
    assert ("customers", 4, "name: cut from 311 to 256 characters") in notes  # trimmed first
    assert any(e == "customers" and s == 2 and "whitespace" in n for e, s, n in notes)
    assert any(e == "customers" and s == 2 and "example..org" in n for e, s, n in notes)
    assert any(e == "customers" and s == 5 and "777" in n for e, s, n in notes)
    assert any(e == "customers" and s == 5 and "parent_account_id" in n for e, s, n in notes)
    summary = json.dumps([r.reason for r in reasons.values()])
    assert "Traceback" not in summary
