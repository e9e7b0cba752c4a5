"""A Sonar full of nasty data: every record is migrated (cleaned, with notes) or rejected
with a reason naming the field; the run completes and its exit code says rejects happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from migrator.sim.sonar.app import SonarSimConfig, export_fixture
from migrator.sonar.fixture import dump_record, fixture_path, read_records
from tests.support.migration_checks import rejects_of, run, verify_splynx
from tests.support.pair import running_pair

pytestmark = pytest.mark.slow

LONG_NAME = "Very Long Business Name " * 13  # 312 characters, the last a space


def patch(
    directory: Path,
    query: str,
    changes: dict[int, dict[str, Any]],
    extra: list[dict[str, Any]] = (),
) -> None:
    """Rewrite some records of a fixture file (by id) and append new ones."""
    path = fixture_path(directory, query)
    records = [record for _, record in read_records(path)]
    for record in records:
        record.update(changes.get(int(record["id"]), {}))
    path.write_text("".join(dump_record(r) + "\n" for r in [*records, *extra]), encoding="utf-8")


def nasty_fixture(directory: Path) -> dict[str, Any]:
    export_fixture(SonarSimConfig(scale=12, seed=4), directory)
    contacts = {
        int(r["contactable_id"]): r
        for _, r in read_records(fixture_path(directory, "contacts"))
        if r["contactable_type"] == "Account"
    }
    orphan = {**contacts[1], "id": "90001", "contactable_id": "99999"}
    held = next(r for _, r in read_records(fixture_path(directory, "account_services")))
    ghost_plan = {**held, "id": "90002", "service_id": "99999"}
    note = next(
        r
        for _, r in read_records(fixture_path(directory, "notes"))
        if r["noteable_type"] == "Account"
    )
    patch(
        directory,
        "accounts",
        {
            1: {"name": ""},
            2: {"name": "  🚀🚀 Rocket  Internet 🚀 "},
            3: {"name": "مرحبا بالعالم שלום"},
            4: {"name": LONG_NAME},
            5: {"account_status_id": "777", "parent_account_id": "88888"},
        },
    )
    patch(
        directory,
        "contacts",
        {
            int(contacts[2]["id"]): {"email_address": "ada@example..org"},  # Sonar takes it
            int(contacts[3]["id"]): {"email_address": "same@example.org"},
            int(contacts[4]["id"]): {"email_address": "same@example.org"},
        },
        [orphan],
    )
    patch(directory, "account_services", {}, [ghost_plan])
    patch(directory, "notes", {int(note["id"]): {"message": "   "}})
    return {"ghost_service": 90002, "empty_note": int(note["id"])}


async def test_nasty_accounts_are_migrated_or_rejected_with_a_named_reason(tmp_path: Path) -> None:
    fixture = tmp_path / "fixture"
    planted = nasty_fixture(fixture)
    async with running_pair({"fixture": fixture}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state)
        assert result.exit_code == ExitCode.REJECTS, result.message
        rejected = rejects_of(state)
        await verify_splynx(pair, settings, rejected)  # the rest arrived, each once
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
